"""A card payment's Stripe session stays payable only while the payment is.

When a payment is paid otherwise or cancelled, a task expires its open Checkout
Session. Money Stripe still takes for a payment that can no longer be paid is
not counted: its StripeEvent stays linked to the payment, the support mailbox is
asked to refund it, and admin lists the payment among the card payments to refund.
"""

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client

from contracts import tasks
from contracts.changes import services as changes
from contracts.models import ContractEvent, Payment, StripeEvent
from contracts.payments.services import payment_bank_transfer_record, payment_mark_paid
from tests.contracts.payments.builders import (
    checkout_completed_event,
    post_webhook,
    staff_create,
)
from tests.services import free_port

pytestmark = pytest.mark.django_db

PAYMENTS_ADMIN = "/admin/contracts/payment/"


def checkout_started(payment) -> str:
    """The tenant goes to Stripe to pay `payment`; the session id Stripe gave."""
    client = Client()
    client.force_login(payment.contract.tenant)
    response = client.post(f"/contracts/{payment.contract_id}/payments/{payment.pk}/checkout/")
    assert response.status_code == 303
    payment.refresh_from_db()
    return payment.checkout_session_id


def support_mails():
    return [m for m in mail.outbox if m.to == [django_settings.SUPPORT_EMAIL]]


def stripe_reports(event):
    return post_webhook(Client(), event)


def to_refund_in_admin(officer_client) -> list[Payment]:
    response = officer_client.get(PAYMENTS_ADMIN, {"card_refund": "owed"})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


# --- Sessions expired when the payment leaves the payable states ----------------------------


def test_cancelling_the_contract_expires_the_open_sessions_of_its_payments(
    fake_stripe, contract, payment, django_capture_on_commit_callbacks
):
    session_id = checkout_started(payment)

    with django_capture_on_commit_callbacks(execute=True):
        changes.contract_cancel(contract=contract, by=contract.tenant, reason="Visa refused.")

    assert fake_stripe.expired() == [session_id]


def test_a_bank_transfer_recorded_by_staff_expires_the_open_session(
    fake_stripe, contract, payment, django_capture_on_commit_callbacks
):
    session_id = checkout_started(payment)

    with django_capture_on_commit_callbacks(execute=True):
        payment_bank_transfer_record(
            payment=payment, reference="MUFG 1201", by=staff_create("change_payment")
        )

    assert fake_stripe.expired() == [session_id]


def test_a_payment_paid_through_its_own_session_asks_stripe_nothing_more(
    fake_stripe, payment, django_capture_on_commit_callbacks
):
    session_id = checkout_started(payment)
    fake_stripe.requests.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = stripe_reports(checkout_completed_event(payment, session_id=session_id))

    assert response.json()["outcome"] == "paid"
    assert fake_stripe.requests == []


def test_a_payment_paid_through_an_older_session_expires_the_newer_one(
    fake_stripe, payment, django_capture_on_commit_callbacks
):
    older = checkout_started(payment)
    # The tenant had paid on the older page just before the newer one was made.
    fake_stripe.expire_statuses = [400]
    newer = checkout_started(payment)
    fake_stripe.requests.clear()

    with django_capture_on_commit_callbacks(execute=True):
        stripe_reports(checkout_completed_event(payment, session_id=older))

    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID
    assert fake_stripe.expired() == [newer]


def test_the_expiry_is_tried_again_while_stripe_is_down(fake_stripe, payment):
    checkout_started(payment)
    payment_mark_paid(payment=payment, method=Payment.Method.BANK_TRANSFER, reference="B-1")
    fake_stripe.expire_statuses = [503, 503]  # one request and the library's own retry

    # As a worker runs it: a failed try is queued again rather than raised.
    result = tasks.payment_checkout_expire.apply(args=[payment.pk], throw=False)

    assert result.successful() and result.result is True
    assert fake_stripe.expired() == ["cs_test_fake_1"] * 3


def test_a_session_already_paid_or_expired_is_no_error_for_the_task(fake_stripe, payment):
    checkout_started(payment)
    payment_mark_paid(payment=payment, method=Payment.Method.BANK_TRANSFER, reference="B-1")
    fake_stripe.expire_statuses = [400]

    result = tasks.payment_checkout_expire.apply(args=[payment.pk])

    assert result.successful() and result.result is False


def test_stripe_out_of_reach_leaves_the_recorded_transfer_in_place(
    fake_stripe, settings, payment, django_capture_on_commit_callbacks
):
    checkout_started(payment)
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"

    with django_capture_on_commit_callbacks(execute=True):
        payment_mark_paid(payment=payment, method=Payment.Method.BANK_TRANSFER, reference="B-1")

    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID


def test_a_payment_still_payable_keeps_its_session(fake_stripe, payment):
    checkout_started(payment)
    fake_stripe.requests.clear()

    result = tasks.payment_checkout_expire.apply(args=[payment.pk])

    assert result.result is False
    assert fake_stripe.requests == []


# --- Money taken anyway is refunded ---------------------------------------------------------


def test_a_card_payment_arriving_after_the_tenant_cancelled_is_sent_to_support_to_refund(
    fake_stripe, officer_client, contract, payment, django_capture_on_commit_callbacks
):
    session_id = checkout_started(payment)
    changes.contract_cancel(contract=contract, by=contract.tenant, reason="Visa refused.")
    mail.outbox.clear()
    event = checkout_completed_event(payment, event_id="evt_late", session_id=session_id)

    with django_capture_on_commit_callbacks(execute=True):
        response = stripe_reports(event)

    assert response.status_code == 200
    assert response.json()["outcome"] == "not payable"
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.CANCELLED
    assert not contract.events.filter(kind=ContractEvent.Kind.PAYMENT_RECEIVED).exists()
    assert StripeEvent.objects.get(event_id="evt_late").payment_id == payment.pk
    [refund] = support_mails()
    assert f"{contract.number}-01" in refund.subject
    assert "which is cancelled and could no longer be paid" in refund.body
    for detail in (contract.number, session_id, "pi_test_456", "evt_late"):
        assert detail in refund.body
    assert f"{PAYMENTS_ADMIN}{payment.pk}/change/" in refund.body
    assert [m.to for m in mail.outbox] == [[django_settings.SUPPORT_EMAIL]]
    assert to_refund_in_admin(officer_client) == [payment]


def test_an_old_session_paid_after_a_bank_transfer_is_sent_to_support_to_refund(
    fake_stripe, officer_client, contract, payment, django_capture_on_commit_callbacks
):
    old = checkout_started(payment)
    checkout_started(payment)
    payment_bank_transfer_record(payment=payment, reference="MUFG 1201", by=officer_client.officer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = stripe_reports(checkout_completed_event(payment, session_id=old))

    assert response.json()["outcome"] == "not payable"
    payment.refresh_from_db()
    assert (payment.method, payment.reference) == (Payment.Method.BANK_TRANSFER, "MUFG 1201")
    [refund] = support_mails()
    assert old in refund.body and "which is paid" in refund.body
    assert to_refund_in_admin(officer_client) == [payment]


def test_admin_lists_only_payments_with_card_money_to_refund(
    fake_stripe, officer_client, contract, django_capture_on_commit_callbacks
):
    first, second, third = contract.payments.order_by("sequence")[:3]
    stripe_reports(checkout_completed_event(first, event_id="evt_paid"))
    stripe_reports(checkout_completed_event(second, event_id="evt_paid_2"))
    stripe_reports(checkout_completed_event(second, event_id="evt_twice"))
    stripe_reports(checkout_completed_event(third, event_id="evt_short", amount=1))

    listed = to_refund_in_admin(officer_client)
    page = officer_client.get(f"{PAYMENTS_ADMIN}{second.pk}/change/").text

    assert sorted(p.pk for p in listed) == [second.pk, third.pk]
    assert "1: refund it in Stripe" in page
    assert "evt_twice" in page


def test_a_card_payment_of_another_amount_is_sent_to_support_to_refund_and_still_owed(
    fake_stripe, contract, payment, django_capture_on_commit_callbacks
):
    event = checkout_completed_event(payment, amount=1_000)

    with django_capture_on_commit_callbacks(execute=True):
        response = stripe_reports(event)

    assert response.json()["outcome"] == "amount mismatch"
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.DUE
    [refund] = support_mails()
    assert "1,000 JPY" in refund.body
    assert f"of another amount than its ¥{payment.amount:,}" in refund.body
    assert "The payment is still owed." in refund.body
