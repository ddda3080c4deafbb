"""Rendered pieces of a page kept in the cache, each under a key made of what it shows.

A fragment's key is a digest of every value its HTML depends on, with the template,
the active language and time zone, and the release (the digest of the site's code,
templates and catalogs, so a deploy never shows a piece an older release rendered)
always among them. When any of them changes the page asks for another key: nothing
needs invalidating, a stale piece is never shown, and pieces no longer asked for
expire. The contracts app uses this too (imports point messaging <- contracts).
"""

import functools
import hashlib
import os
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path

import django
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

FRAGMENT_SECONDS = 24 * 60 * 60
# What a release changes that changes a page: code, templates, translations, formats.
RELEASE_SUFFIXES = (".py", ".html", ".txt", ".mo")
NOT_RELEASED = {".git", ".venv", "node_modules", "tests", "bench", "var", "static", "docs"}


@functools.cache
def release_digest() -> str:
    """A digest of the files of this release that shape a page, read once per process."""
    digest = hashlib.blake2b(django.get_version().encode(), digest_size=8)
    base = Path(settings.BASE_DIR)
    for folder, subfolders, files in os.walk(base):
        subfolders[:] = sorted(name for name in subfolders if name not in NOT_RELEASED)
        for name in sorted(files):
            if name.endswith(RELEASE_SUFFIXES):
                path = Path(folder, name)
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def fragment_key(template: str, *parts: Hashable) -> str:
    """The cache key of `template` rendered showing `parts`, in this language and time zone."""
    shown = (
        release_digest(),
        template,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        *parts,
    )
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return f"fragment:{digest}"


def fragments_render[T](
    items: Sequence[T],
    *,
    template: str,
    shown: Callable[[T], tuple | None],
    context: Callable[[T], dict],
    before_rendering: Callable[[list[T]], object] | None = None,
) -> list[SafeString | None]:
    """Each item rendered with `template`, read from the cache in one call; the missing
    ones rendered (with `context(item)`, without the request) and kept.

    `shown(item)` gives every value the item's HTML shows; None for an item that
    cannot be kept (a form carrying the reader's CSRF token): its place in the list is
    None, for the page to render itself (so it is passed to `before_rendering` too, which
    reads at once what rendering needs of every item that is not in the cache).
    """
    keys = []
    for item in items:
        values = shown(item)
        keys.append(None if values is None else fragment_key(template, *values))
    found = cache.get_many([key for key in keys if key is not None])
    missing = [item for item, key in zip(items, keys, strict=True) if key not in found]
    if missing and before_rendering is not None:
        before_rendering(missing)
    made: dict[str, str] = {}
    htmls: list[SafeString | None] = []
    for item, key in zip(items, keys, strict=True):
        if key is None:
            htmls.append(None)
            continue
        html = found.get(key)
        if html is None:
            html = made[key] = render_to_string(template, context(item))
        htmls.append(mark_safe(html))  # noqa: S308 - rendered by the site's own templates
    if made:
        cache.set_many(made, FRAGMENT_SECONDS)
    return htmls
