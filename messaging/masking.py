"""Contact details typed into messages, hidden from the other party until a contract is signed.

The stored text keeps what was typed; masking happens where text is shown or mailed.
Handled: e-mail addresses with "@", "＠", "(at)", "[at]", "アット" or a spelled-out
" at " / " dot "; phone numbers of 10 or more digits in ASCII or full-width digits,
with spaces, dashes (also "ー", "－"), dots or brackets between them and an optional
"+" country prefix.
"""

import re

from django.utils.translation import gettext as _

_OPEN, _CLOSE = r"[(\[{（［｛<＜]", r"[)\]}）］｝>＞]"
_AT = rf"(?:\s*[@＠]\s*|\s*{_OPEN}\s*(?:at|アット)\s*{_CLOSE}\s*|\s*アット\s*)"
_DOT = rf"(?:[.．]|\s*{_OPEN}\s*(?:dot|ドット)\s*{_CLOSE}\s*|\s*ドット\s*)"
_LOCAL = r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９._%+\-]+"
_LABEL = r"[A-Za-zＡ-Ｚａ-ｚ][A-Za-z0-9Ａ-Ｚａ-ｚ０-９\-]*"
_TLD = r"[A-Za-zＡ-Ｚａ-ｚ]{2,}\b"
EMAIL_PATTERN = re.compile(rf"{_LOCAL}{_AT}{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}{_TLD}", re.IGNORECASE)
# "taro at example dot com": both words spelled out, or ordinary sentences would match.
SPELLED_EMAIL_PATTERN = re.compile(
    rf"{_LOCAL}\s+at\s+{_LABEL}(?:\s+dot\s+{_LABEL})*\s+dot\s+{_TLD}", re.IGNORECASE
)
_DIGIT = r"[0-9０-９]"
_SEPARATOR = r"[\s\-‐‑–—−－ー.．()（）]"
PHONE_PATTERN = re.compile(rf"(?:[+＋]\s?|[(（])?{_DIGIT}(?:{_SEPARATOR}{{0,2}}{_DIGIT}){{9,}}")


def mask_contact_details(text: str) -> str:
    """The text with every e-mail address and phone number replaced by a notice."""
    text = EMAIL_PATTERN.sub(lambda _match: _("[email hidden]"), text)
    text = SPELLED_EMAIL_PATTERN.sub(lambda _match: _("[email hidden]"), text)
    return PHONE_PATTERN.sub(lambda _match: _("[phone number hidden]"), text)
