"""A cancellation and a card payment arriving at the same moment: both finish, and agree.

Each waits for the other only through row locks taken in one order, the
contract first and then its payments, so that neither holds what the other
needs while it waits (PostgreSQL would otherwise abort one with a deadlock).
A short pause after one side's first lock makes the other side arrive while
it is held, which is where the locks used to cross.
"""

import time
from unittest import mock

import pytest
from django.db import connection
from django.test import Client

from contracts.changes import services as changes
from contracts.models import ContractEvent, Payment, StripeEvent
from contracts.payments import services as payments
from tests.contracts.payments.builders import (
    WEBHOOK_SECRET,
    checkout_completed_event,
    post_webhook,
    signed_contract_at,
)
from tests.races import race

ROUNDS = 3
PAUSE = 0.5  # seconds; long enough for the other thread to reach its first lock


def paused(function):
    def wrapped(*args, **kwargs):
        time.sleep(PAUSE)
        return function(*args, **kwargs)

    return wrapped


# Which side holds its first lock while the other arrives: the pause comes right after it.
PAUSE_IN = {
    "cancellation first": (
        "contracts.changes.services.cancellation_quote",
        changes.cancellation_quote,
    ),
    "card payment first": (
        "contracts.payments.services.payment_mark_paid",
        payments.payment_mark_paid,
    ),
}


def cancel_and_pay_at_once(contract, payment) -> dict:
    def cancel():
        try:
            changes.contract_cancel(contract=contract, by=contract.tenant, reason="Visa refused.")
            return "cancelled"
        except Exception as error:  # any other outcome fails the assertions below
            return repr(error)

    def pay():
        try:
            response = post_webhook(
                Client(), checkout_completed_event(payment, event_id=f"evt_{payment.pk}")
            )
            return (response.status_code, response.json().get("outcome"))
        except Exception as error:
            return repr(error)

    cancelled, paid = race(cancel, pay)
    return {"cancel": cancelled, "webhook": paid}


@pytest.mark.integration  # real concurrent transactions and row locks need PostgreSQL
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", PAUSE_IN)
def test_a_cancellation_and_a_card_payment_at_once_both_finish_and_agree(settings, first):
    assert connection.vendor == "postgresql"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    target, original = PAUSE_IN[first]
    for _ in range(ROUNDS):
        contract = signed_contract_at()
        payment = contract.payments.get(sequence=1)

        with mock.patch(target, paused(original)):
            outcomes = cancel_and_pay_at_once(contract, payment)

        assert outcomes["cancel"] == "cancelled"
        assert outcomes["webhook"] in [(200, "paid"), (200, "not payable")]
        payment.refresh_from_db()
        cancelled = contract.events.get(kind=ContractEvent.Kind.CANCELLED)
        contract.refresh_from_db()
        if outcomes["webhook"] == (200, "paid"):
            # Paid before the cancellation: its quote counted the payment.
            assert payment.status == Payment.Status.PAID
            assert cancelled.detail["paid"] == payment.amount
        else:
            # Paid after: the payment stays cancelled, and the card payment is on record
            # against it, to be refunded.
            assert payment.status == Payment.Status.CANCELLED
            assert cancelled.detail["paid"] == 0
            assert StripeEvent.objects.get(payment=payment).type == "checkout.session.completed"
        assert contract.cancellation_refund == cancelled.detail["refund"]
