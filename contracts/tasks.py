"""Celery tasks of the contracts app: thin, each calls one service."""

from celery import shared_task

from contracts.booking import services
from contracts.guides import services as guides
from contracts.models import Payment
from contracts.payments import services as payments
from contracts.payments import stripe_gateway


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


@shared_task(
    autoretry_for=(stripe_gateway.PaymentProviderUnreachable,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=10,
)
def payment_checkout_expire(payment_id: int) -> bool:
    """A payment paid otherwise or cancelled: its open Stripe Checkout page can take no money."""
    payment = Payment.objects.filter(pk=payment_id).first()
    return payment is not None and payments.payment_checkout_expire(payment=payment)
