"""Places in a lower app's page where a higher app shows something.

Imports point one way (accounts <- listings <- messaging <- contracts), yet a
listing page shows its reviews and an Apply button, and a host's listing list
links to each House Guide. The lower app's template names a slot,
``{% load slots %}{% slot "listing_reviews" listing=listing %}``, and the higher
app registers a renderer for it from its AppConfig.ready:

    @slot_register("listing_reviews")
    def listing_reviews(*, request, listing) -> str: ...

A renderer returns HTML rendered from a template (with the request, so that its
forms carry the CSRF token), or "". A slot nobody fills renders nothing.
"""

from collections import defaultdict
from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

_slots: dict[str, list[Callable]] = defaultdict(list)


def slot_register(name: str) -> Callable[[Callable], Callable]:
    def register(func: Callable) -> Callable:
        if func not in _slots[name]:
            _slots[name].append(func)
        return func

    return register


def slot_parts(name: str, *, request=None, **context) -> list[SafeString]:
    parts = (func(request=request, **context) for func in _slots[name])
    return [mark_safe(part) for part in parts if part]  # noqa: S308 - rendered templates


def slot_render(name: str, *, request=None, **context) -> SafeString:
    return mark_safe("".join(slot_parts(name, request=request, **context)))  # noqa: S308
