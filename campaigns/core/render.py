"""A campaign's mail for one recipient: their language, their fields, tracked links.

Links are found in the body staff wrote (`http://` and `https://` only) when the
campaign starts and stored as `CampaignLink` rows in order; in each mail the n-th
link points at /t/<token> naming the delivery and n, and that view redirects only to
the stored address. The HTML part is built from the text: escaped, with paragraphs
and the links, and a 1×1 beacon only for people who accepted web beacons.
"""

import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeString

from campaigns.core.fields import fields_fill, fields_fill_shared
from campaigns.core.tokens import (
    OPEN,
    person_unsubscribe_token,
    track_token,
    unsubscribe_token,
)
from kaguaruoo.mail import mail_render

LINK = re.compile(r"https?://[^\s<>\"'{}]+", re.IGNORECASE)
TRAILING = ".,;:!?)]。、）"


def links_find(text: str) -> list[str]:
    """The links of a text, in order, without the punctuation that ends a sentence."""
    return [match.rstrip(TRAILING) for match in LINK.findall(text)]


def _segments(text: str) -> list[str | int]:
    """Text split into plain parts (str) and link positions (int), in order."""
    parts: list[str | int] = []
    last = 0
    for position, match in enumerate(LINK.finditer(text)):
        url = match.group(0).rstrip(TRAILING)
        parts += [text[last : match.start()], position]
        last = match.start() + len(url)
    parts.append(text[last:])
    return parts


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


_PLACEHOLDER = "zzkagutokenzz"


@functools.lru_cache(maxsize=16)
def _url_shape(name: str, site_url: str) -> str:
    """The absolute address of a token view with a placeholder: one `reverse` per process."""
    return site_url.rstrip("/") + reverse(name, args=[_PLACEHOLDER])


def _token_url(name: str, token: str) -> str:
    return _url_shape(name, settings.SITE_URL).replace(_PLACEHOLDER, token)


def track_url(*, delivery_id: int, position) -> str:
    return _token_url("campaigns:track", track_token(delivery_id=delivery_id, position=position))


def unsubscribe_url(*, delivery_id: int) -> str:
    return _token_url("campaigns:unsubscribe", unsubscribe_token(delivery_id=delivery_id))


def person_unsubscribe_url(*, user_id: int, purpose: str) -> str:
    token = person_unsubscribe_token(user_id=user_id, purpose=purpose)
    return _token_url("campaigns:unsubscribe", token)


def unsubscribe_headers(url: str) -> dict:
    """RFC 8058: mail programs offer one click, which POSTs to the https address."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def beacon_url(*, delivery_id: int) -> str:
    return _token_url("campaigns:beacon", track_token(delivery_id=delivery_id, position=OPEN))


def campaign_body(campaign, *, language: str) -> str:
    """The body in a language with the shared fields filled in: its links are final."""
    body = campaign.body_ja if language == "ja" else campaign.body_en
    return fields_fill_shared(body, campaign=campaign)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    html: str
    headers: dict


def _html(parts, *, href, label, fill) -> SafeString:
    """Paragraphs of escaped text with the links as anchors."""
    pieces = [
        format_html('<a href="{}">{}</a>', href(part), label(part))
        if isinstance(part, int)
        else conditional_escape(fill(part))
        for part in parts
    ]
    paragraphs = "".join(pieces).replace("\r\n", "\n").split("\n\n")
    return format_html_join(
        "",
        "<p>{}</p>",
        ((SafeString(p.strip().replace("\n", "<br>")),) for p in paragraphs if p.strip()),
    )


# Placeholders the mail templates are rendered with once; each mail fills them in.
# Letters only, so that escaping leaves them as they are.
_SLOT_SUBJECT, _SLOT_BODY, _SLOT_HTML = (
    "zzkaguslotsubjectzz",
    "zzkaguslotbodyzz",
    "zzkaguslothtmlzz",
)
_SLOT_STOP, _SLOT_BEACON = "zzkaguslotstopzz", "zzkaguslotbeaconzz"


@functools.lru_cache(maxsize=64)
def _frame(language: str, purpose: str, unsubscribe: bool, beacon: bool, address: str, site: str):
    """The campaign mail's templates (subject, text, HTML with the footer) rendered once
    per language and kind of mail, with placeholders where each person's parts go."""
    return mail_render(
        template="campaigns/emails/campaign",
        context={
            "subject": _SLOT_SUBJECT,
            "body": _SLOT_BODY,
            "body_html": SafeString(_SLOT_HTML),
            "unsubscribe_url": _SLOT_STOP if unsubscribe else "",
            "beacon_url": _SLOT_BEACON if beacon else "",
            "company_address": address,
            "purpose": purpose,
        },
        language=language,
    )


@functools.lru_cache(maxsize=64)
def _body_shape(body_text: str) -> tuple[tuple, tuple]:
    return tuple(_segments(body_text)), tuple(links_find(body_text))


def campaign_render(
    *, campaign, user, language: str, delivery=None, beacon: bool = False, tracked=None
) -> Rendered:
    """The mail of `campaign` to `user` in `language`. Without a delivery (a test send to
    oneself) the links go straight to their addresses and there is no unsubscribe.

    `tracked`: the positions of the campaign's stored links, when the caller read them
    for many mails at once.
    """
    with translation.override(language):
        return _campaign_render(
            campaign=campaign,
            user=user,
            language=language,
            delivery=delivery,
            beacon=beacon,
            tracked=tracked,
        )


def _campaign_render(*, campaign, user, language, delivery, beacon, tracked) -> Rendered:
    """campaign_render's work, in `language`: the fields (a hidden name reads "Member" in
    the recipient's words) and the frame alike."""
    subject_text = campaign.subject_ja if language == "ja" else campaign.subject_en
    parts, urls = _body_shape(campaign_body(campaign, language=language))
    if delivery is not None and tracked is None:
        tracked = set(campaign.links.values_list("position", flat=True))

    def href(position):
        if delivery is None or position not in tracked:
            return urls[position]
        return track_url(delivery_id=delivery.pk, position=position)

    def fill(text):
        return fields_fill(text, campaign=campaign, delivery=delivery, user=user)

    body = "".join(href(p) if isinstance(p, int) else fill(p) for p in parts)
    html = _html(parts, href=href, label=urls.__getitem__, fill=fill)
    stop_url = unsubscribe_url(delivery_id=delivery.pk) if delivery else ""
    pixel = beacon_url(delivery_id=delivery.pk) if delivery and beacon else ""
    subject_frame, text_frame, html_frame = _frame(
        language,
        campaign.purpose,
        bool(stop_url),
        bool(pixel),
        settings.COMPANY_ADDRESS,
        settings.SITE_URL,
    )
    subject = subject_frame.replace(_SLOT_SUBJECT, " ".join(fill(subject_text).split()))
    text = text_frame.replace(_SLOT_BODY, body).replace(_SLOT_STOP, stop_url)
    html_body = (
        html_frame.replace(_SLOT_HTML, html)
        .replace(_SLOT_STOP, escape(stop_url))
        .replace(_SLOT_BEACON, escape(pixel))
    )
    headers = unsubscribe_headers(stop_url) if stop_url else {}
    return Rendered(subject=subject, body=text, html=html_body, headers=headers)
