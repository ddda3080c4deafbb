"""Payments move through one table: paid, overdue with one reminder, cancelled on an early end."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contracts.booking.services import commission_rate_current, contract_transition
from contracts.models import CommissionRate, Contract, ContractEvent, Payment
from contracts.payments.services import (
    commission_rate_set,
    payment_bank_transfer_record,
    payment_mark_paid,
    payment_overdue_remind,
    payment_transition,
    payments_cancel_unpaid,
    payments_overdue_mark,
    payments_paid,
)
from contracts.tasks import payments_overdue_mark as payments_overdue_task
from kaguaruoo.transitions import IllegalTransition
from tests.accounts.factories import UserFactory
from tests.contracts.builders import sent_contract
from tests.contracts.payments.builders import cancellation_charge, signed_contract_at
from tests.races import race

pytestmark = pytest.mark.django_db

S = Payment.Status


def first(contract) -> Payment:
    return contract.payments.get(sequence=1)


def in_state(payment, status) -> Payment:
    """Bring a fresh payment into `status` through the legal moves."""
    if status == S.OVERDUE:
        payment_transition(payment=payment, to=S.OVERDUE)
    elif status == S.PAID:
        payment_mark_paid(payment=payment, method=Payment.Method.CARD, reference="pi_1")
    elif status == S.CANCELLED:
        payment_transition(payment=payment, to=S.CANCELLED)
    return payment


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def make_late(payment, days=1):
    Payment.objects.filter(pk=payment.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=days)
    )


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (S.DUE, S.PAID),
        (S.DUE, S.OVERDUE),
        (S.OVERDUE, S.PAID),
        (S.DUE, S.CANCELLED),
        (S.OVERDUE, S.CANCELLED),
    ],
)
def test_a_payment_makes_each_legal_move(contract, start, to):
    payment = in_state(first(contract), start)

    payment_transition(
        payment=payment, to=to, **({"paid_at": timezone.now()} if to == S.PAID else {})
    )

    assert Payment.objects.get(pk=payment.pk).status == to


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (S.PAID, S.DUE),
        (S.PAID, S.OVERDUE),
        (S.PAID, S.CANCELLED),
        (S.OVERDUE, S.DUE),
        (S.CANCELLED, S.PAID),
        (S.CANCELLED, S.DUE),
    ],
)
def test_a_payment_refuses_an_illegal_move(contract, start, to):
    payment = in_state(first(contract), start)

    with pytest.raises(IllegalTransition):
        payment_transition(payment=payment, to=to)

    assert Payment.objects.get(pk=payment.pk).status == start


def test_a_payment_changed_meanwhile_is_not_moved_again(contract):
    seen_by_one = first(contract)
    seen_by_other = first(contract)
    payment_mark_paid(payment=seen_by_one, method=Payment.Method.CARD, reference="pi_1")

    with pytest.raises(IllegalTransition):
        payment_transition(payment=seen_by_other, to=S.OVERDUE)

    assert Payment.objects.get(pk=seen_by_other.pk).status == S.PAID


def test_paying_records_the_payment_and_tells_both_parties(
    contract, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_mark_paid(
            payment=first(contract), method=Payment.Method.CARD, reference="pi_1"
        )

    assert payment.paid_at is not None
    event = contract.events.get(kind=ContractEvent.Kind.PAYMENT_RECEIVED)
    assert event.detail == {"sequence": 1, "amount": payment.amount, "method": "card"}
    [receipt] = mails_to(contract.tenant)
    assert receipt.subject == f"Receipt: payment 1 of contract {contract.number}"
    assert f"¥{payment.amount:,}" in receipt.body
    [note] = mails_to(contract.host)
    assert f"Your payout: ¥{payment.host_payout:,}" in note.body
    assert f"¥{payment.tenant_commission:,}" not in note.body


def test_cancelling_the_unpaid_payments_leaves_the_paid_ones(contract):
    payments = list(contract.payments.order_by("sequence"))
    in_state(payments[0], S.PAID)
    in_state(payments[1], S.OVERDUE)
    contract_transition(contract=contract, to=Contract.Status.CANCELLED, by=contract.host)

    cancelled = payments_cancel_unpaid(contract=contract)

    assert cancelled == len(payments) - 1
    assert list(contract.payments.order_by("sequence").values_list("status", flat=True)) == [
        S.PAID
    ] + [S.CANCELLED] * (len(payments) - 1)


def test_the_paid_total_counts_only_paid_payments(contract):
    payments = list(contract.payments.order_by("sequence"))
    assert payments_paid(contract=contract)["amount"] == 0

    in_state(payments[0], S.PAID)
    in_state(payments[1], S.PAID)
    in_state(payments[2], S.OVERDUE)

    assert payments_paid(contract=contract)["amount"] == payments[0].amount + payments[1].amount


# --- Overdue --------------------------------------------------------------------------------


def test_a_payment_past_its_due_date_becomes_overdue_and_the_tenant_is_reminded_once(
    contract, django_capture_on_commit_callbacks
):
    late = first(contract)
    make_late(late)

    with django_capture_on_commit_callbacks(execute=True):
        first_run = payments_overdue_task.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        second_run = payments_overdue_task.delay().get()

    assert first_run == {"overdue": 1, "reminded": 1}
    assert second_run == {"overdue": 0, "reminded": 0}
    assert Payment.objects.get(pk=late.pk).status == S.OVERDUE
    [reminder] = mails_to(contract.tenant)
    assert reminder.subject == f"Reminder: payment 1 of contract {contract.number} is overdue"
    assert f"{contract.number}-01" in reminder.body
    [note] = mails_to(contract.host)
    assert "We have reminded the tenant" in note.body


def test_a_cancellation_charge_left_unpaid_is_overdue_and_reminded_too(
    contract, django_capture_on_commit_callbacks
):
    contract_transition(contract=contract, to=Contract.Status.CANCELLED, by=contract.tenant)
    payments_cancel_unpaid(contract=contract)
    charge = cancellation_charge(contract, due_date=timezone.localdate() - datetime.timedelta(1))

    with django_capture_on_commit_callbacks(execute=True):
        assert payments_overdue_mark() == {"overdue": 1, "reminded": 1}

    assert Payment.objects.get(pk=charge.pk).status == S.OVERDUE
    [reminder] = mails_to(contract.tenant)
    assert "Cancellation charge" in reminder.body


def test_a_payment_due_today_is_not_overdue_yet(contract):
    Payment.objects.filter(pk=first(contract).pk).update(due_date=timezone.localdate())

    assert payments_overdue_mark() == {"overdue": 0, "reminded": 0}


def test_paid_and_cancelled_payments_are_never_overdue(contract):
    payments = list(contract.payments.order_by("sequence"))
    in_state(payments[0], S.PAID)
    in_state(payments[1], S.CANCELLED)
    for payment in payments[:2]:
        make_late(payment)

    assert payments_overdue_mark() == {"overdue": 0, "reminded": 0}


def test_a_reminder_is_claimed_by_one_caller_only(contract, django_capture_on_commit_callbacks):
    late = in_state(first(contract), S.OVERDUE)

    with django_capture_on_commit_callbacks(execute=True):
        results = [payment_overdue_remind(payment=late), payment_overdue_remind(payment=late)]

    assert results == [True, False]
    assert len(mails_to(contract.tenant)) == 1


@pytest.mark.integration  # real concurrent transactions need PostgreSQL
@pytest.mark.django_db(transaction=True)
def test_two_workers_reminding_at_once_send_one_reminder():
    contract = signed_contract_at()
    late = in_state(first(contract), S.OVERDUE)

    results = race(*[lambda: payment_overdue_remind(payment=late)] * 4)

    assert sorted(results) == [False, False, False, True]


# --- Bank transfers and commission rates (the staff's services) ------------------------------


def test_a_bank_transfer_is_recorded_with_the_staff_member_who_matched_it(contract):
    staff = UserFactory(is_staff=True)

    payment = payment_bank_transfer_record(
        payment=first(contract), reference="  MUFG 2026-12-01 #4411 ", by=staff
    )

    assert (payment.status, payment.method, payment.reference, payment.reconciled_by) == (
        S.PAID,
        Payment.Method.BANK_TRANSFER,
        "MUFG 2026-12-01 #4411",
        staff,
    )


def test_a_bank_transfer_needs_its_reference(contract):
    with pytest.raises(ValidationError):
        payment_bank_transfer_record(
            payment=first(contract), reference="  ", by=UserFactory(is_staff=True)
        )

    assert first(contract).status == S.DUE


def test_only_staff_record_bank_transfers(contract):
    with pytest.raises(PermissionDenied):
        payment_bank_transfer_record(payment=first(contract), reference="X", by=contract.tenant)


def test_a_paid_payment_cannot_be_paid_again_by_transfer(contract):
    paid = in_state(first(contract), S.PAID)

    with pytest.raises(ValidationError, match="only a due or overdue payment"):
        payment_bank_transfer_record(payment=paid, reference="X", by=UserFactory(is_staff=True))

    assert Payment.objects.get(pk=paid.pk).method == Payment.Method.CARD


def test_a_new_commission_rate_applies_to_contracts_sent_after_it():
    staff = UserFactory(is_staff=True)
    rate = commission_rate_set(
        tenant_percent=Decimal("6.5"),
        host_percent=Decimal("2"),
        effective_from=timezone.now(),
        by=staff,
    )

    assert rate.set_by == staff
    assert commission_rate_current() == (Decimal("6.5"), Decimal("2"))
    contract = sent_contract()
    assert (contract.tenant_commission_percent, contract.host_commission_percent) == (
        Decimal("6.5"),
        Decimal("2"),
    )


def test_a_commission_rate_cannot_start_in_the_past():
    with pytest.raises(ValidationError, match="cannot start in the past"):
        commission_rate_set(
            tenant_percent=Decimal("6"),
            host_percent=Decimal("2"),
            effective_from=timezone.now() - datetime.timedelta(days=1),
            by=UserFactory(is_staff=True),
        )

    assert not CommissionRate.objects.exists()
