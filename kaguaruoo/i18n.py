"""Texts written once and read in each person's language.

A notice in a thread or a record on /privacy/me/ is read by people who may
read different languages, and later than it is written. Such a text is kept
in every language of the site when it is written (`every_language`) and shown
in the reader's (`in_reader_language`, the `reader_text` template filter).
"""

from collections.abc import Callable

from django.conf import settings
from django.utils import translation


def every_language(render: Callable[[], str]) -> dict[str, str]:
    """{language code: what `render` gives with that language active}, for each site language."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(render())
    return texts


def in_reader_language(texts: dict | None, fallback: str = "") -> str:
    """The text in the active language; else in the site's default language; else `fallback`."""
    texts = texts or {}
    return (
        texts.get(translation.get_language() or "") or texts.get(settings.LANGUAGE_CODE) or fallback
    )
