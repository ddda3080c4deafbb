"""The contract's terms: a snapshot of the listing, the parties and the money, and its text.

The text is what the tenant agrees to and what the signature's SHA-256 covers,
so it is built from the snapshot alone, in a fixed order, and never re-rendered
from live data. The first payment's due date is written as a rule ("3 days
after signing") because the signing day is not known when the contract is sent.
The host's commission is between the host and the platform: it is not in the
text the tenant signs.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.core.money import ContractMoney
from contracts.core.schedule import FIRST_PAYMENT_DAYS, PlannedPayment, plan_totals
from kaguaruoo.money import yen
from listings.models import Listing
from listings.pricing import StayCost


def _house_rules(listing: Listing) -> list[str]:
    with override("en"):
        return [
            _("Pets allowed") if listing.pets_allowed else _("No pets"),
            _("Smoking allowed") if listing.smoking_allowed else _("No smoking"),
            _("Musical instruments allowed")
            if listing.instruments_allowed
            else _("No musical instruments"),
            _("At most %(count)s occupants") % {"count": listing.max_occupants},
        ]


def _party(user) -> dict:
    return {
        "id": user.pk,
        "legal_name": user.full_name,
        "account_type": user.account_type,
        "email": user.email,
        "phone": user.phone,
    }


Policy = Listing.CancellationPolicy
# Days before move-in up to which a tenant cancels for free; strict has no such day.
FREE_DAYS_BEFORE_MOVE_IN = {Policy.FLEXIBLE: 14, Policy.MODERATE: 30}
# After move-in, a tenant who cancels pays up to this many days after cancelling.
NOTICE_DAYS = 30
# What a cancellation leaves owing is due this many days later.
CANCELLATION_PAYMENT_DAYS = 7


def _cancellation_text(code: str) -> str:
    with override("en"):
        return str(Policy(code).label)


def cancellation_rules(code: str) -> list[str]:
    """The cancellation terms in full, as contracts/changes.py computes them."""
    free_days = FREE_DAYS_BEFORE_MOVE_IN.get(Policy(code))
    before = (
        [
            f"Cancelled {free_days} days or more before move-in: nothing is due.",
            "Cancelled later, before move-in: one month's rent and monthly fee is due.",
        ]
        if free_days
        else ["Cancelled before move-in: one month's rent and monthly fee is due."]
    )
    return [
        *before,
        "Cancelled from the move-in day on: the nights from move-in until "
        f"{NOTICE_DAYS} days after the cancellation day (never past move-out) are due, "
        "charged by the day, at least one month's rent and monthly fee, plus the "
        "one-time fees.",
        "Before move-in the one-time fees are refunded. The deposit is always refunded.",
        "What is due never exceeds the stay total; the platform commission on the tenant "
        f"applies to it. What was paid is set against it: the rest is due within "
        f"{CANCELLATION_PAYMENT_DAYS} days, or refunded.",
        "If the host cancels, the tenant owes nothing and everything paid is refunded.",
    ]


def terms_snapshot(
    *,
    listing: Listing,
    tenant,
    host,
    stay,
    cost: StayCost,
    plan: list[PlannedPayment],
    tenant_percent: Decimal,
    host_percent: Decimal,
) -> dict:
    address = " ".join(
        part
        for part in (
            f"〒{listing.postal_code[:3]}-{listing.postal_code[3:]}",
            f"{listing.prefecture}{listing.city}{listing.town}{listing.street}",
            listing.building,
            listing.room,
        )
        if part
    )
    totals = plan_totals(plan)
    return {
        "listing": {
            "id": listing.pk,
            "title": listing.title,
            "address": address,
            "layout": listing.layout,
            "floor_area_m2": str(listing.floor_area_m2),
        },
        "host": _party(host),
        "tenant": _party(tenant),
        "stay": {
            "move_in": stay.move_in.isoformat(),
            "move_out": stay.move_out.isoformat(),
            "months": stay.months,
            "people": stay.people,
        },
        "money": {
            "rent": listing.rent,
            "monthly_fee": 0 if listing.utilities_included else listing.utilities_fee,
            "utilities_included": listing.utilities_included,
            "cleaning_fee": listing.cleaning_fee,
            "linen_fee": listing.linen_fee,
            "key_money": listing.key_money,
            "deposit": listing.deposit,
            "stay_total": cost.total,
            "tenant_commission_percent": str(tenant_percent),
            "host_commission_percent": str(host_percent),
            **{f"total_{key}": value for key, value in totals.items()},
        },
        "house_rules": _house_rules(listing),
        "cancellation_policy": {
            "code": listing.cancellation_policy,
            "text": _cancellation_text(listing.cancellation_policy),
            "rules": cancellation_rules(listing.cancellation_policy),
        },
        "schedule": [payment.as_dict() for payment in plan],
    }


def terms_text_render(terms: dict) -> str:
    """The contract as plain text, in English, from the snapshot only."""
    money, stay = ContractMoney.from_terms(terms), terms["stay"]
    lines = [
        "KaguAruoo monthly apartment contract",
        "",
        f"Apartment: {terms['listing']['title']}",
        f"Address: {terms['listing']['address']}",
        f"Layout: {terms['listing']['layout']}, {terms['listing']['floor_area_m2']} m²",
        "",
        f"Host: {terms['host']['legal_name']} <{terms['host']['email']}> {terms['host']['phone']}",
        f"Tenant: {terms['tenant']['legal_name']} <{terms['tenant']['email']}> "
        f"{terms['tenant']['phone']}",
        "",
        f"Move-in: {stay['move_in']}",
        f"Move-out: {stay['move_out']} (the stay's last night is the day before)",
        f"Length: {stay['months']} months",
        f"Occupants: {stay['people']}",
        "",
        f"Monthly rent: {yen(money.rent)}",
        f"Monthly utilities and management fee: {yen(money.monthly_fee)}",
        f"Cleaning fee (once): {yen(money.cleaning_fee)}",
        f"Linen fee (once): {yen(money.linen_fee)}",
        f"Key money (once): {yen(money.key_money)}",
        f"Deposit (refundable): {yen(money.deposit)}",
        "Calendar months stayed in only partly are charged by the day.",
        f"Stay total: {yen(money.stay_total)}",
        f"Platform commission on the tenant: {money.tenant_commission_percent}% "
        f"({yen(money.total_tenant_commission)})",
        f"The tenant pays in all: {yen(money.total_amount)}, deposit included",
        "",
        "House rules:",
        *(f"- {rule}" for rule in terms["house_rules"]),
        "",
        f"Cancellation policy: {terms['cancellation_policy']['text']}",
        *(f"- {rule}" for rule in terms["cancellation_policy"]["rules"]),
        "",
        "Payment schedule:",
    ]
    for payment in terms["schedule"]:
        due = (
            f"{FIRST_PAYMENT_DAYS} days after signing, no later than move-in"
            if payment["kind"] == "first"
            else payment["due_date"]
        )
        lines.append(
            f"{payment['sequence']}. {payment['period_start']} to {payment['period_end']}: "
            f"{yen(payment['amount'])} due {due}"
        )
    return "\n".join(lines) + "\n"
