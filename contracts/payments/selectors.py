"""Reads of payments: a contract's schedule as one party sees it, and a host's payouts.

The tenant sees the tenant's commission and what they pay; the host sees the
host's commission and what they receive (the payout). Neither sees the other's.

A cancellation may leave the tenant a refund (`Contract.cancellation_refund`):
what they paid beyond the charge. The host keeps the payout of the charge (its
rent and fees less the host's commission) and gives back the rest of what their
payouts brought; KaguAruoo gives back the commissions beyond those on the charge.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, Q, QuerySet, Sum, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from contracts.booking.selectors import contract_get_for_party
from contracts.core.schedule import FIRST_PAYMENT_DAYS, commission_of
from contracts.models import Contract, Payment
from contracts.payments import stripe_gateway
from kaguaruoo.roles import Role

# The states in which the tenant still owes a payment.
PAYABLE = (Payment.Status.DUE, Payment.Status.OVERDUE)
PLANNED = "planned"
CHECKOUT_COMPLETED = "checkout.session.completed"


@dataclass(frozen=True)
class ScheduleRow:
    payment_pk: int | None  # None: planned, the contract is not signed yet
    sequence: int
    kind: str
    kind_label: str
    period_start: datetime.date | None  # None: a cancellation charge covers no period
    period_end: datetime.date | None
    due_date: datetime.date | None  # None: the first payment, due a few days after signing
    base: int
    deposit: int
    commission: int
    amount: int  # what the tenant pays, or what the host receives
    status: str  # a Payment.Status value, or PLANNED
    status_label: str
    transfer_reference: str
    paid_at: datetime.datetime | None = None

    @property
    def payable(self) -> bool:
        return self.status in PAYABLE

    @property
    def instalment(self) -> bool:
        """One of the schedule's own payments, rather than an extension's or a cancellation's."""
        return self.kind in (Payment.Kind.FIRST, Payment.Kind.MONTHLY)


def transfer_reference(payment: Payment) -> str:
    """What the tenant writes on a bank transfer, so that staff can match it: KA-000012-01."""
    return f"{payment.contract.number}-{payment.sequence:02d}"


def _planned_rows(contract: Contract, role: Role) -> list[ScheduleRow]:
    rows = []
    for planned in contract.terms.get("schedule", []):
        first = planned["kind"] == Payment.Kind.FIRST
        rows.append(
            ScheduleRow(
                payment_pk=None,
                sequence=planned["sequence"],
                kind=planned["kind"],
                kind_label=str(Payment.Kind(planned["kind"]).label),
                period_start=datetime.date.fromisoformat(planned["period_start"]),
                period_end=datetime.date.fromisoformat(planned["period_end"]),
                due_date=None if first else datetime.date.fromisoformat(planned["due_date"]),
                base=planned["base"],
                deposit=planned["deposit"],
                commission=planned[f"{role}_commission"],
                amount=planned["amount"] if role == Role.TENANT else planned["host_payout"],
                status=PLANNED,
                status_label=_("Planned"),
                transfer_reference="",
            )
        )
    return rows


def _payment_rows(contract: Contract, role: Role) -> list[ScheduleRow]:
    tenant = role == Role.TENANT
    return [
        ScheduleRow(
            payment_pk=payment.pk,
            sequence=payment.sequence,
            kind=payment.kind,
            kind_label=payment.get_kind_display(),
            period_start=payment.period_start,
            period_end=payment.period_end,
            due_date=payment.due_date,
            base=payment.base,
            deposit=payment.deposit,
            commission=payment.tenant_commission if tenant else payment.host_commission,
            amount=payment.amount if tenant else payment.host_payout,
            status=payment.status,
            status_label=payment.get_status_display(),
            transfer_reference=transfer_reference(payment),
            paid_at=payment.paid_at,
        )
        for payment in contract.payments.order_by("sequence")
    ]


def schedule_rows(*, contract: Contract, role: Role) -> list[ScheduleRow]:
    """The schedule for the tenant or the host: planned until signed, then the real rows."""
    if contract.status == Contract.Status.SENT:
        return _planned_rows(contract, role)
    return _payment_rows(contract, role)


def schedule_totals(rows: list[ScheduleRow]) -> dict:
    live = [row for row in rows if row.status != Payment.Status.CANCELLED]
    return {
        "base": sum(row.base for row in live),
        "deposit": sum(row.deposit for row in live),
        "commission": sum(row.commission for row in live),
        "amount": sum(row.amount for row in live),
        "paid": sum(row.amount for row in live if row.status == Payment.Status.PAID),
        "outstanding": sum(row.amount for row in live if row.payable),
    }


@dataclass(frozen=True)
class PartySchedule:
    """A contract's payments as one party sees them, with what a cancellation refunds."""

    role: Role  # TENANT or HOST
    planned: bool  # the contract is not signed yet: the rows are its terms' plan
    rows: list[ScheduleRow]
    totals: dict
    commission_percent: Decimal
    refund: int  # to the tenant, after a cancellation
    refund_from_payouts: int  # the host's share of it

    @property
    def payable(self) -> bool:
        return any(row.payable for row in self.rows)

    @property
    def refund_by_kaguaruoo(self) -> int:
        return self.refund - self.refund_from_payouts

    @property
    def paid_out(self) -> int:
        """What the host's payouts brought, less their share of a refund."""
        return self.totals["paid"] - self.refund_from_payouts


def party_schedule(*, contract: Contract, role: Role) -> PartySchedule:
    """The schedule for the contract's tenant or host: their commission, their amounts."""
    rows = schedule_rows(contract=contract, role=role)
    totals = schedule_totals(rows)
    is_tenant = role == Role.TENANT
    # The host's part of a refund to the tenant comes off what their payouts brought.
    from_payouts = 0 if is_tenant else host_refund_share(contract=contract, received=totals["paid"])
    return PartySchedule(
        role=role,
        planned=contract.status == Contract.Status.SENT,
        rows=rows,
        totals=totals,
        commission_percent=(
            contract.tenant_commission_percent if is_tenant else contract.host_commission_percent
        ),
        refund=contract.cancellation_refund or 0,
        refund_from_payouts=from_payouts,
    )


def payment_get_for_tenant(*, user, contract_pk: int, pk: int) -> Payment:
    """A payment of a contract whose tenant `user` is; Http404 for the host and anyone else."""
    contract = contract_get_for_party(user=user, pk=contract_pk)
    if contract.tenant_id != user.pk:
        raise Http404
    return get_object_or_404(contract.payments, pk=pk)


def payment_get_by_test_session(*, user, session_id: str) -> Payment:
    """The payment whose open test-mode card session this is, for its tenant; else Http404."""
    if not (user.is_authenticated and session_id.startswith(stripe_gateway.TEST_SESSION_PREFIX)):
        raise Http404
    return get_object_or_404(
        Payment.objects.select_related("contract"),
        checkout_session_id=session_id,
        contract__tenant=user,
    )


def first_payment_rule() -> str:
    return _("%(days)s days after signing, no later than move-in") % {"days": FIRST_PAYMENT_DAYS}


# --- A host's payouts -----------------------------------------------------------------------


def _charge_base(charge: int, tenant_percent: Decimal) -> int:
    """The rent and fees in a cancellation charge, which adds the tenant's commission on them.

    base + commission_of(base) grows by at least one yen with each yen of base, so one
    base gives the charge: the largest whose charge is not above it.
    """
    base = int(Decimal(charge) * 100 // (100 + Decimal(tenant_percent)))
    while base + 1 + commission_of(base + 1, tenant_percent) <= charge:
        base += 1
    return base


def host_refund_share(*, contract: Contract, received: int) -> int:
    """What of the tenant's refund after a cancellation comes out of the host's payouts.

    `received`: the payouts of the contract's paid payments.
    """
    refund = contract.cancellation_refund or 0
    if not refund:
        return 0
    base = _charge_base(contract.cancellation_charge or 0, contract.tenant_commission_percent)
    kept = base - commission_of(base, contract.host_commission_percent)
    return min(max(received - kept, 0), refund)


@dataclass(frozen=True)
class RefundRow:
    contract: Contract
    refund: int  # to the tenant
    from_payouts: int  # the host's share of it


def refunds_for_host(*, user) -> QuerySet[Contract]:
    """The host's cancelled contracts that leave the tenant a refund, latest first."""
    return with_host_received(
        Contract.objects.filter(
            host=user, status=Contract.Status.CANCELLED, cancellation_refund__gt=0
        )
    ).order_by("-ended_at", "-id")


def with_host_received(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """`contracts` with their listing and `received`: the payouts of their paid payments."""
    return contracts.select_related("listing").annotate(
        received=Sum(
            "payments__host_payout",
            filter=Q(payments__status=Payment.Status.PAID),
            default=0,
        )
    )


def refund_rows(contracts) -> list[RefundRow]:
    """Contracts of `refunds_for_host`, each with the refund and the host's share of it."""
    return [
        RefundRow(
            contract=contract,
            refund=contract.cancellation_refund,
            from_payouts=host_refund_share(contract=contract, received=contract.received),
        )
        for contract in contracts
    ]


def payouts_for_host(*, user) -> QuerySet[Payment]:
    """The payments of the host's contracts, each paying the host out; cancelled ones left out."""
    return (
        Payment.objects.filter(contract__host=user)
        .exclude(status=Payment.Status.CANCELLED)
        .select_related("contract__listing")
    )


# What a row of the payouts page shows: not the contract's terms and text, which are long.
PAYOUT_ROW_FIELDS = (
    "contract_id",
    "status",
    "kind",
    "due_date",
    "period_start",
    "period_end",
    "host_commission",
    "host_payout",
    "paid_at",
    "contract__listing_id",
    "contract__listing__title",
)


def payouts_upcoming_for_host(*, user) -> QuerySet[Payment]:
    """The host's payouts still to come, soonest first, with what their rows show."""
    return (
        payouts_for_host(user=user)
        .filter(status__in=PAYABLE)
        .order_by("due_date", "contract_id", "sequence")
        .only(*PAYOUT_ROW_FIELDS)
    )


def payouts_received_for_host(*, user) -> QuerySet[Payment]:
    """The host's payouts of payments made, latest first, with what their rows show."""
    return (
        payouts_for_host(user=user)
        .filter(status=Payment.Status.PAID)
        .order_by("-paid_at", "-id")
        .only(*PAYOUT_ROW_FIELDS)
    )


def payout_totals(*, user, today: datetime.date) -> dict:
    """What the host receives from payments due this month, what of it is paid, what is late.

    With how many payouts are to come, how many were received and how many cancelled
    contracts leave a refund, for the pages of each. (A refund is of money paid, so
    such a contract always has a paid payment here.)
    """
    this_month = Q(due_date__year=today.year, due_date__month=today.month)
    paid = Q(status=Payment.Status.PAID)
    refund = Q(contract__status=Contract.Status.CANCELLED, contract__cancellation_refund__gt=0)
    return payouts_for_host(user=user).aggregate(
        month=Sum("host_payout", filter=this_month, default=0),
        month_paid=Sum("host_payout", filter=this_month & paid, default=0),
        overdue=Sum("host_payout", filter=Q(status=Payment.Status.OVERDUE), default=0),
        upcoming_count=Count("pk", filter=Q(status__in=PAYABLE)),
        received_count=Count("pk", filter=paid),
        refund_count=Count("contract", filter=paid & refund, distinct=True),
    )


# --- Card payments to refund ----------------------------------------------------------------


def with_card_refunds_owed(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    """`payments` with `card_refunds_owed`: paid Checkout Sessions that they did not count.

    The StripeEvent of every paid session naming a known payment is linked to it. If
    the payment is paid by card, one of them paid it; every other one took money that
    the site did not count (the payment was paid already, cancelled, or the amount
    was wrong), which is to be refunded in Stripe.
    """
    counted = Case(When(status=Payment.Status.PAID, method=Payment.Method.CARD, then=1), default=0)
    completed = Count("stripe_events", filter=Q(stripe_events__type=CHECKOUT_COMPLETED))
    return payments.annotate(card_refunds_owed=completed - counted)
