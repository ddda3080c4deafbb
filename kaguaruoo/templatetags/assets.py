"""The site's scripts and stylesheets, each with its subresource integrity.

`{% script "js/site.js" %}` and `{% stylesheet "css/site.css" %}` write the element
with `integrity="sha384-…"`, so that a browser runs or applies the file only if it
is exactly the one the page was made with. The digest is of the bytes the site
serves: with a manifest storage (whitenoise's in production) the collected file,
whose stylesheets have their `url()`s rewritten to hashed names; otherwise (the
development server, the tests) the source file the static finders serve. Each
digest is computed once per process, again in development when the file changes.
"""

import base64
import hashlib
from pathlib import Path

from django import template
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

_digests: dict[tuple, str] = {}


def _integrity(content: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode("ascii")


def static_integrity(path: str) -> str:
    """The `integrity` value of a static file, as it is served."""
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        key = (path,)
        if key not in _digests:
            with staticfiles_storage.open(staticfiles_storage.stored_name(path)) as served:
                _digests[key] = _integrity(served.read())
        return _digests[key]
    source = finders.find(path)
    if source is None:
        raise ValueError(f"The static file {path!r} is in no static folder.")
    source = Path(source)
    key = (path, source.stat().st_mtime_ns)
    if key not in _digests:
        _digests[key] = _integrity(source.read_bytes())
    return _digests[key]


@register.simple_tag
def script(path: str):
    """A deferred script of the site's own."""
    return format_html(
        '<script src="{}" integrity="{}" defer></script>', static(path), static_integrity(path)
    )


@register.simple_tag
def stylesheet(path: str):
    return format_html(
        '<link rel="stylesheet" href="{}" integrity="{}">', static(path), static_integrity(path)
    )
