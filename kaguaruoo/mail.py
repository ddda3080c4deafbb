"""The one way the site sends mail.

`mail_send` renders `<template>.subject.txt`, `<template>.txt` and, where it
exists, `<template>.html` (each extending `emails/base.*`) in the recipient's
language, and a Celery task sends the message once the current transaction
commits, so a slow relay never holds a request and a rolled-back change mails
nobody.
"""

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
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
    if isinstance(to, str):
        address, context = to, {**(context or {})}
        language = language or settings.LANGUAGE_CODE
    else:
        if not to.is_active or not to.email:
            return False
        address, language = to.email, recipient_language(to)
        context = {"recipient": to, **(context or {})}
    subject, body, html = mail_render(template=template, context=context, language=language)
    email_queue(
        message=mail_message(subject=subject, body=body, html=html, to=address, headers=headers)
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


def email_queue(*, message: EmailMessage) -> None:
    """Send a rendered message from a worker once the current transaction commits."""
    from kaguaruoo.tasks import send_email

    alternatives = getattr(message, "alternatives", ())
    html = next((body for body, kind in alternatives if kind == "text/html"), None)
    payload = {
        "subject": str(message.subject),
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "html": html,
        "headers": dict(message.extra_headers),
    }
    # robust: a broker that is down loses this mail but not the request that asked for it.
    transaction.on_commit(lambda: send_email.delay(**payload), robust=True)
