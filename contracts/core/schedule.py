"""The payment schedule of a contract, and the commission in every line of it.

First payment: the first calendar month of the stay (charged by the day when
the stay starts mid-month), the one-time fees and the deposit, due
`FIRST_PAYMENT_DAYS` after signing and never later than move-in. Then one
payment per calendar month, due on the month's first day.

Commission: the platform takes `tenant_percent` of a payment's base (rent, fees
and one-time fees; never the deposit) on top of what the tenant pays, and
`host_percent` of it from what the host receives. Each is rounded down to the yen.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.utils import timezone

from listings.pricing import StayCost

FIRST_PAYMENT_DAYS = 3


@dataclass(frozen=True)
class PlannedPayment:
    sequence: int
    kind: str  # a Payment.Kind value
    due_date: datetime.date
    period_start: datetime.date
    period_end: datetime.date  # the last night the payment covers
    rent: int
    fees: int
    one_time: int
    deposit: int
    base: int
    tenant_commission: int
    host_commission: int

    @property
    def amount(self) -> int:
        """What the tenant pays."""
        return self.base + self.deposit + self.tenant_commission

    @property
    def host_payout(self) -> int:
        """What the host receives."""
        return self.base + self.deposit - self.host_commission

    def as_dict(self) -> dict:
        return {
            "sequence": self.sequence,
            "kind": self.kind,
            "due_date": self.due_date.isoformat(),
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "rent": self.rent,
            "fees": self.fees,
            "one_time": self.one_time,
            "deposit": self.deposit,
            "base": self.base,
            "tenant_commission": self.tenant_commission,
            "host_commission": self.host_commission,
            "amount": self.amount,
            "host_payout": self.host_payout,
        }


def commission_of(base: int, percent: Decimal) -> int:
    return int((Decimal(base) * Decimal(percent) / 100).to_integral_value(rounding=ROUND_FLOOR))


def first_payment_due(*, signed_on: datetime.date, move_in: datetime.date) -> datetime.date:
    return max(signed_on, min(signed_on + datetime.timedelta(days=FIRST_PAYMENT_DAYS), move_in))


def _month_period(year: int, month: int, days: int, cost: StayCost):
    """The first and last night of a calendar month's share of the stay."""
    if (year, month) == (cost.move_in.year, cost.move_in.month):
        start = cost.move_in
    else:
        start = datetime.date(year, month, 1)
    return start, start + datetime.timedelta(days=days - 1)


def schedule_plan(
    *,
    cost: StayCost,
    tenant_percent: Decimal,
    host_percent: Decimal,
    signed_on: datetime.date | None = None,
) -> list[PlannedPayment]:
    """Every payment of a stay, in order. `signed_on` defaults to today."""
    signed_on = signed_on or timezone.localdate()
    plan = []
    for index, charge in enumerate(cost.monthly):
        first = index == 0
        one_time = cost.one_time_total if first else 0
        base = charge.rent + charge.fee + one_time
        start, end = _month_period(charge.year, charge.month, charge.days, cost)
        plan.append(
            PlannedPayment(
                sequence=index + 1,
                kind="first" if first else "monthly",
                due_date=(
                    first_payment_due(signed_on=signed_on, move_in=cost.move_in)
                    if first
                    else datetime.date(charge.year, charge.month, 1)
                ),
                period_start=start,
                period_end=end,
                rent=charge.rent,
                fees=charge.fee,
                one_time=one_time,
                deposit=cost.deposit if first else 0,
                base=base,
                tenant_commission=commission_of(base, tenant_percent),
                host_commission=commission_of(base, host_percent),
            )
        )
    return plan


def plan_totals(plan: list[PlannedPayment]) -> dict:
    return {
        "base": sum(p.base for p in plan),
        "deposit": sum(p.deposit for p in plan),
        "tenant_commission": sum(p.tenant_commission for p in plan),
        "host_commission": sum(p.host_commission for p in plan),
        "amount": sum(p.amount for p in plan),
        "host_payout": sum(p.host_payout for p in plan),
    }
