"""HTML rendered once with holes, filled for each request.

Part of a page that is the same for everyone but for a few values (a search
result card, the search filters, the body of a listing page) is rendered from
its template with `hole(name)` where each value goes, split at the holes and
kept (in the shared cache, or per process when it derives from the code alone);
each request then fills the holes, which costs a string join instead of a
template render:

    parts = holes_split(get_template(name).render({"value": hole("value")}))
    html = holes_fill(parts, {"value": escape(value)})
"""

import functools
import hashlib

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

MARK = "\x00"


def hole(name: str) -> SafeString:
    """A place for the value `name`; safe, so that templates leave it as it is."""
    return mark_safe(f"{MARK}{name}{MARK}")  # noqa: S308 - a marker, replaced before output


def holes_split(html: str) -> tuple[str, ...]:
    """Rendered HTML as its parts: HTML, a hole's name, HTML, ..."""
    return tuple(html.split(MARK))


def holes_fill(parts: tuple[str, ...] | list[str], values: dict) -> SafeString:
    """The parts joined, each hole replaced by its value (HTML already escaped) or ""."""
    return mark_safe(  # noqa: S308 - parts are rendered templates; values escaped HTML
        "".join(part if n % 2 == 0 else str(values.get(part, "")) for n, part in enumerate(parts))
    )


@functools.lru_cache(maxsize=64)
def _digest(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def template_digest(name: str) -> str:
    """A short digest of a template's text, for the keys of what is rendered from it, so
    that an edited template (a release, or a change in development) is rendered again."""
    return _digest(get_template(name).template.source)
