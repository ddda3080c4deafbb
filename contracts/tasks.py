"""Celery tasks of the contracts app: thin, each calls one service."""

from celery import shared_task

from contracts import guides, payments, services


@shared_task
def contracts_expire() -> int:
    """Sent contracts past their 72-hour hold expire, and both parties are told once."""
    return services.contracts_expire()


@shared_task
def house_guide_reminders_send() -> int:
    """The day before move-in, tenants are mailed where their House Guide is."""
    return guides.guide_reminders_send()


@shared_task
def payments_overdue_mark() -> dict:
    """Daily (Celery beat): payments past their due date become overdue; tenants are reminded."""
    return payments.payments_overdue_mark()
