"""What a stay costs: the breakdown shown on listings and search results.

A stay runs from the move-in date for a number of months and ends the day
before the same day of the month comes round (15 January for 2 months ends on
14 March). Rent and the monthly fee are charged per calendar month; a calendar
month the stay covers only partly is charged by the day: the monthly amount ×
days stayed ÷ days in that month, rounded down to the yen.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

PARTIAL_MONTH_RULE = _(
    "A calendar month you stay in only partly is charged by the day: "
    "the monthly amount × days stayed ÷ days in that month."
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, moved back to the month's last day where it has none."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def stay_end(move_in: datetime.date, months: int) -> datetime.date:
    """The last night of a stay (inclusive)."""
    return add_months(move_in, months) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class MonthCharge:
    year: int
    month: int
    days: int
    days_in_month: int
    rent: int
    fee: int

    @property
    def is_partial(self) -> bool:
        return self.days < self.days_in_month

    @property
    def first_day(self) -> datetime.date:
        """The month as a date, for `|date:"YEAR_MONTH_FORMAT"` (2027年1月 / January 2027)."""
        return datetime.date(self.year, self.month, 1)


@dataclass(frozen=True)
class StayCost:
    move_in: datetime.date
    move_out: datetime.date
    months: int
    monthly: list[MonthCharge] = field(default_factory=list)
    cleaning_fee: int = 0
    linen_fee: int = 0
    key_money: int = 0
    deposit: int = 0

    @property
    def rent_total(self) -> int:
        return sum(m.rent for m in self.monthly)

    @property
    def fee_total(self) -> int:
        return sum(m.fee for m in self.monthly)

    @property
    def one_time_total(self) -> int:
        return self.cleaning_fee + self.linen_fee + self.key_money

    @property
    def total(self) -> int:
        """Everything paid for the stay; the refundable deposit is shown apart."""
        return self.rent_total + self.fee_total + self.one_time_total

    @property
    def has_partial_month(self) -> bool:
        return any(m.is_partial for m in self.monthly)


def _calendar_months(first: datetime.date, last: datetime.date):
    """(year, month, days stayed, days in month) for each calendar month from first to last."""
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        days_in_month = calendar.monthrange(year, month)[1]
        start = first.day if (year, month) == (first.year, first.month) else 1
        end = last.day if (year, month) == (last.year, last.month) else days_in_month
        yield year, month, end - start + 1, days_in_month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def stay_cost(
    *,
    rent: int,
    monthly_fee: int,
    move_in: datetime.date,
    months: int,
    cleaning_fee: int = 0,
    linen_fee: int = 0,
    key_money: int = 0,
    deposit: int = 0,
) -> StayCost:
    if months < 1:
        raise ValueError("A stay lasts at least one month.")
    last_night = stay_end(move_in, months)
    charges = [
        MonthCharge(
            year=year,
            month=month,
            days=days,
            days_in_month=days_in_month,
            rent=rent * days // days_in_month,
            fee=monthly_fee * days // days_in_month,
        )
        for year, month, days, days_in_month in _calendar_months(move_in, last_night)
    ]
    return StayCost(
        move_in=move_in,
        move_out=last_night + datetime.timedelta(days=1),
        months=months,
        monthly=charges,
        cleaning_fee=cleaning_fee,
        linen_fee=linen_fee,
        key_money=key_money,
        deposit=deposit,
    )


def listing_stay_cost(*, listing, move_in: datetime.date, months: int) -> StayCost:
    return stay_cost(
        rent=listing.rent,
        monthly_fee=0 if listing.utilities_included else listing.utilities_fee,
        move_in=move_in,
        months=months,
        cleaning_fee=listing.cleaning_fee,
        linen_fee=listing.linen_fee,
        key_money=listing.key_money,
        deposit=listing.deposit,
    )
