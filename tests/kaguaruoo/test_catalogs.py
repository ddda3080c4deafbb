"""Every string a user reads exists in Japanese.

The strings are found as `make messages` finds them — Django's own template
scanner (`templatize`) for templates, a Python extractor for code — but with
Babel, so the check needs no gettext on the machine.
"""

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
APPS = ("kaguaruoo", "accounts", "listings", "messaging", "contracts", "privacy", "campaigns")
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]


def templates():
    return sorted(p for p in (ROOT / "templates").rglob("*") if p.suffix in (".html", ".txt"))


def python_sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def dedented(code):
    return "\n".join(line.lstrip() for line in code.split("\n"))


def marked_strings():
    """{(msgid, context): 'path:line'} of every string marked for translation."""
    found = {}
    # Python's tokenizer would stumble on the template's indentation; the
    # scanner's output keeps each gettext call on its line, so dropping it is safe.
    sources = [(p, dedented(templatize(p.read_text(), origin=str(p)))) for p in templates()]
    sources += [(p, p.read_text()) for p in python_sources()]
    for path, code in sources:
        for line, message, _comments, context in extract(
            "python", io.BytesIO(code.encode()), keywords=KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault((msgid, context), f"{path.relative_to(ROOT)}:{line}")
    return found


def catalog(language):
    with open(ROOT / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as po:
        return read_po(po, locale=language)


def translation_of(entry):
    string = entry.string
    return string if isinstance(string, str) else string[0]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_string_has_a_translation(language):
    strings = marked_strings()
    messages = catalog(language)
    missing = [
        f"{where}: {msgid!r}"
        for (msgid, context), where in strings.items()
        if (entry := messages.get(msgid, context)) is None
        or entry.fuzzy
        or not translation_of(entry)
    ]
    assert len(strings) > 1000
    assert not missing, (
        f"{len(missing)} marked strings have no {language} translation "
        "(run `make messages` and fill locale/{language}/LC_MESSAGES/django.po):\n"
        + "\n".join(missing[:50])
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders(language):
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    wrong = [
        entry.id
        for entry in catalog(language)
        if entry.id
        and translation_of(entry)
        and sorted(placeholder.findall(entry.id if isinstance(entry.id, str) else entry.id[0]))
        != sorted(placeholder.findall(translation_of(entry)))
    ]
    assert not wrong, wrong[:20]


# What a template may show untranslated: the brand, and text no one reads.
# Class-name prefixes (`app-{{ … }}`) and query parameters (`?months=`) are not read either.
UNMARKED_ALLOWED = re.compile(
    r"KaguAruoo|width=device-width, initial-scale=1|#\w+|[?&]?\w+=|\b[a-z]+-(?=\s|$)"
    r"|\b[a-z]+(?:-[a-z]+)+\b"
)
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
HTML_TAG = re.compile(r"<[^>]*>", re.S)
READ_ATTRIBUTES = re.compile(
    r'\b(?:alt|title|aria-label|placeholder)="([^"]*)"|<input[^>]*type="(?:submit|button)"[^>]*value="([^"]*)"'
)
# The error page renders without the database or the catalogs, so it carries both languages.
BILINGUAL = {"500.html"}


def unmarked_text(source):
    """Lines of template text a user reads that are not inside a translation tag."""
    source = re.sub(
        r"\{%\s*(blocktranslate|blocktrans|comment)\b.*?\{%\s*end\1\s*%\}", "§", source, flags=re.S
    )
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    source = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", "§", source, flags=re.S)
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S | re.I)
    for number, line in enumerate(source.split("\n"), 1):
        texts = [text for pair in READ_ATTRIBUTES.findall(line) for text in pair if text]
        texts.append(HTML_TAG.sub(" ", line))
        for text in texts:
            text = UNMARKED_ALLOWED.sub(" ", re.sub(r"&\w+;|§", " ", text))
            if ENGLISH_WORD.search(text):
                yield number, " ".join(text.split())


def test_templates_mark_every_text_a_user_reads():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {text}"
        for path in templates()
        if path.name not in BILINGUAL
        for number, text in unmarked_text(path.read_text())
    ]
    assert not found, "text outside {% translate %}:\n" + "\n".join(found)


def test_the_error_page_speaks_both_languages():
    page = (ROOT / "templates" / "500.html").read_text()
    assert "Something went wrong" in page and "エラーが発生しました" in page
