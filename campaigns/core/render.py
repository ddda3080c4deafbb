"""A campaign's mail for one recipient: their language, their fields, tracked links.

Links are found in the body staff wrote (`http://` and `https://` only) when the
campaign starts and stored as `CampaignLink` rows in order; in each mail the n-th
link points at /t/<token> naming the delivery and n, and that view redirects only to
the stored address. The HTML part is built from the text: escaped, with paragraphs
and the links, and a 1×1 beacon only for people who accepted web beacons.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
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


def track_url(*, delivery_id: int, position) -> str:
    return absolute(
        reverse("campaigns:track", args=[track_token(delivery_id=delivery_id, position=position)])
    )


def unsubscribe_url(*, delivery_id: int) -> str:
    return absolute(
        reverse("campaigns:unsubscribe", args=[unsubscribe_token(delivery_id=delivery_id)])
    )


def person_unsubscribe_url(*, user_id: int, purpose: str) -> str:
    token = person_unsubscribe_token(user_id=user_id, purpose=purpose)
    return absolute(reverse("campaigns:unsubscribe", args=[token]))


def unsubscribe_headers(url: str) -> dict:
    """RFC 8058: mail programs offer one click, which POSTs to the https address."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def beacon_url(*, delivery_id: int) -> str:
    token = track_token(delivery_id=delivery_id, position=OPEN)
    return absolute(reverse("campaigns:beacon", args=[token]))


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


def campaign_render(
    *, campaign, user, language: str, delivery=None, beacon: bool = False
) -> Rendered:
    """The mail of `campaign` to `user` in `language`. Without a delivery (a test send to
    oneself) the links go straight to their addresses and there is no unsubscribe."""
    subject_text = campaign.subject_ja if language == "ja" else campaign.subject_en
    body_text = campaign_body(campaign, language=language)
    urls = links_find(body_text)
    stored = {link.position: link.url for link in campaign.links.all()} if delivery else {}

    def href(position):
        if delivery is None or position not in stored:
            return urls[position]
        return track_url(delivery_id=delivery.pk, position=position)

    def fill(text):
        return fields_fill(text, campaign=campaign, delivery=delivery, user=user)

    parts = _segments(body_text)
    body = "".join(href(p) if isinstance(p, int) else fill(p) for p in parts)
    html = _html(parts, href=href, label=urls.__getitem__, fill=fill)
    stop_url = unsubscribe_url(delivery_id=delivery.pk) if delivery else ""
    context = {
        "subject": fill(subject_text),
        "body": body,
        "body_html": html,
        "unsubscribe_url": stop_url,
        "beacon_url": beacon_url(delivery_id=delivery.pk) if delivery and beacon else "",
        "company_address": settings.COMPANY_ADDRESS,
        "purpose": campaign.purpose,
    }
    subject, text, html_body = mail_render(
        template="campaigns/emails/campaign", context=context, language=language
    )
    headers = unsubscribe_headers(stop_url) if stop_url else {}
    return Rendered(subject=subject, body=text, html=html_body or "", headers=headers)
