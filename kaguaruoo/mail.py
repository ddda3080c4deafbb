"""Outgoing mail leaves through a Celery task, so a slow relay never holds a request."""

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction


def email_queue(*, message: EmailMessage) -> None:
    """Send a rendered message from a worker once the current transaction commits."""
    from kaguaruoo.tasks import send_email

    html = None
    if isinstance(message, EmailMultiAlternatives):
        html = next((body for body, kind in message.alternatives if kind == "text/html"), None)
    payload = {
        "subject": str(message.subject),
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "html": html,
        "headers": dict(message.extra_headers),
    }
    transaction.on_commit(lambda: send_email.delay(**payload))
