from celery import shared_task

from contracts import services


@shared_task
def contracts_expire() -> int:
    """Sent contracts past their 72-hour hold expire, and both parties are told once."""
    return services.contracts_expire()
