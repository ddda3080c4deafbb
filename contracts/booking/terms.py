"""The contract's terms: a snapshot of the listing, the parties and the money, and its text.

The snapshot holds facts, not sentences (amounts, dates, codes, names, the parts of
the address, the numbers of the cancellation rules), so that one contract can be
written in each language. The text is written from the snapshot alone, in a fixed
order, in one language: the tenant's (`Contract.language`). That text is what the
tenant signs and what the signature's SHA-256 covers, and it says that it governs;
written in another language, for a host who reads that one, it says that it is a
translation. The first payment's due date is written as a rule ("3 days after
signing") because the signing day is not known when the contract is sent. The host's
commission is between the host and the platform: it is not in the text the tenant signs.

Snapshots taken before contracts were written in two languages hold English sentences
for the house rules and the cancellation policy, a one-line Japanese address and the
parties' names as one string: they are shown as they are.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils.formats import date_format
from django.utils.translation import get_language_info, ngettext, override
from django.utils.translation import gettext as _

from accounts.models import person_name
from contracts.core.money import ContractMoney
from contracts.core.schedule import FIRST_PAYMENT_DAYS, PlannedPayment, plan_totals
from kaguaruoo.money import yen
from listings.addresses import Address, address_format
from listings.models import Listing
from listings.pricing import StayCost

Policy = Listing.CancellationPolicy
# Days before move-in up to which a tenant cancels for free; strict has no such day.
FREE_DAYS_BEFORE_MOVE_IN = {Policy.FLEXIBLE: 14, Policy.MODERATE: 30}
# After move-in, a tenant who cancels pays up to this many days after cancelling.
NOTICE_DAYS = 30
# What a cancellation leaves owing is due this many days later.
CANCELLATION_PAYMENT_DAYS = 7


# --- The snapshot -----------------------------------------------------------------------------


def _party(user) -> dict:
    return {
        "id": user.pk,
        "account_type": user.account_type,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "corporation_name": user.corporation_name,
        "email": user.email,
        "phone": user.phone,
    }


def _house(listing: Listing) -> dict:
    return {
        "pets_allowed": listing.pets_allowed,
        "smoking_allowed": listing.smoking_allowed,
        "instruments_allowed": listing.instruments_allowed,
        "max_occupants": listing.max_occupants,
    }


def _cancellation(code: str) -> dict:
    """The cancellation terms' numbers, as contracts/changes computes with them."""
    return {
        "code": code,
        "free_days": FREE_DAYS_BEFORE_MOVE_IN.get(Policy(code)),
        "notice_days": NOTICE_DAYS,
        "payment_days": CANCELLATION_PAYMENT_DAYS,
    }


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
    totals = plan_totals(plan)
    return {
        "listing": {
            "id": listing.pk,
            "title": listing.title,
            "address": Address.of(listing, exact=True).as_dict(),
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
        "house": _house(listing),
        "cancellation_policy": _cancellation(listing.cancellation_policy),
        "schedule": [payment.as_dict() for payment in plan],
    }


# --- The snapshot in words, in the active language ---------------------------------------------


def party_name(party: dict) -> str:
    """A party's legal name in the order of the active language."""
    if "legal_name" in party:
        return party["legal_name"]
    if party["account_type"] == "corporate":
        return party["corporation_name"]
    return person_name(first=party["first_name"], last=party["last_name"])


def address_written(listing: dict) -> str:
    address = listing["address"]
    return address_format(Address.of(address)) if isinstance(address, dict) else address


def house_rules(terms: dict) -> list[str]:
    if "house" not in terms:
        return terms["house_rules"]
    house = terms["house"]
    return [
        _("Pets allowed") if house["pets_allowed"] else _("No pets"),
        _("Smoking allowed") if house["smoking_allowed"] else _("No smoking"),
        _("Musical instruments allowed")
        if house["instruments_allowed"]
        else _("No musical instruments"),
        _("At most %(count)s occupants") % {"count": house["max_occupants"]},
    ]


def cancellation_policy_name(terms: dict) -> str:
    policy = terms["cancellation_policy"]
    return policy["text"] if "text" in policy else str(Policy(policy["code"]).label)


def cancellation_rules(terms: dict) -> list[str]:
    """The cancellation terms in full, as contracts/changes computes them."""
    policy = terms["cancellation_policy"]
    if "rules" in policy:
        return policy["rules"]
    free_days = policy["free_days"]
    before = (
        [
            _("Cancelled %(days)s days or more before move-in: nothing is due.")
            % {"days": free_days},
            _("Cancelled later, before move-in: one month's rent and monthly fee is due."),
        ]
        if free_days
        else [_("Cancelled before move-in: one month's rent and monthly fee is due.")]
    )
    return [
        *before,
        _(
            "Cancelled from the move-in day on: the nights from move-in until %(days)s days "
            "after the cancellation day (never past move-out) are due, charged by the day, at "
            "least one month's rent and monthly fee, plus the one-time fees."
        )
        % {"days": policy["notice_days"]},
        _("Before move-in the one-time fees are refunded. The deposit is always refunded."),
        _(
            "What is due never exceeds the stay total; the platform commission on the tenant "
            "applies to it. What was paid is set against it: the rest is due within %(days)s "
            "days, or refunded."
        )
        % {"days": policy["payment_days"]},
        _("If the host cancels, the tenant owes nothing and everything paid is refunded."),
    ]


def _day(iso: str) -> datetime.date:
    return datetime.date.fromisoformat(iso)


def terms_shown(terms: dict) -> SimpleNamespace:
    """What the contract page shows of the snapshot, in the active language."""
    return SimpleNamespace(
        address=address_written(terms["listing"]),
        host_name=party_name(terms["host"]),
        tenant_name=party_name(terms["tenant"]),
        move_in=_day(terms["stay"]["move_in"]),
        move_out=_day(terms["stay"]["move_out"]),
        house_rules=house_rules(terms),
        cancellation_policy=cancellation_policy_name(terms),
        cancellation_rules=cancellation_rules(terms),
    )


def _language_name(code: str) -> str:
    return str(get_language_info(code)["name_translated"])


def governing_clause(*, language: str, governing: str) -> str:
    """Which text governs, said in the text of `language` (the active one)."""
    if language == governing:
        return _(
            "This contract is written in %(language)s, the language the tenant signs it in. "
            "The %(language)s text governs."
        ) % {"language": _language_name(language)}
    return _(
        "This %(language)s text is a translation for reference. The tenant signs the "
        "%(governing)s text, which governs."
    ) % {"language": _language_name(language), "governing": _language_name(governing)}


# --- The text -------------------------------------------------------------------------------


def terms_text_render(terms: dict, *, language: str, governing: str | None = None) -> str:
    """The contract as plain text in `language`, from the snapshot only.

    `governing`: the language of the text the tenant signs (`language` if None); a text
    in another language says that it is a translation.
    """
    with override(language):
        lines = [
            _("KaguAruoo monthly apartment contract"),
            governing_clause(language=language, governing=governing or language),
            "",
            *_listing_lines(terms),
            "",
            *_party_lines(terms),
            "",
            *_stay_lines(terms),
            "",
            *_money_lines(terms),
            "",
            _("House rules:"),
            *(f"- {rule}" for rule in house_rules(terms)),
            "",
            _("Cancellation policy: %(policy)s") % {"policy": cancellation_policy_name(terms)},
            *(f"- {rule}" for rule in cancellation_rules(terms)),
            "",
            _("Payment schedule:"),
            *_schedule_lines(terms),
        ]
    return "\n".join(lines) + "\n"


def _listing_lines(terms: dict) -> list[str]:
    listing = terms["listing"]
    return [
        _("Apartment: %(title)s") % {"title": listing["title"]},
        _("Address: %(address)s") % {"address": address_written(listing)},
        _("Layout: %(layout)s, %(area)s m²")
        % {"layout": listing["layout"], "area": listing["floor_area_m2"]},
    ]


def _party_lines(terms: dict) -> list[str]:
    return [
        _("Host: %(name)s <%(email)s> %(phone)s")
        % {"name": party_name(terms["host"]), **_contact(terms["host"])},
        _("Tenant: %(name)s <%(email)s> %(phone)s")
        % {"name": party_name(terms["tenant"]), **_contact(terms["tenant"])},
    ]


def _contact(party: dict) -> dict:
    return {"email": party["email"], "phone": party["phone"]}


def _stay_lines(terms: dict) -> list[str]:
    stay = terms["stay"]
    return [
        _("Move-in: %(date)s") % {"date": date_format(_day(stay["move_in"]))},
        _("Move-out: %(date)s (the stay's last night is the day before)")
        % {"date": date_format(_day(stay["move_out"]))},
        ngettext("Length: %(months)s month", "Length: %(months)s months", stay["months"])
        % {"months": stay["months"]},
        _("Occupants: %(people)s") % {"people": stay["people"]},
    ]


def _money_lines(terms: dict) -> list[str]:
    money = ContractMoney.from_terms(terms)
    return [
        _("Monthly rent: %(amount)s") % {"amount": yen(money.rent)},
        _("Monthly utilities and management fee: %(amount)s") % {"amount": yen(money.monthly_fee)},
        _("Cleaning fee (once): %(amount)s") % {"amount": yen(money.cleaning_fee)},
        _("Linen fee (once): %(amount)s") % {"amount": yen(money.linen_fee)},
        _("Key money (once): %(amount)s") % {"amount": yen(money.key_money)},
        _("Deposit (refundable): %(amount)s") % {"amount": yen(money.deposit)},
        _("Calendar months stayed in only partly are charged by the day."),
        _("Stay total: %(amount)s") % {"amount": yen(money.stay_total)},
        _("Platform commission on the tenant: %(percent)s%% (%(amount)s)")
        % {
            "percent": money.tenant_commission_percent,
            "amount": yen(money.total_tenant_commission),
        },
        _("The tenant pays in all: %(amount)s, deposit included")
        % {"amount": yen(money.total_amount)},
    ]


def _schedule_lines(terms: dict) -> list[str]:
    lines = []
    for payment in terms["schedule"]:
        due = (
            _("%(days)s days after signing, no later than move-in") % {"days": FIRST_PAYMENT_DAYS}
            if payment["kind"] == "first"
            else date_format(_day(payment["due_date"]))
        )
        lines.append(
            _("%(sequence)s. %(start)s to %(end)s: %(amount)s due %(due)s")
            % {
                "sequence": payment["sequence"],
                "start": date_format(_day(payment["period_start"])),
                "end": date_format(_day(payment["period_end"])),
                "amount": yen(payment["amount"]),
                "due": due,
            }
        )
    return lines
