"""Paying by card: the tenant goes to a Stripe Checkout Session made for the payment.

Stripe's API is faked by a small HTTP server on 127.0.0.1 that records what
the site sends; the stripe library talks to it as it would to Stripe.
"""

import time
from unittest import mock

import pytest
from django.conf import settings as django_settings

from contracts.models import Payment
from contracts.payments.services import payment_mark_paid, stripe_gateway
from tests.accounts.factories import UserFactory
from tests.contracts.payments.builders import signed_contract_at
from tests.services import free_port

pytestmark = pytest.mark.django_db

SESSIONS_PATH = "/v1/checkout/sessions"


@pytest.fixture
def payment_sequence():
    """Checkout is tried on the second payment, whose Stripe reference ends in -02."""
    return 2


def checkout_url(payment):
    return f"/contracts/{payment.contract_id}/payments/{payment.pk}/checkout/"


def test_the_tenant_is_sent_to_stripe_checkout_for_the_payments_amount_in_yen(
    client, fake_stripe, contract, payment
):
    client.force_login(contract.tenant)

    response = client.post(checkout_url(payment))

    assert response.status_code == 303
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_test_fake_1"
    [sent] = fake_stripe.requests
    assert sent["path"] == SESSIONS_PATH
    assert sent["headers"]["Authorization"] == "Bearer sk_test_suite"
    form = sent["form"]
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][currency]"] == "jpy"
    assert form["line_items[0][price_data][unit_amount]"] == str(payment.amount)
    assert form["line_items[0][quantity]"] == "1"
    assert form["metadata[payment_id]"] == str(payment.pk)
    assert form["client_reference_id"] == f"{contract.number}-02"
    assert form["customer_email"] == contract.tenant.email
    back = f"{django_settings.SITE_URL}{checkout_url(payment)}return/"
    assert form["success_url"] == f"{back}?result=paid"
    assert form["cancel_url"] == f"{back}?result=cancelled"
    payment.refresh_from_db()
    assert payment.checkout_session_id == "cs_test_fake_1"
    assert payment.status == Payment.Status.DUE


def test_the_checkout_page_shows_the_amount_and_lets_its_form_lead_to_stripe(
    client, fake_stripe, contract, payment
):
    client.force_login(contract.tenant)

    response = client.get(checkout_url(payment))

    assert response.status_code == 200
    assert f"Continue to pay ¥{payment.amount:,}" in response.text
    assert f"¥{payment.tenant_commission:,}" in response.text
    policy = response["Content-Security-Policy"]
    assert "form-action 'self' https://checkout.stripe.com" in policy
    assert fake_stripe.requests == []


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("who", ["host", "stranger"])
def test_only_the_tenant_reaches_a_payments_checkout(
    client, fake_stripe, contract, payment, method, who
):
    client.force_login(contract.host if who == "host" else UserFactory())

    response = getattr(client, method)(checkout_url(payment))

    assert response.status_code == 404
    assert fake_stripe.requests == []


def test_a_signed_out_visitor_is_asked_to_log_in(client, fake_stripe, payment):
    response = client.post(checkout_url(payment))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert fake_stripe.requests == []


def test_a_payment_of_another_contract_is_not_found_through_this_one(client, fake_stripe, contract):
    other = signed_contract_at().payments.get(sequence=1)
    client.force_login(contract.tenant)

    response = client.post(f"/contracts/{contract.pk}/payments/{other.pk}/checkout/")

    assert response.status_code == 404
    assert fake_stripe.requests == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_without_a_stripe_key_card_payment_is_refused_with_a_clear_message(
    client, settings, contract, payment, method
):
    settings.STRIPE_SECRET_KEY = ""
    client.force_login(contract.tenant)

    response = getattr(client, method)(checkout_url(payment))

    assert response.status_code == 400
    assert "Card payments are not available at the moment" in response.text
    assert "Please pay by bank transfer" in response.text


def test_a_paid_payment_is_not_paid_again_by_card(client, fake_stripe, contract, payment):
    payment_mark_paid(payment=payment, method=Payment.Method.BANK_TRANSFER, reference="B-1")
    client.force_login(contract.tenant)

    response = client.post(checkout_url(payment))

    assert response.status_code == 400
    assert "This payment is paid: there is nothing to pay." in response.text
    assert fake_stripe.requests == []


def test_stripe_refusing_the_session_gives_a_message_and_no_error(
    client, fake_stripe, contract, payment
):
    fake_stripe.status = 400
    fake_stripe.answer = {"error": {"type": "invalid_request_error", "message": "No such price"}}
    client.force_login(contract.tenant)

    response = client.post(checkout_url(payment))

    assert response.status_code == 503
    assert "Card payment could not be started just now" in response.text
    payment.refresh_from_db()
    assert payment.checkout_session_id == ""


def test_stripe_out_of_reach_gives_a_message_and_no_error(client, settings, contract, payment):
    settings.STRIPE_SECRET_KEY = "sk_test_suite"
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"
    client.force_login(contract.tenant)

    response = client.post(checkout_url(payment))

    assert response.status_code == 503
    assert "Card payment could not be started just now" in response.text


def test_back_from_stripe_the_tenant_is_told_the_payment_is_being_confirmed(
    client, contract, payment
):
    client.force_login(contract.tenant)

    response = client.get(f"{checkout_url(payment)}return/?result=paid", follow=False)

    assert response.status_code == 302
    assert response["Location"] == f"/contracts/{contract.pk}/#payments"
    [message] = list(response.wsgi_request._messages)
    assert "Stripe is confirming your card payment" in str(message)


def test_back_from_a_cancelled_checkout_the_tenant_is_told_nothing_was_charged(
    client, contract, payment
):
    client.force_login(contract.tenant)

    response = client.get(f"{checkout_url(payment)}return/?result=cancelled")

    [message] = list(response.wsgi_request._messages)
    assert str(message) == "Card payment cancelled: nothing was charged."


def test_the_way_back_from_stripe_is_the_tenants_only(client, contract, payment):
    client.force_login(contract.host)

    response = client.get(f"{checkout_url(payment)}return/?result=paid")

    assert response.status_code == 404


# --- One open session per payment -----------------------------------------------------------


def test_a_second_checkout_expires_the_first_session_before_making_its_own(
    client, fake_stripe, contract, payment
):
    client.force_login(contract.tenant)

    first = client.post(checkout_url(payment))
    second = client.post(checkout_url(payment))

    assert first["Location"].endswith("cs_test_fake_1")
    assert second["Location"].endswith("cs_test_fake_2")
    assert [request["path"] for request in fake_stripe.requests] == [
        SESSIONS_PATH,
        f"{SESSIONS_PATH}/cs_test_fake_1/expire",
        SESSIONS_PATH,
    ]
    payment.refresh_from_db()
    assert payment.checkout_session_id == "cs_test_fake_2"


def test_a_session_can_be_paid_for_thirty_minutes_only(client, fake_stripe, contract, payment):
    client.force_login(contract.tenant)
    before = time.time()

    client.post(checkout_url(payment))

    [sent] = fake_stripe.requests
    lifetime = int(sent["form"]["expires_at"]) - before
    # Stripe refuses less than 30 minutes from its own clock: a minute to spare for the way there.
    assert 30 * 60 < lifetime <= 31 * 60 + 1


def test_a_previous_session_already_paid_or_expired_does_not_stop_a_new_checkout(
    client, fake_stripe, contract, payment
):
    Payment.objects.filter(pk=payment.pk).update(checkout_session_id="cs_test_old")
    fake_stripe.expire_statuses = [400]
    client.force_login(contract.tenant)

    response = client.post(checkout_url(payment))

    assert response.status_code == 303
    assert fake_stripe.expired() == ["cs_test_old"]
    payment.refresh_from_db()
    assert payment.checkout_session_id == "cs_test_fake_1"


@pytest.mark.parametrize("outage", ["unreachable", "failing"])
def test_stripe_down_while_expiring_the_previous_session_gives_a_message_and_no_new_session(
    client, fake_stripe, settings, contract, payment, outage
):
    Payment.objects.filter(pk=payment.pk).update(checkout_session_id="cs_test_old")
    if outage == "unreachable":
        settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"
    else:
        fake_stripe.expire_statuses = [503, 503]  # the library tries twice
    client.force_login(contract.tenant)

    response = client.post(checkout_url(payment))

    assert response.status_code == 503
    assert "Card payment could not be started just now" in response.text
    assert SESSIONS_PATH not in [request["path"] for request in fake_stripe.requests]
    payment.refresh_from_db()
    assert payment.checkout_session_id == "cs_test_old"


def test_a_payment_paid_while_its_session_was_made_refuses_it_and_expires_it(
    client, fake_stripe, contract, payment
):
    made = stripe_gateway.checkout_session_create

    def made_while_staff_record_a_transfer(**kwargs):
        session = made(**kwargs)
        payment_mark_paid(payment=payment, method=Payment.Method.BANK_TRANSFER, reference="B-1")
        return session

    client.force_login(contract.tenant)

    with mock.patch.object(
        stripe_gateway, "checkout_session_create", made_while_staff_record_a_transfer
    ):
        response = client.post(checkout_url(payment))

    assert response.status_code == 400
    assert "This payment is paid: there is nothing to pay." in response.text
    assert fake_stripe.expired() == ["cs_test_fake_1"]
    payment.refresh_from_db()
    assert payment.checkout_session_id == ""


def test_a_checkout_started_meanwhile_in_another_tab_asks_to_try_again(
    client, fake_stripe, contract, payment
):
    made = stripe_gateway.checkout_session_create

    def made_while_another_tab_starts_one(**kwargs):
        session = made(**kwargs)
        Payment.objects.filter(pk=payment.pk).update(checkout_session_id="cs_test_other_tab")
        return session

    client.force_login(contract.tenant)

    with mock.patch.object(
        stripe_gateway, "checkout_session_create", made_while_another_tab_starts_one
    ):
        response = client.post(checkout_url(payment))

    assert response.status_code == 400
    assert "A card payment was started for this payment meanwhile" in response.text
    assert fake_stripe.expired() == ["cs_test_fake_1"]
    payment.refresh_from_db()
    assert payment.checkout_session_id == "cs_test_other_tab"
