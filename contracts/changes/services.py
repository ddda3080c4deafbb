"""Changes to a signed contract: extensions and cancellation.

Extensions
    The tenant of a signed contract that has not ended asks for N more months;
    the host approves or declines (with a reason); the tenant may withdraw while
    it waits. The listing's `max_months` counts the whole stay, the stay may not
    run past the listing's `available_until`, and the nights after the current
    move-out must be free. Approval moves the contract's move-out day and months
    and adds payments of kind "extension": for each calendar month, what the
    longer stay costs beyond what the schedule already bills (a month billed
    partly before pays the difference), at the contract's own prices and
    commission rates, due on the month's first day but never sooner than
    `FIRST_PAYMENT_DAYS` after approval. The signed text and its hash stay as
    signed: the request, its events and the new payments are the amendment.
    Two signed contracts never overlap: the database's constraint has the last word.

Cancellation (by the contract's own copy of the listing's policy)
    "One month" is the contract's monthly rent plus its monthly fee, never more
    than the rent and fees of the whole stay.
    Before move-in, the tenant cancelling owes
      - flexible: nothing up to 14 days before move-in, then one month;
      - moderate: nothing up to 30 days before move-in, then one month;
      - strict: one month, whenever they cancel.
    From the move-in day on, the tenant owes the nights from move-in until 30
    days after the cancellation day (never past the move-out day), charged by
    the day as the schedule charges a partial month, and at least one month;
    plus the one-time fees (cleaning, linen, key money), spent once the tenant
    has moved in. Before move-in the one-time fees are refunded.
    The whole is capped at the stay's total. The deposit is always refunded.
    The tenant's commission is charged on what is owed, at the contract's rate.
    The host cancelling: the tenant owes nothing and everything paid is refunded.
    What was paid (deposit and commission included) is set against the charge:
    a remainder owed becomes a "cancellation" payment due in 7 days; a surplus
    is the refund recorded on the contract. Unpaid instalments are cancelled.
"""

import calendar
import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.booking.services import (
    contract_dates_book,
    contract_transition,
    dates_taken,
    listing_dates_lock,
)
from contracts.booking.terms import CANCELLATION_PAYMENT_DAYS, FREE_DAYS_BEFORE_MOVE_IN, NOTICE_DAYS
from contracts.core.money import ContractMoney
from contracts.core.schedule import FIRST_PAYMENT_DAYS, PlannedPayment, commission_of
from contracts.core.services import (
    contract_announce,
    contract_other_party,
)
from contracts.models import Contract, ContractEvent, ExtensionRequest, Payment
from contracts.payments.services import (
    contract_stay_cost,
    payment_from_plan,
    payments_cancel_unpaid,
    payments_paid,
)
from kaguaruoo.money import yen
from kaguaruoo.roles import PARTIES, Role, stay_role
from kaguaruoo.transitions import TransitionTable, transition_move
from listings.models import Listing
from listings.pricing import StayCost, stay_end
from listings.stays import EXTENSION_MAX_MONTHS, available_until_error, extension_months_check

E = ExtensionRequest.Status
# (from, to) -> who may make the move; the system: a cancellation closes a pending request.
EXTENSION_TRANSITIONS = TransitionTable.of(
    {
        (E.PENDING, E.APPROVED): Role.HOST,
        (E.PENDING, E.DECLINED): Role.HOST,
        (E.PENDING, E.WITHDRAWN): {Role.TENANT, Role.SYSTEM},
    }
)

Policy = Listing.CancellationPolicy


def _cost_for_months(contract: Contract, months: int) -> StayCost:
    """The contract's stay, at its own prices, as if it lasted `months`."""
    resized = copy.copy(contract)
    resized.months = months
    return contract_stay_cost(contract=resized)


def _next_sequence(contract: Contract) -> int:
    return (contract.payments.aggregate(last=Max("sequence"))["last"] or 0) + 1


# --- Extensions -----------------------------------------------------------------------------


def extension_end_date(*, contract: Contract, months: int) -> datetime.date:
    """The move-out day after `months` more: counted from move-in, as the stay itself is."""
    return stay_end(contract.start_date, contract.months + months) + datetime.timedelta(days=1)


def extension_check(*, contract: Contract, months: int) -> None:
    """Refuse an extension the contract or the listing cannot take, naming why."""
    if contract.status != Contract.Status.SIGNED:
        raise ValidationError(_("Only a signed contract can be extended."), code="not_signed")
    if contract.end_date <= timezone.localdate():
        raise ValidationError(_("This stay has ended; it can no longer be extended."))
    listing = contract.listing
    extension_months_check(listing=listing, months_now=contract.months, more=months)
    new_end = extension_end_date(contract=contract, months=months)
    last_night = new_end - datetime.timedelta(days=1)
    if until := available_until_error(listing=listing, last_night=last_night):
        raise ValidationError(until, code="available_until")
    if dates_taken(listing=listing, start=contract.end_date, end=new_end, exclude_pk=contract.pk):
        raise ValidationError(
            _("The apartment is booked after your move-out day: it cannot be extended so far."),
            code="dates_taken",
        )


def extension_months_open(*, contract: Contract, limit: int = EXTENSION_MAX_MONTHS) -> list[int]:
    """The numbers of more months the stay can take today, by `extension_check`'s rules.

    A longer extension never fits where a shorter one does not (the listing's
    maximum, its last available day and the next stay held on it only come
    closer), so the first refusal ends the list.
    """
    room = min(limit, contract.listing.max_months - contract.months)
    months_open = []
    for months in range(1, room + 1):
        try:
            extension_check(contract=contract, months=months)
        except ValidationError:
            break
        months_open.append(months)
    return months_open


def extension_plan(
    *, contract: Contract, months: int, today: datetime.date | None = None
) -> list[PlannedPayment]:
    """The payments that `months` more months add to the contract's schedule."""
    today = today or timezone.localdate()
    before = contract_stay_cost(contract=contract)
    after = _cost_for_months(contract, contract.months + months)
    billed = {(charge.year, charge.month): charge for charge in before.monthly}
    first_night, last_night = before.move_out, after.move_out - datetime.timedelta(days=1)
    due_floor = today + datetime.timedelta(days=FIRST_PAYMENT_DAYS)
    sequence = _next_sequence(contract)
    plan = []
    for charge in after.monthly:
        month_first = datetime.date(charge.year, charge.month, 1)
        month_last = month_first + datetime.timedelta(days=charge.days_in_month - 1)
        if month_last < first_night:
            continue
        old = billed.get((charge.year, charge.month))
        rent = charge.rent - (old.rent if old else 0)
        fee = charge.fee - (old.fee if old else 0)
        base = rent + fee
        plan.append(
            PlannedPayment(
                sequence=sequence + len(plan),
                kind=Payment.Kind.EXTENSION,
                due_date=max(month_first, due_floor),
                period_start=max(month_first, first_night),
                period_end=min(month_last, last_night),
                rent=rent,
                fees=fee,
                one_time=0,
                deposit=0,
                base=base,
                tenant_commission=commission_of(base, contract.tenant_commission_percent),
                host_commission=commission_of(base, contract.host_commission_percent),
            )
        )
    return plan


def _extension_transition(
    *, extension: ExtensionRequest, to: str, by: User | None, **fields
) -> ExtensionRequest:
    """Answer or withdraw the request (`by` None: the system); raises IllegalTransition."""
    return transition_move(
        obj=extension,
        table=EXTENSION_TRANSITIONS,
        to=to,
        role=stay_role(extension.contract, by),
        decided_at=timezone.now(),
        **fields,
    )


def _extension_detail(extension: ExtensionRequest) -> dict:
    return {
        "extension": extension.pk,
        "months": extension.months,
        "old_end": extension.previous_end_date.isoformat(),
        "new_end": extension.new_end_date.isoformat(),
    }


def _extension_announce(
    *,
    extension: ExtensionRequest,
    kind: str,
    by: User,
    notice: Callable[[], str],
    mail: str,
    **detail,
) -> None:
    """A step of an extension, told to the other party."""
    contract = extension.contract
    contract_announce(
        contract=contract,
        kind=kind,
        actor=by,
        notice=notice,
        mail=mail,
        to=[contract_other_party(contract, by)],
        context={"extension": extension},
        detail={**detail, **_extension_detail(extension)},
    )


@transaction.atomic
def extension_request(
    *, contract: Contract, by: User, months: int, message: str = ""
) -> ExtensionRequest:
    """The tenant asks to stay `months` more months."""
    if by.pk != contract.tenant_id:
        raise PermissionDenied
    extension_check(contract=contract, months=months)
    try:
        with transaction.atomic():
            extension = ExtensionRequest.objects.create(
                contract=contract,
                requested_by=by,
                months=months,
                previous_end_date=contract.end_date,
                new_end_date=extension_end_date(contract=contract, months=months),
                message=message.strip(),
            )
    except IntegrityError as error:
        raise ValidationError(
            _("You already asked for an extension. Wait for the host's answer or withdraw it."),
            code="duplicate",
        ) from error
    _extension_announce(
        extension=extension,
        kind=ContractEvent.Kind.EXTENSION_REQUESTED,
        by=by,
        notice=lambda: (
            _(
                "%(tenant)s asks to extend contract %(number)s by %(months)s months "
                "(move-out on %(date)s)."
            )
            % {
                "tenant": by.public_name,
                "number": contract.number,
                "months": months,
                "date": date_format(extension.new_end_date),
            }
        ),
        mail="extension_requested",
    )
    return extension


@transaction.atomic
def extension_approve(*, extension: ExtensionRequest, by: User) -> ExtensionRequest:
    """The host agrees: the stay ends later and its extra months join the payment schedule."""
    contract = Contract.objects.select_for_update().get(pk=extension.contract_id)
    extension.contract = contract
    _extension_transition(extension=extension, to=E.APPROVED, by=by)
    if contract.status != Contract.Status.SIGNED or contract.end_date <= timezone.localdate():
        raise ValidationError(_("This contract can no longer be extended."), code="not_signed")
    plan = extension_plan(contract=contract, months=extension.months)
    try:
        with transaction.atomic():
            listing_dates_lock(listing_id=contract.listing_id)
            # Dates held for another tenant since the request, or a listing edited
            # since, are found now, in the queue, before anything changes.
            extension_check(contract=contract, months=extension.months)
            Contract.objects.filter(pk=contract.pk).update(
                end_date=extension.new_end_date,
                months=contract.months + extension.months,
                total=contract.total + sum(p.base for p in plan),
                tenant_total=contract.tenant_total + sum(p.amount for p in plan),
                updated_at=timezone.now(),
            )
    except IntegrityError as error:
        raise ValidationError(
            _("Another contract is signed for nights after the move-out day: decline this one."),
            code="dates_taken",
        ) from error
    contract.refresh_from_db()
    contract_dates_book(contract=contract)
    Payment.objects.bulk_create(
        payment_from_plan(contract=contract, planned=planned) for planned in plan
    )
    _extension_announce(
        extension=extension,
        kind=ContractEvent.Kind.EXTENSION_APPROVED,
        by=by,
        added=sum(p.amount for p in plan),
        notice=lambda: (
            _(
                "%(host)s approved the extension: contract %(number)s now runs until "
                "move-out on %(date)s."
            )
            % {
                "host": by.public_name,
                "number": contract.number,
                "date": date_format(contract.end_date),
            }
        ),
        mail="extension_approved",
    )
    return extension


@transaction.atomic
def extension_decline(*, extension: ExtensionRequest, by: User, reason: str) -> ExtensionRequest:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tell the tenant why you decline."), code="reason")
    _extension_transition(extension=extension, to=E.DECLINED, by=by, reason=reason)
    contract = extension.contract
    _extension_announce(
        extension=extension,
        kind=ContractEvent.Kind.EXTENSION_DECLINED,
        by=by,
        reason=reason,
        notice=lambda: (
            _("%(host)s declined the extension of contract %(number)s: %(reason)s")
            % {"host": by.public_name, "number": contract.number, "reason": reason}
        ),
        mail="extension_declined",
    )
    return extension


@transaction.atomic
def extension_withdraw(*, extension: ExtensionRequest, by: User) -> ExtensionRequest:
    _extension_transition(extension=extension, to=E.WITHDRAWN, by=by)
    contract = extension.contract
    _extension_announce(
        extension=extension,
        kind=ContractEvent.Kind.EXTENSION_WITHDRAWN,
        by=by,
        notice=lambda: (
            _("%(tenant)s withdrew the request to extend contract %(number)s.")
            % {"tenant": by.public_name, "number": contract.number}
        ),
        mail="extension_withdrawn",
    )
    return extension


# --- Cancellation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CancellationQuote:
    """What cancelling on `on` costs the tenant, against what they have paid."""

    on: datetime.date
    by_host: bool
    policy: str
    charge_base: int
    charge_commission: int
    paid: int
    paid_commission: int
    deposit: int
    explanation: str

    @property
    def charge(self) -> int:
        return self.charge_base + self.charge_commission

    @property
    def due(self) -> int:
        return max(self.charge - self.paid, 0)

    @property
    def refund(self) -> int:
        return max(self.paid - self.charge, 0)


def _nights_cost(money: ContractMoney, start: datetime.date, end: datetime.date) -> int:
    """Rent and fee for the nights [start, end): each calendar month by the day, as scheduled."""
    total, day = 0, start
    while day < end:
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        next_month = day.replace(day=1) + datetime.timedelta(days=days_in_month)
        nights = (min(end, next_month) - day).days
        total += money.rent * nights // days_in_month
        total += money.monthly_fee * nights // days_in_month
        day = min(end, next_month)
    return total


def _tenant_charge(contract: Contract, cost: StayCost, on: datetime.date) -> tuple[int, str]:
    """What the tenant owes for cancelling on `on` (before commission), and why.

    The why is written when it is shown, so each party reads it in their own language
    (the page of whoever asks, the mail to each party).
    """
    money = ContractMoney.from_terms(contract.terms)
    one_month = min(money.rent + money.monthly_fee, cost.rent_total + cost.fee_total)
    policy = Policy(contract.cancellation_policy)
    if on < contract.start_date:
        days = (contract.start_date - on).days
        free_days = FREE_DAYS_BEFORE_MOVE_IN.get(policy)
        if free_days is not None and days >= free_days:
            return 0, _when_shown(
                lambda: (
                    _(
                        "Cancelled %(days)s days before move-in: free, as this contract's policy "
                        "allows up to %(free)s days before."
                    )
                    % {"days": days, "free": free_days}
                )
            )
        return one_month, _when_shown(
            lambda: (
                _(
                    "Cancelled %(days)s days before move-in: under this contract's policy "
                    "(%(policy)s), one month's rent and fees are due. One-time fees are refunded."
                )
                % {"days": days, "policy": policy.label}
            )
        )
    notice_end = min(on + datetime.timedelta(days=NOTICE_DAYS), contract.end_date)
    nights = _nights_cost(money, contract.start_date, notice_end)
    charge = min(max(nights, one_month) + cost.one_time_total, cost.total)
    return charge, _when_shown(
        lambda: (
            _(
                "Cancelled after move-in: the nights from move-in until %(end)s (%(notice)s days' "
                "notice) are due by the day, at least one month's rent and fees, and the one-time "
                "fees."
            )
            % {"end": date_format(notice_end), "notice": NOTICE_DAYS}
        )
    )


def _when_shown(write) -> str:
    """A text written by `write()` in the language active when it is shown."""
    return lazy(write, str)()


def cancellation_quote(
    *, contract: Contract, by: User, on: datetime.date | None = None
) -> CancellationQuote:
    """What the tenant owes or gets back if `by` cancels the contract on `on` (today)."""
    on = on or timezone.localdate()
    role = stay_role(contract, by)
    if role not in PARTIES:
        raise PermissionDenied
    cost = contract_stay_cost(contract=contract)
    if role == Role.HOST:
        base, why = (
            0,
            _when_shown(
                lambda: _("The host cancels: the tenant owes nothing and gets back all they paid.")
            ),
        )
    else:
        base, why = _tenant_charge(contract, cost, on)
    if cost.deposit:
        why = _when_shown(
            lambda first=why: " ".join((str(first), _("The deposit is refunded in full.")))
        )
    paid = payments_paid(contract=contract)
    return CancellationQuote(
        on=on,
        by_host=role == Role.HOST,
        policy=str(Policy(contract.cancellation_policy).label),
        charge_base=base,
        charge_commission=commission_of(base, contract.tenant_commission_percent),
        paid=paid["amount"],
        paid_commission=paid["commission"],
        deposit=cost.deposit,
        explanation=why,
    )


def cancellation_check(*, contract: Contract) -> None:
    if contract.status != Contract.Status.SIGNED:
        raise ValidationError(_("Only a signed contract can be cancelled."), code="not_signed")
    if contract.end_date <= timezone.localdate():
        raise ValidationError(_("This stay has ended; there is nothing to cancel."))


def _cancellation_payment_add(contract: Contract, quote: CancellationQuote) -> Payment:
    """The rest the tenant owes, with the commission not yet paid on the charge."""
    tenant_commission = min(max(quote.charge_commission - quote.paid_commission, 0), quote.due)
    base = quote.due - tenant_commission
    host_commission = commission_of(base, contract.host_commission_percent)
    return Payment.objects.create(
        contract=contract,
        sequence=_next_sequence(contract),
        kind=Payment.Kind.CANCELLATION,
        due_date=quote.on + datetime.timedelta(days=CANCELLATION_PAYMENT_DAYS),
        base=base,
        tenant_commission=tenant_commission,
        host_commission=host_commission,
        amount=quote.due,
        host_payout=base - host_commission,
    )


def _cancellation_text(contract: Contract, by: User, quote: CancellationQuote) -> str:
    text = _("%(name)s cancelled contract %(number)s. Reason: %(reason)s") % {
        "name": by.public_name,
        "number": contract.number,
        "reason": contract.cancellation_reason,
    }
    if quote.due:
        return " ".join((str(text), _("The tenant owes %(amount)s.") % {"amount": yen(quote.due)}))
    if quote.refund:
        amount = yen(quote.refund)
        refund = _("%(amount)s is refunded to the tenant.") % {"amount": amount}
        return " ".join((str(text), refund))
    return text


def contract_cancel(
    *,
    contract: Contract,
    by: User,
    reason: str,
    confirmed_due: int | None = None,
    confirmed_refund: int | None = None,
) -> Contract:
    """Either party ends a signed contract early, on the terms of its cancellation policy.

    `confirmed_due` / `confirmed_refund`: the amounts the user saw and confirmed;
    if the quote has changed since (a payment came in), nothing is cancelled.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why you cancel the contract."), code="reason")
    with transaction.atomic():
        # The contract's row only: its parties' rows stay free for the writers that refer to them.
        contract = (
            Contract.objects.select_for_update(of=("self",))
            .select_related("tenant", "host", "thread", "listing")
            .get(pk=contract.pk)
        )
        # Then its payments, in the order every writer of payments locks (contract first): a
        # card payment confirmed meanwhile either waits for the cancellation or is in the quote.
        list(contract.payments.select_for_update().order_by("pk").values_list("pk", flat=True))
        cancellation_check(contract=contract)
        quote = cancellation_quote(contract=contract, by=by)
        if confirmed_due is not None and (quote.due, quote.refund) != (
            confirmed_due,
            confirmed_refund,
        ):
            raise ValidationError(
                _("The amounts changed since you opened the page. Check them and confirm again."),
                code="quote_changed",
            )
        _cancel(contract=contract, by=by, reason=reason, quote=quote)
    return contract


def _cancel(*, contract: Contract, by: User, reason: str, quote: CancellationQuote) -> None:
    contract_transition(
        contract=contract,
        to=Contract.Status.CANCELLED,
        by=by,
        cancelled_by=by,
        cancellation_reason=reason,
        cancellation_charge=quote.charge,
        cancellation_refund=quote.refund,
        ended_at=timezone.now(),
    )
    payments_cancel_unpaid(contract=contract)
    payment = _cancellation_payment_add(contract, quote) if quote.due else None
    for extension in contract.extensions.filter(status=E.PENDING):
        _extension_transition(
            extension=extension, to=E.WITHDRAWN, by=None, reason=_("The contract was cancelled.")
        )
    contract_announce(
        contract=contract,
        kind=ContractEvent.Kind.CANCELLED,
        actor=by,
        notice=lambda: _cancellation_text(contract, by, quote),
        mail="cancellation_made",
        to=[contract.tenant, contract.host],
        context={"quote": quote, "payment": payment, "by": by},
        detail={
            "reason": reason,
            "charge": quote.charge,
            "paid": quote.paid,
            "due": quote.due,
            "refund": quote.refund,
        },
    )
