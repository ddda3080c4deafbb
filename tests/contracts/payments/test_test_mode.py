"""Development without Stripe keys: card payments in a clearly marked test mode."""

import pytest
from django.core import mail

from contracts.models import Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def development(settings):
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""


def checkout(client, payment):
    url = f"/contracts/{payment.contract_id}/payments/{payment.pk}/checkout/"
    return client.post(url)


def test_in_development_a_card_payment_goes_to_the_test_page_and_is_paid_without_stripe(
    client, development, payment, django_capture_on_commit_callbacks
):
    client.force_login(payment.contract.tenant)

    started = checkout(client, payment)
    page = client.get(started["Location"])
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(started["Location"], follow=True)

    assert started.status_code == 303
    assert started["Location"].startswith("/contracts/payments/test-checkout/cs_test_local_")
    assert "Test mode: no money is taken." in page.text
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.method == Payment.Method.CARD
    assert payment.reference.startswith("pi_test_local_")
    assert "Thank you: your payment was received." in paid.text
    assert any(payment.contract.tenant.email in message.to for message in mail.outbox)


def test_the_test_page_is_not_found_with_debug_off_or_for_anyone_but_the_tenant(
    client, development, settings, payment
):
    client.force_login(payment.contract.tenant)
    test_page = checkout(client, payment)["Location"]

    client.force_login(payment.contract.host)
    assert client.get(test_page).status_code == 404
    client.force_login(payment.contract.tenant)
    settings.DEBUG = False
    assert client.get(test_page).status_code == 404
    assert client.post(test_page).status_code == 404
    payment.refresh_from_db()
    assert payment.status != Payment.Status.PAID


def test_an_older_test_session_cannot_pay_once_a_newer_one_was_started(
    client, development, payment
):
    client.force_login(payment.contract.tenant)
    first = checkout(client, payment)["Location"]
    checkout(client, payment)

    assert client.post(first).status_code == 404
    payment.refresh_from_db()
    assert payment.status != Payment.Status.PAID


def test_the_development_payment_page_names_a_demo_bank_account(client, development, payment):
    client.force_login(payment.contract.tenant)

    page = client.get(payment.contract.get_absolute_url()).text

    assert "Demo Bank" in page
    assert "Card payments are not available" not in page
