"""Mail about a contract: rendered from templates/contracts/emails/, sent by Celery on commit."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from kaguaruoo.mail import email_queue


def contract_mail_send(*, to, template: str, context: dict) -> None:
    """Queue `templates/contracts/emails/<template>.subject.txt|.txt` to the user `to`.

    Links in the context are made absolute with SITE_URL by the caller's paths:
    pass paths (`/contracts/12/`) and the template prefixes `site_url`.
    """
    if not to.is_active or not to.email:
        return
    context = {"recipient": to, "site_url": settings.SITE_URL, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"contracts/emails/{template}.subject.txt", context)
        body = render_to_string(f"contracts/emails/{template}.txt", context)
    email_queue(
        message=EmailMessage(
            subject=" ".join(subject.split()),
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to.email],
        )
    )
