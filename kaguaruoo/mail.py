"""The one way the site sends mail.

`mail_send` renders `<template>.subject.txt`, `<template>.txt` and, where it
exists, `<template>.html` (each extending `emails/base.*`) in the recipient's
language, and `email_queue` writes the rendered message as a row of the outbox
(kaguaruoo/outbox, kind `mail`) in the current transaction: the mail exists
exactly when the change that caused it is committed, a rolled-back change mails
nobody, and a broker that is down only delays it. Workers send the row after
commit under a lease, with a Message-ID derived from its key, so it goes out once.

The message is rendered when it is decided, not when it is sent: the context holds
model instances and requests (allauth's), which a row cannot carry, and the mail
then says what was true when it was asked for.
"""

import uuid

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def recipient_language(recipient) -> str:
    """The language a person reads mail in: theirs once the account has one, else the site's."""
    return getattr(recipient, "language", "") or settings.LANGUAGE_CODE


def mail_render(*, template: str, context: dict, language: str) -> tuple[str, str, str | None]:
    """(subject on one line, text body, HTML body or None) in `language`."""
    # LANGUAGE_CODE: the mail's <html lang>, as pages have it from their request.
    context = {"site_url": settings.SITE_URL, "LANGUAGE_CODE": language, **context}
    with translation.override(language):
        subject = render_to_string(f"{template}.subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = None
    return " ".join(subject.split()), body, html


def mail_send(
    *,
    to,
    template: str,
    context: dict | None = None,
    headers: dict | None = None,
    language: str = "",
) -> bool:
    """Queue the mail `template` to `to`: a user, or an address (a staff mailbox, or a
    person whose account is closing: `language` is then theirs).

    A user who is inactive or has no address is mailed nothing; returns whether a
    mail was queued. The context holds `recipient` (the user) and `site_url`.
    """
    recipient = None
    if isinstance(to, str):
        address, context = to, {**(context or {})}
        language = language or settings.LANGUAGE_CODE
    else:
        if not to.is_active or not to.email:
            return False
        recipient, address, language = to, to.email, recipient_language(to)
        context = {"recipient": to, **(context or {})}
    subject, body, html = mail_render(template=template, context=context, language=language)
    email_queue(
        message=mail_message(subject=subject, body=body, html=html, to=address, headers=headers),
        recipient=recipient,
        group=template,
    )
    return True


def mail_message(
    *, subject, body, html, to, headers=None, from_email: str = ""
) -> EmailMultiAlternatives:
    """A rendered mail as Django's message: text, and HTML as its alternative."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message


def email_queue(*, message: EmailMessage, recipient=None, group: str = "mail") -> None:
    """Write a rendered message into the outbox, one row per recipient address, in the
    current transaction; a worker sends it once that transaction commits.

    `recipient`: the user it is for, if it is one (their export lists it, their erasure
    takes the address away); `group`: what kind of mail it is, for staff (the template).
    """
    from kaguaruoo.outbox.services import outbox_add

    alternatives = getattr(message, "alternatives", ())
    html = next((body for body, kind in alternatives if kind == "text/html"), None)
    payload = {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "html": html,
        "headers": {name: str(value) for name, value in message.extra_headers.items()},
    }
    for address in message.to:
        outbox_add(
            kind="mail",
            key=f"mail:{uuid.uuid4().hex}",
            group=group[:60],
            address=address,
            recipient=recipient,
            payload=payload,
        )
