from celery import shared_task

from contracts import payments


@shared_task
def payments_overdue_mark() -> dict:
    """Daily (Celery beat): payments past their due date become overdue; tenants are reminded."""
    return payments.payments_overdue_mark()
