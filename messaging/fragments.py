"""Rendered pieces of a page kept in the cache, each under a key made of what it shows.

A fragment's key is a digest of every value its HTML depends on, with the active
language and time zone always among them: when any of them changes the page asks
for another key, so nothing needs invalidating and a stale piece is never shown.
Pieces no longer asked for expire. The contracts app uses this too (imports point
messaging <- contracts).
"""

import hashlib
from collections.abc import Callable, Hashable, Sequence

from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

FRAGMENT_SECONDS = 24 * 60 * 60


def fragment_key(kind: str, *parts: Hashable) -> str:
    """The cache key of a fragment of `kind` showing `parts`, in this language and time zone."""
    shown = (translation.get_language(), timezone.get_current_timezone_name(), *parts)
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return f"fragment:{kind}:{digest}"


def fragments_render[T](
    items: Sequence[T],
    *,
    key: Callable[[T], str | None],
    render: Callable[[T], str],
) -> list[SafeString | None]:
    """Each item's HTML, read from the cache in one call; the missing ones rendered and kept.

    `key(item)` is None for an item that cannot be kept (a form with the reader's CSRF
    token in it): its place in the list is None, for the page to render itself.
    """
    keys = [key(item) for item in items]
    found = cache.get_many([k for k in keys if k is not None])
    made: dict[str, str] = {}
    htmls: list[SafeString | None] = []
    for item, item_key in zip(items, keys, strict=True):
        if item_key is None:
            htmls.append(None)
            continue
        html = found.get(item_key)
        if html is None:
            html = made[item_key] = render(item)
        htmls.append(mark_safe(html))  # noqa: S308 - rendered by our own templates
    if made:
        cache.set_many(made, FRAGMENT_SECONDS)
    return htmls
