"""Payments of a contract: the schedule's rows, card payments through Stripe, bank transfers.

Each signed contract has one Payment row per instalment (contracts/core/schedule.py
says how they are computed). A payment moves only through
`PAYMENT_TRANSITIONS`: due -> paid (by card, confirmed by Stripe's webhook, or
by bank transfer, reconciled by staff), due -> overdue (a daily task, which
also reminds the tenant once), overdue -> paid, and due/overdue -> cancelled
when the contract ends early.

A card payment starts a Stripe Checkout Session. Only the payment's newest
session can be paid: a new one expires the one before, and a payment leaving the
payable states has its session expired by a task. Money that still arrives for a
payment that cannot take it (or for another amount) is kept on record by its
StripeEvent row, and the support mailbox is asked to refund it in Stripe.
"""

import datetime
import logging
from decimal import Decimal
from enum import StrEnum
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.core.money import ContractMoney
from contracts.core.schedule import PlannedPayment, schedule_plan
from contracts.core.services import contract_event_record, contract_mail_send
from contracts.models import CommissionRate, Contract, ContractEvent, Payment, StripeEvent
from contracts.payments import stripe_gateway
from contracts.payments.selectors import CHECKOUT_COMPLETED, PAYABLE, transfer_reference
from kaguaruoo.mail import mail_send
from kaguaruoo.transitions import (
    TransitionTable,
    transition_move,
    transition_move_many,
)
from listings.pricing import stay_cost
from privacy.models import StaffAuditLog
from privacy.staff_access import AuditOrigin, audit_write

logger = logging.getLogger(__name__)

P = Payment.Status
# Who moves a payment is the service's concern (the webhook, staff, the daily task, a
# cancellation): the table says only which moves exist.
PAYMENT_TRANSITIONS = TransitionTable.unguarded(
    [
        (P.DUE, P.PAID),
        (P.OVERDUE, P.PAID),
        (P.DUE, P.OVERDUE),
        (P.DUE, P.CANCELLED),
        (P.OVERDUE, P.CANCELLED),
    ]
)


def contract_stay_cost(*, contract: Contract):
    """The stay's cost from the contract's own snapshot, never from the listing as it is now."""
    money = ContractMoney.from_terms(contract.terms)
    return stay_cost(
        rent=money.rent,
        monthly_fee=money.monthly_fee,
        move_in=contract.start_date,
        months=contract.months,
        cleaning_fee=money.cleaning_fee,
        linen_fee=money.linen_fee,
        key_money=money.key_money,
        deposit=money.deposit,
    )


@transaction.atomic
def payments_create(*, contract: Contract) -> list[Payment]:
    """The payment rows of a contract just signed, due dates counted from the signing day."""
    plan = schedule_plan(
        cost=contract_stay_cost(contract=contract),
        tenant_percent=contract.tenant_commission_percent,
        host_percent=contract.host_commission_percent,
        signed_on=timezone.localdate(contract.signed_at) if contract.signed_at else None,
    )
    return Payment.objects.bulk_create(
        payment_from_plan(contract=contract, planned=planned) for planned in plan
    )


def payment_from_plan(*, contract: Contract, planned: PlannedPayment) -> Payment:
    """The (unsaved) payment row of one line of a plan: the schedule's or an extension's."""
    return Payment(
        contract=contract,
        sequence=planned.sequence,
        kind=planned.kind,
        due_date=planned.due_date,
        period_start=planned.period_start,
        period_end=planned.period_end,
        rent=planned.rent,
        fees=planned.fees,
        one_time=planned.one_time,
        deposit=planned.deposit,
        base=planned.base,
        tenant_commission=planned.tenant_commission,
        host_commission=planned.host_commission,
        amount=planned.amount,
        host_payout=planned.host_payout,
    )


# --- States ---------------------------------------------------------------------------------


def contract_lock(*, contract_id: int) -> None:
    """Lock a contract's row before any of its payments' rows, as a cancellation does.

    Every writer taking the two in this one order waits for the other instead of
    deadlocking with it (a payment's event row refers to the contract, whose row a
    cancellation holds while it moves the payments).
    """
    Contract.objects.select_for_update().filter(pk=contract_id).values_list("pk").first()


def payment_transition(*, payment: Payment, to: str, **fields) -> Payment:
    """The one way a payment changes state; raises IllegalTransition if the move is illegal
    or lost a race."""
    return transition_move(obj=payment, table=PAYMENT_TRANSITIONS, to=to, **fields)


def payments_cancel_unpaid(*, contract: Contract) -> int:
    """Cancel the payments not paid yet (the contract ended early); the count cancelled."""
    payments = Payment.objects.filter(contract=contract)
    with_session = list(
        payments.filter(status__in=PAYABLE)
        .exclude(checkout_session_id="")
        .values_list("pk", flat=True)
    )
    cancelled = transition_move_many(queryset=payments, table=PAYMENT_TRANSITIONS, to=P.CANCELLED)
    _checkout_sessions_close(payment_ids=with_session)
    return cancelled


def payments_paid(*, contract: Contract) -> dict:
    """What the tenant has paid so far (`amount`, commission and deposit included) and
    the tenant's commission in it (`commission`), in yen."""
    return Payment.objects.filter(contract=contract, status=P.PAID).aggregate(
        amount=Sum("amount", default=0), commission=Sum("tenant_commission", default=0)
    )


@transaction.atomic
def payment_mark_paid(
    *,
    payment: Payment,
    method: str,
    reference: str,
    reconciled_by: User | None = None,
    session_id: str = "",
) -> Payment:
    """The money of a payment arrived: record it, tell both parties.

    `session_id`: the Checkout Session that paid it, if one did; any other session
    of the payment still open is expired.
    """
    contract_lock(contract_id=payment.contract_id)
    payment_transition(
        payment=payment,
        to=P.PAID,
        method=method,
        reference=reference[:200],
        paid_at=timezone.now(),
        reconciled_by=reconciled_by,
    )
    if payment.checkout_session_id not in ("", session_id):
        _checkout_sessions_close(payment_ids=[payment.pk])
    contract = payment.contract
    contract_event_record(
        contract=contract,
        kind=ContractEvent.Kind.PAYMENT_RECEIVED,
        actor=contract.tenant,
        sequence=payment.sequence,
        amount=payment.amount,
        method=method,
    )
    _parties_mail_send(payment=payment, tenant="payment_receipt", host="payment_received_host")
    return payment


def _parties_mail_send(*, payment: Payment, tenant: str, host: str) -> None:
    """Mail the tenant and the host of the payment's contract, each their template."""
    contract = payment.contract
    context = {
        "payment": payment,
        "contract": contract,
        "transfer_reference": transfer_reference(payment),
    }
    contract_mail_send(to=contract.tenant, template=tenant, context=context)
    contract_mail_send(to=contract.host, template=host, context=context)


@transaction.atomic
def payment_bank_transfer_record(
    *, payment: Payment, reference: str, by: User, origin: AuditOrigin | None = None
) -> Payment:
    """Staff found the tenant's transfer on the bank statement (admin's reconciliation).

    The staff audit log records who marked it paid, wherever the call comes from.
    """
    if not (by.is_active and by.is_staff):
        raise PermissionDenied
    reference = reference.strip()
    if not reference:
        raise ValidationError(_("Enter the reference of the bank transfer."))
    if payment.status not in PAYABLE:
        raise ValidationError(
            _("Payment %(reference)s is %(status)s: only a due or overdue payment can be paid.")
            % {"reference": transfer_reference(payment), "status": payment.get_status_display()}
        )
    payment = payment_mark_paid(
        payment=payment,
        method=Payment.Method.BANK_TRANSFER,
        reference=reference,
        reconciled_by=by,
    )
    audit_write(
        staff=by,
        action=StaffAuditLog.Action.CHANGE,
        obj=payment,
        changed_fields=["status", "method", "reference", "paid_at", "reconciled_by"],
        origin=origin,
    )
    return payment


# --- Card payments (Stripe Checkout) ---------------------------------------------------------


class CardPaymentsUnavailable(Exception):
    """No Stripe key is configured: tenants pay by bank transfer."""


def payment_card_check(*, payment: Payment, user: User) -> None:
    """Refuse, with the reason, a card payment this tenant cannot start now."""
    if user.pk != payment.contract.tenant_id:
        raise PermissionDenied
    if payment.status not in PAYABLE:
        raise ValidationError(
            _("This payment is %(status)s: there is nothing to pay.")
            % {"status": payment.get_status_display().lower()}
        )
    if not stripe_gateway.card_payments_available():
        raise CardPaymentsUnavailable


def payment_checkout_start(
    *, payment: Payment, user: User, success_url: str, cancel_url: str
) -> str:
    """A Stripe Checkout Session for the payment; the URL of Stripe's page to send the tenant to.

    Raises ValidationError, CardPaymentsUnavailable or stripe_gateway.PaymentProviderError.
    """
    payment_card_check(payment=payment, user=user)
    previous = payment.checkout_session_id
    if previous:
        # Only the newest session may take the money: two open ones could both be paid.
        stripe_gateway.checkout_session_expire(session_id=previous)
    session = stripe_gateway.checkout_session_create(
        payment_id=payment.pk,
        amount=payment.amount,
        description=_("Contract %(number)s, payment %(sequence)s")
        % {"number": payment.contract.number, "sequence": payment.sequence},
        reference=transfer_reference(payment),
        customer_email=user.email,
        success_url=success_url,
        cancel_url=cancel_url,
    )
    # Kept only if nothing changed meanwhile: the payment was not paid or cancelled, and no
    # other checkout (a second tab) replaced the previous session first.
    kept = Payment.objects.filter(
        pk=payment.pk, status__in=PAYABLE, checkout_session_id=previous
    ).update(checkout_session_id=session.id)
    if not kept:
        stripe_gateway.checkout_session_expire(session_id=session.id)
        payment.refresh_from_db()
        payment_card_check(payment=payment, user=user)
        raise ValidationError(
            _("A card payment was started for this payment meanwhile. Try again in a moment.")
        )
    payment.checkout_session_id = session.id
    return session.url


def _checkout_sessions_close(*, payment_ids: list[int]) -> None:
    """Once the transaction commits, a task expires these payments' Checkout Sessions.

    Robust: the payments' change is committed by then, and a failure to queue (or, when
    tasks run in-process, to reach Stripe) must not turn it into an error page; the
    session expires by itself after `CHECKOUT_LIFETIME` anyway.
    """
    from contracts.tasks import payment_checkout_expire  # the tasks module imports this one

    for payment_id in payment_ids:
        transaction.on_commit(partial(payment_checkout_expire.delay, payment_id), robust=True)


def payment_checkout_expire(*, payment: Payment) -> bool:
    """Expire the Checkout Session of a payment that can no longer be paid; whether it was open."""
    if payment.status in PAYABLE or not payment.checkout_session_id:
        return False
    if not stripe_gateway.card_payments_available():
        logger.warning(
            "Payment %s: no Stripe key to expire session %s with",
            payment.pk,
            payment.checkout_session_id,
        )
        return False
    return stripe_gateway.checkout_session_expire(session_id=payment.checkout_session_id)


class WebhookOutcome(StrEnum):
    """What a Stripe event came to: the webhook answers it to Stripe, the log keeps it."""

    REPLAY = "replay"
    IGNORED = "ignored"
    NOT_PAID = "not paid"
    UNKNOWN_PAYMENT = "unknown payment"
    AMOUNT_MISMATCH = "amount mismatch"
    NOT_PAYABLE = "not payable"
    PAID = "paid"


@transaction.atomic
def stripe_event_handle(*, event: dict) -> WebhookOutcome:
    """Act on a verified Stripe event once; what it came to.

    The StripeEvent row is written first in the same transaction: a replay, even
    one arriving while the first is being handled, fails on its unique event id
    and changes nothing. Should handling fail, the row goes too, and Stripe's
    retry is handled afresh.
    """
    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(event_id=event["id"], type=event["type"])
    except IntegrityError:
        return WebhookOutcome.REPLAY
    if event["type"] != CHECKOUT_COMPLETED:
        return WebhookOutcome.IGNORED
    return _checkout_completed(record=record, session=event["data"]["object"])


def _payment_lock(payment_id: int) -> Payment | None:
    """The payment, locked after its contract: the order a cancellation locks them in."""
    contract_id = (
        Payment.objects.filter(pk=payment_id).values_list("contract_id", flat=True).first()
    )
    if contract_id is None:
        return None
    contract_lock(contract_id=contract_id)
    return (
        Payment.objects.select_for_update(of=("self",))
        .select_related("contract__tenant", "contract__host")
        .filter(pk=payment_id)
        .first()
    )


def _checkout_completed(*, record: StripeEvent, session: dict) -> WebhookOutcome:
    if session.get("payment_status") != "paid":
        return WebhookOutcome.NOT_PAID
    payment_id = str((session.get("metadata") or {}).get("payment_id", ""))
    plausible_id = payment_id.isascii() and payment_id.isdigit() and len(payment_id) <= 18
    payment = _payment_lock(int(payment_id)) if plausible_id else None
    if payment is None:
        logger.warning("Stripe event %s names no known payment (%r)", record.event_id, payment_id)
        return WebhookOutcome.UNKNOWN_PAYMENT
    StripeEvent.objects.filter(pk=record.pk).update(payment=payment)
    amount, currency = session.get("amount_total"), str(session.get("currency", "")).lower()
    if amount != payment.amount or currency != stripe_gateway.CURRENCY:
        logger.warning(
            "Stripe event %s: session %s paid %s %s for payment %s of %s jpy; not marked paid",
            record.event_id,
            session.get("id"),
            amount,
            currency,
            payment.pk,
            payment.amount,
        )
        outcome = WebhookOutcome.AMOUNT_MISMATCH
        _card_refund_ask(record=record, payment=payment, session=session, outcome=outcome)
        return outcome
    if payment.status not in PAYABLE:
        logger.warning(
            "Stripe event %s: payment %s is already %s; session %s needs a refund",
            record.event_id,
            payment.pk,
            payment.status,
            session.get("id"),
        )
        outcome = WebhookOutcome.NOT_PAYABLE
        _card_refund_ask(record=record, payment=payment, session=session, outcome=outcome)
        return outcome
    payment_mark_paid(
        payment=payment,
        method=Payment.Method.CARD,
        reference=str(session.get("payment_intent") or session.get("id") or ""),
        session_id=str(session.get("id") or ""),
    )
    return WebhookOutcome.PAID


def _card_refund_ask(
    *, record: StripeEvent, payment: Payment, session: dict, outcome: WebhookOutcome
):
    """Card money the site did not count: ask the support mailbox to refund it in Stripe.

    The event's row, linked to the payment, is the lasting record (admin lists such
    payments as "card payments to refund"); the mail names what to look up in Stripe.
    """
    context = {
        "outcome": outcome,
        "payment": payment,
        "contract": payment.contract,
        "transfer_reference": transfer_reference(payment),
        "still_owed": payment.status in PAYABLE,
        "event_id": record.event_id,
        "session_id": session.get("id") or "",
        "payment_intent": session.get("payment_intent") or "",
        "amount": session.get("amount_total"),
        "currency": str(session.get("currency", "")).upper(),
        "admin_path": reverse("admin:contracts_payment_change", args=[payment.pk]),
    }
    mail_send(
        to=settings.SUPPORT_EMAIL, template="contracts/emails/payment_refund_staff", context=context
    )


# --- Overdue payments -----------------------------------------------------------------------


def payments_overdue_mark() -> dict:
    """Payments past their due date become overdue; each is reminded once.

    A cancelled contract's unpaid instalments are cancelled with it, so what is
    still due there (a cancellation charge) is owed like any other payment.
    """
    late = Payment.objects.filter(due_date__lt=timezone.localdate())
    overdue = transition_move_many(queryset=late, table=PAYMENT_TRANSITIONS, to=P.OVERDUE)
    unreminded = Payment.objects.filter(status=P.OVERDUE, reminded_at__isnull=True).select_related(
        "contract__tenant", "contract__host", "contract__listing"
    )
    reminded = sum(payment_overdue_remind(payment=payment) for payment in unreminded)
    return {"overdue": overdue, "reminded": reminded}


@transaction.atomic
def payment_overdue_remind(*, payment: Payment) -> bool:
    """Mail the tenant a reminder and tell the host, unless someone already did.

    The conditional update claims the reminder: of two workers racing, one
    updates the row and mails, the other finds it claimed and sends nothing.
    """
    claimed = Payment.objects.filter(
        pk=payment.pk, status=P.OVERDUE, reminded_at__isnull=True
    ).update(reminded_at=timezone.now())
    if not claimed:
        return False
    _parties_mail_send(payment=payment, tenant="payment_overdue", host="payment_overdue_host")
    return True


# --- Commission rates -----------------------------------------------------------------------

# A rate takes effect from now on: an earlier start would misstate what was in force.
COMMISSION_BACKDATE_LEEWAY = datetime.timedelta(minutes=5)


def commission_rate_start_check(effective_from: datetime.datetime) -> None:
    if effective_from < timezone.now() - COMMISSION_BACKDATE_LEEWAY:
        raise ValidationError(
            _("A new rate cannot start in the past: choose now or a later time."),
            code="backdated",
        )


def commission_rate_set(
    *,
    tenant_percent: Decimal,
    host_percent: Decimal,
    effective_from: datetime.datetime,
    by: User,
) -> CommissionRate:
    """Staff set new commission percentages; contracts sent from `effective_from` use them."""
    if not (by.is_active and by.is_staff):
        raise PermissionDenied
    commission_rate_start_check(effective_from)
    rate = CommissionRate(
        tenant_percent=tenant_percent,
        host_percent=host_percent,
        effective_from=effective_from,
        set_by=by,
    )
    rate.full_clean()
    rate.save()
    return rate
