"""Payments with the real Celery worker and SMTP: one overdue reminder, receipts by mail,
card money to refund reported to support."""

import datetime
import time

import pytest
from django.utils import timezone

from contracts.changes import services as changes
from contracts.models import Payment
from contracts.tasks import payments_overdue_mark
from kaguaruoo.tasks import send_email
from tests.contracts.payments.builders import (
    WEBHOOK_SECRET,
    checkout_completed_event,
    post_webhook,
    signed_contract_at,
)

pytestmark = pytest.mark.integration

SENTINEL = "sentinel.payments@example.com"


def mails_with(sink, recipient, subject_part, *, timeout=30.0):
    """The mails to `recipient` whose subject has `subject_part`, once at least one arrived."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [
            m for m in list(sink.messages) if recipient in m["To"] and subject_part in m["Subject"]
        ]
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"no mail to {recipient} about {subject_part!r} within {timeout}s")


def flush(sink):
    """Wait until the worker has sent everything queued before this call."""
    send_email.delay(subject="flush", body=".", from_email="site@example.com", to=[SENTINEL])
    sink.wait_for(SENTINEL)


def test_running_the_overdue_task_twice_sends_one_reminder(live_worker, smtp_sink):
    contract = signed_contract_at()
    late = contract.payments.get(sequence=1)
    Payment.objects.filter(pk=late.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2)
    )

    payments_overdue_mark.delay()
    payments_overdue_mark.delay()
    mails_with(smtp_sink, contract.tenant.email, "Reminder")
    # The second run was queued before the first run's reminder; a second reminder
    # from it would be queued before this flush mail, and so arrive before it.
    flush(smtp_sink)

    assert len(mails_with(smtp_sink, contract.tenant.email, "Reminder")) == 1
    assert len(mails_with(smtp_sink, contract.host.email, "is overdue")) == 1
    assert Payment.objects.get(pk=late.pk).status == Payment.Status.OVERDUE


def test_a_card_payment_sends_the_tenant_a_receipt_and_the_host_a_note(
    client, settings, live_worker, smtp_sink
):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    contract = signed_contract_at()
    payment = contract.payments.get(sequence=1)

    response = post_webhook(client, checkout_completed_event(payment))

    assert response.status_code == 200
    [receipt] = mails_with(smtp_sink, contract.tenant.email, "Receipt")
    text = receipt.get_body(preferencelist=("plain",)).get_content()
    assert f"¥{payment.amount:,}" in text
    assert "pi_test_456" in text
    [note] = mails_with(smtp_sink, contract.host.email, "was received")
    assert f"¥{payment.host_payout:,}" in note.get_body(preferencelist=("plain",)).get_content()


def test_a_card_payment_after_the_contract_was_cancelled_reaches_support_to_refund(
    client, settings, live_worker, smtp_sink
):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    contract = signed_contract_at()
    payment = contract.payments.get(sequence=1)
    changes.contract_cancel(contract=contract, by=contract.tenant, reason="Visa refused.")

    response = post_webhook(client, checkout_completed_event(payment, session_id="cs_test_late"))

    assert response.json()["outcome"] == "not payable"
    [refund] = mails_with(smtp_sink, settings.SUPPORT_EMAIL, f"{contract.number}-01")
    text = refund.get_body(preferencelist=("plain",)).get_content()
    assert "refund it in Stripe" in text
    assert "cs_test_late" in text and "pi_test_456" in text
