"""Contact details typed into messages, hidden from the other party until a contract is signed.

The stored text keeps what was typed; masking happens where text is shown or mailed.

Matching runs on a normalised copy of the text, so look-alike characters do not slip
through: NFKC (full-width digits and letters, "＠", "﹫", circled digits), invisible
format characters (zero-width spaces and joiners, soft hyphens) removed, every dash
("ー", "−", "―", "‐", "–") read as "-", "。" and "・" as ".", and kanji numerals as
digits. What matched is then hidden in the text as typed.

Hidden: e-mail addresses with "@", "(at)", "[at]", "アット", "アットマーク" or "あっと",
with "." or "(dot)", "ドット" between labels; "name at example.com" and "name at
example dot com". Phone numbers: 10 or more digits, with up to three separators
(spaces, dashes, dots, slashes, brackets, underscores) between two digits and an
optional "+" country prefix.

Left alone: fewer than 10 digits (postal codes, room numbers, prices, a date, a
time), numbers grouped with commas (80,000円, ¥1,200,000), and dates written as
year, month and day (2026-12-01, 2026/12/01), even two side by side.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u30fc\ufe58"
_DOTS = "\u3002\u30fb\u00b7"
_KANJI_DIGITS = "〇一二三四五六七八九"
_READ_AS = {
    **dict.fromkeys(_DASHES, "-"),
    **dict.fromkeys(_DOTS, "."),
    **{kanji: str(digit) for digit, kanji in enumerate(_KANJI_DIGITS)},
    "零": "0",
}

_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
# "ー" reads as "-" by then, as in every other word.
_AT_WORD = r"(?:アットマ-ク|アット|あっと)"
_DOT_WORD = r"(?:ドット|どっと)"
_AT = rf"(?:\s*@\s*|\s*{_OPEN}\s*(?:at|{_AT_WORD})\s*{_CLOSE}\s*|\s*{_AT_WORD}\s*)"
_DOT = rf"(?:\s*\.\s*|\s*{_OPEN}\s*(?:dot|{_DOT_WORD})\s*{_CLOSE}\s*|\s*{_DOT_WORD}\s*)"
# Possessive, and tried only where a run of its characters starts: a long word is
# read once, not once for each of its letters (which took seconds for 5,000 of them).
_LOCAL = r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]++"
_LABEL = r"[A-Za-z0-9][A-Za-z0-9\-]*+"
_TLD = r"[A-Za-z]{2,}(?![A-Za-z0-9@\-])"
EMAIL_PATTERN = re.compile(rf"{_LOCAL}{_AT}{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}{_TLD}", re.IGNORECASE)
# "taro at example.com", "taro at example dot com": an "at" word alone is in every other
# sentence, so the domain must start with a letter and end in a dot and a TLD.
_SPELLED_DOT = r"(?:\s+dot\s+|\.)"
_WORD_LABEL = r"[A-Za-z][A-Za-z0-9\-]*+"
SPELLED_EMAIL_PATTERN = re.compile(
    rf"{_LOCAL}\s+at\s+{_WORD_LABEL}(?:{_SPELLED_DOT}{_WORD_LABEL})*{_SPELLED_DOT}{_TLD}",
    re.IGNORECASE,
)
_SEPARATOR = r"[\s\-./()_]"
PHONE_PATTERN = re.compile(rf"(?:\+\s?|\()?[0-9](?:{_SEPARATOR}{{0,3}}[0-9]){{9,}}")
# A date is not a phone number: its digits are blanked before phone numbers are sought.
DATE_PATTERN = re.compile(
    r"(?<![0-9])(?:19|20)[0-9]{2}([\-./])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12][0-9]|3[01])(?![0-9])"
)


def contact_normalise(text: str) -> tuple[str, list[int]]:
    """The text as matching reads it, and for each of its characters the index of the
    character of `text` it came from."""
    if text.isascii():
        return text, list(range(len(text)))
    characters, origins = [], []
    for index, character in enumerate(text):
        if unicodedata.category(character) == "Cf":
            continue
        for read in unicodedata.normalize("NFKC", character):
            characters.append(_READ_AS.get(read, read))
            origins.append(index)
    return "".join(characters), origins


def mask_contact_details(text: str) -> str:
    """The text with every e-mail address and phone number replaced by a notice."""
    normalised, origins = contact_normalise(text)
    found = [
        (match.start(), match.end(), _("[email hidden]"))
        for pattern in (EMAIL_PATTERN, SPELLED_EMAIL_PATTERN)
        for match in pattern.finditer(normalised)
    ]
    undated = DATE_PATTERN.sub(lambda match: "#" * len(match.group()), normalised)
    found += [
        (match.start(), match.end(), _("[phone number hidden]"))
        for match in PHONE_PATTERN.finditer(undated)
    ]
    return _spans_replace(text, found, origins)


def _spans_replace(text: str, found: list[tuple[int, int, str]], origins: list[int]) -> str:
    """`text` with each span found in its normalised copy replaced; of overlapping spans,
    the one that starts first (the longer, if both start together) wins."""
    parts, shown_up_to = [], 0
    for start, end, notice in sorted(found, key=lambda span: (span[0], -span[1])):
        first, last = origins[start], origins[end - 1] + 1
        if first < shown_up_to:
            continue
        parts += [text[shown_up_to:first], notice]
        shown_up_to = last
    parts.append(text[shown_up_to:])
    return "".join(parts)
