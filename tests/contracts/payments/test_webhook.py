"""Stripe's webhook: only correctly signed events count, each once, and only for the right amount.

Each test signs its payload as Stripe does, with a test secret: an HMAC-SHA256
of "<timestamp>.<body>" in the Stripe-Signature header.
"""

import json
import logging
import time

import pytest
from django.core import mail
from django.test import Client

from contracts.models import ContractEvent, Payment, StripeEvent
from tests.contracts.payments.builders import (
    WEBHOOK_SECRET,
    WEBHOOK_URL,
    checkout_completed_event,
    post_webhook,
    signed_contract_at,
    stripe_signature,
)
from tests.races import race

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_a_completed_checkout_marks_the_payment_paid_by_card(
    client, contract, payment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, checkout_completed_event(payment))

    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.method == Payment.Method.CARD
    assert payment.reference == "pi_test_456"
    assert payment.paid_at is not None
    assert contract.events.filter(kind=ContractEvent.Kind.PAYMENT_RECEIVED).count() == 1
    [receipt] = mails_to(contract.tenant)
    assert "Receipt" in receipt.subject
    assert "Card (Stripe)" in receipt.body
    [note] = mails_to(contract.host)
    assert "was received" in note.subject


def test_an_overdue_payment_is_paid_by_card_too(client, payment):
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.OVERDUE)

    post_webhook(client, checkout_completed_event(payment))

    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID


def test_a_replayed_event_is_answered_and_changes_nothing(
    client, contract, payment, django_capture_on_commit_callbacks
):
    event = checkout_completed_event(payment)
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, event)
    paid_at = Payment.objects.get(pk=payment.pk).paid_at

    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, event)

    assert response.status_code == 200
    assert response.json()["outcome"] == "replay"
    assert Payment.objects.get(pk=payment.pk).paid_at == paid_at
    assert contract.events.filter(kind=ContractEvent.Kind.PAYMENT_RECEIVED).count() == 1
    assert len(mails_to(contract.tenant)) == 1
    assert StripeEvent.objects.count() == 1


def test_a_second_session_paid_for_a_paid_payment_is_logged_not_counted_twice(
    client, contract, payment, caplog
):
    post_webhook(client, checkout_completed_event(payment, event_id="evt_1"))

    with caplog.at_level(logging.WARNING, logger="contracts.payments.services"):
        response = post_webhook(client, checkout_completed_event(payment, event_id="evt_2"))

    assert response.status_code == 200
    assert "needs a refund" in caplog.text
    assert contract.events.filter(kind=ContractEvent.Kind.PAYMENT_RECEIVED).count() == 1


@pytest.mark.parametrize(
    ("amount", "currency"),
    [(1, "jpy"), (None, "usd")],
    ids=["wrong amount", "wrong currency"],
)
def test_a_session_for_another_amount_is_recorded_but_does_not_pay(
    client, payment, caplog, amount, currency
):
    event = checkout_completed_event(payment, amount=amount, currency=currency)

    with caplog.at_level(logging.WARNING, logger="contracts.payments.services"):
        response = post_webhook(client, event)

    assert response.status_code == 200
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.DUE
    assert StripeEvent.objects.get(event_id="evt_1").payment_id == payment.pk
    assert "not marked paid" in caplog.text


def test_a_session_not_paid_yet_leaves_the_payment_due(client, payment):
    post_webhook(client, checkout_completed_event(payment, payment_status="unpaid"))

    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.DUE


def test_an_event_of_another_type_is_acknowledged_and_ignored(client, payment):
    event = checkout_completed_event(payment)
    event["type"] = "customer.created"

    response = post_webhook(client, event)

    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.DUE


def test_an_event_for_an_unknown_payment_is_acknowledged(client, payment, caplog):
    event = checkout_completed_event(payment)
    event["data"]["object"]["metadata"] = {"payment_id": "999999"}

    with caplog.at_level(logging.WARNING, logger="contracts.payments.services"):
        response = post_webhook(client, event)

    assert response.status_code == 200
    assert "no known payment" in caplog.text


BAD_SIGNATURES = {
    "missing": lambda payload: None,
    "no signature": lambda payload: f"t={int(time.time())}",
    "malformed": lambda payload: "garbage",
    "for another body": lambda payload: stripe_signature("{}"),
    "with another secret": lambda payload: stripe_signature(payload, secret="whsec_other"),
}


@pytest.mark.parametrize("signature", BAD_SIGNATURES)
def test_a_badly_signed_event_is_refused_and_changes_nothing(client, payment, signature):
    payload = json.dumps(checkout_completed_event(payment))
    header = BAD_SIGNATURES[signature](payload)

    response = client.post(
        WEBHOOK_URL,
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": header} if header else {},
    )

    assert response.status_code == 400
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.DUE
    assert not StripeEvent.objects.exists()


def test_an_event_signed_more_than_five_minutes_ago_is_refused(client, payment):
    payload = json.dumps(checkout_completed_event(payment))
    stale = stripe_signature(payload, timestamp=int(time.time()) - 301)

    response = post_webhook(client, payload, signature=stale)

    assert response.status_code == 400
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.DUE


@pytest.mark.parametrize(
    "payload",
    ["{not json", "[1, 2]", json.dumps({"id": "evt_1", "type": "checkout.session.completed"})],
    ids=["not json", "not an object", "no data"],
)
def test_a_signed_body_that_is_not_an_event_is_refused(client, payload):
    response = post_webhook(client, payload)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_without_a_webhook_secret_nothing_is_accepted(client, settings, payment):
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = post_webhook(client, checkout_completed_event(payment))

    assert response.status_code == 400
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.DUE


def test_the_webhook_needs_no_csrf_token(payment):
    client = Client(enforce_csrf_checks=True)

    response = post_webhook(client, checkout_completed_event(payment))

    assert response.status_code == 200


def test_the_webhook_answers_only_posts(client):
    assert client.get(WEBHOOK_URL).status_code == 405


@pytest.mark.integration  # real concurrent transactions need PostgreSQL
@pytest.mark.django_db(transaction=True)
def test_the_same_event_delivered_twice_at_once_is_handled_once():
    contract = signed_contract_at()
    payment = contract.payments.get(sequence=1)
    event = checkout_completed_event(payment)

    statuses = race(*[lambda: post_webhook(Client(), event).status_code] * 3)

    assert statuses == [200, 200, 200]
    assert StripeEvent.objects.count() == 1
    assert contract.events.filter(kind=ContractEvent.Kind.PAYMENT_RECEIVED).count() == 1
