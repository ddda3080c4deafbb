"""Correctly signed Stripe events of shapes Stripe never sends: refused with a 400 and
logged, or, for a well-formed session that is not the site's, acknowledged.

Most need no contract: a refused event is refused before any row is read, and a
session naming a payment that does not exist is what "not ours" means.
"""

import logging
from types import SimpleNamespace

import pytest

from contracts.models import Payment, StripeEvent
from tests.contracts.payments.builders import (
    WEBHOOK_SECRET,
    checkout_completed_event,
    post_webhook,
)

pytestmark = pytest.mark.django_db

NO_SUCH_PAYMENT = SimpleNamespace(pk=999_999, amount=80_000)


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


def session_with(payment=NO_SUCH_PAYMENT, **fields):
    event = checkout_completed_event(payment)
    session = event["data"]["object"]
    for name, value in fields.items():
        if value is ...:
            session.pop(name, None)
        else:
            session[name] = value
    return event


MALFORMED_SESSIONS = {
    "metadata a list": {"metadata": ["payment_id", "1"]},
    "metadata a string": {"metadata": "payment_id=1"},
    "payment id a number": {"metadata": {"payment_id": 1}},
    "payment id an object": {"metadata": {"payment_id": {"id": "1"}}},
    "payment id with a NUL byte": {"metadata": {"payment_id": "1\x00"}},
    "amount a string": {"amount_total": "80000"},
    "amount a float": {"amount_total": 80000.0},
    "amount a boolean": {"amount_total": True},
    "amount negative": {"amount_total": -1},
    "currency a number": {"currency": 392},
    "no session id": {"id": ...},
    "session id an object": {"id": {"id": "cs_1"}},
    "session id too long": {"id": "cs_" + "x" * 300},
    "payment intent nested": {"payment_intent": {"id": "pi_1", "object": "payment_intent"}},
    "payment status missing": {"payment_status": ...},
    "payment status a list": {"payment_status": ["paid"]},
}


@pytest.mark.parametrize("fields", MALFORMED_SESSIONS.values(), ids=MALFORMED_SESSIONS)
def test_a_signed_checkout_event_of_another_shape_is_refused_logged_and_records_nothing(
    client, fields, caplog
):
    with caplog.at_level(logging.WARNING, logger="contracts.payments.views"):
        response = post_webhook(client, session_with(**fields))

    assert response.status_code == 400
    assert "not as Stripe sends it" in response.json()["error"]
    assert "Stripe webhook refused" in caplog.text
    assert not StripeEvent.objects.exists()


def test_a_malformed_event_for_a_real_payment_leaves_it_due(client, payment):
    response = post_webhook(client, session_with(payment, amount_total=str(payment.amount)))

    assert response.status_code == 400
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.DUE


MALFORMED_EVENTS = {
    "id a number": {"id": 12},
    "id with a NUL byte": {"id": "evt_\x00"},
    "id too long": {"id": "evt_" + "x" * 200},
    "type a list": {"type": ["checkout.session.completed"]},
    "data a list": {"data": [{}]},
}


@pytest.mark.parametrize("fields", MALFORMED_EVENTS.values(), ids=MALFORMED_EVENTS)
def test_a_signed_event_with_a_malformed_envelope_is_refused(client, fields):
    event = {**checkout_completed_event(NO_SUCH_PAYMENT), **fields}

    response = post_webhook(client, event)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_a_signed_body_nested_beyond_what_json_can_read_is_refused(client):
    response = post_webhook(client, "[" * 100_000 + "]" * 100_000)

    assert response.status_code == 400


NOT_OURS = {
    "no metadata": {"metadata": ...},
    "metadata without a payment id": {"metadata": {"order": "A-1"}},
    "full-width digits": {"metadata": {"payment_id": "１２"}},
    "a superscript digit": {"metadata": {"payment_id": "²"}},
    "beyond any row id": {"metadata": {"payment_id": "9" * 30}},
    "words": {"metadata": {"payment_id": "abc"}},
}


@pytest.mark.parametrize("fields", NOT_OURS.values(), ids=NOT_OURS)
def test_a_well_formed_session_that_names_none_of_our_payments_is_acknowledged_and_logged(
    client, fields, caplog
):
    with caplog.at_level(logging.WARNING, logger="contracts.payments.services"):
        response = post_webhook(client, session_with(**fields))

    assert response.status_code == 200
    assert response.json()["outcome"] == "unknown payment"
    assert "no known payment" in caplog.text
