"""Kernel tasks. The outbox's own are in kaguaruoo/outbox/tasks.py."""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from kaguaruoo.mail import email_queue


@shared_task
def send_email(*, subject, body, from_email, to, html=None, headers=None):
    """A rendered message queued as a task (how releases before the outbox sent mail):
    it becomes an outbox row like any other, so such messages still in the broker at an
    upgrade go out once. The site itself no longer queues it."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=to, headers=headers or {}
    )
    if html:
        message.attach_alternative(html, "text/html")
    with transaction.atomic():
        email_queue(message=message)
