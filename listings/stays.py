"""The rules of a stay, in one place: how far ahead it may start, how long it lasts, when.

The stay form on the listing page, the inquiry, the reservation request, the
contract and its extension all ask here. Each check returns what is wrong, worded
for the person who meets it, or None; the caller decides where the words go.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from listings.models import Listing
from listings.pricing import stay_end

# "Two years ahead": dates further out are typing mistakes, and past year 9999
# they cannot be priced. Two leap years' worth, so the same day two years on is in.
MOVE_IN_HORIZON = datetime.timedelta(days=2 * 366)
EXTENSION_MAX_MONTHS = 24

# One months rule (`months_error`), worded for the page where people meet it.
MONTHS_ON_LISTING_PAGE = gettext_lazy("This apartment is let for %(min)s to %(max)s months.")
MONTHS_IN_INQUIRY = gettext_lazy("This listing takes stays of %(min)s to %(max)s months.")
MONTHS_IN_REQUEST = gettext_lazy("Stays at this apartment last %(min)s to %(max)s months.")

MOVE_IN_PASSED = gettext_lazy("The move-in date has passed.")
MOVE_IN_IN_THE_PAST = gettext_lazy("The move-in date is in the past.")


def stay_from_query(query) -> dict:
    """The move-in date and months a link carries (`?move_in=2027-01-10&months=2`), as
    typed: the form that takes them as its first values checks them."""
    return {key: query[key] for key in ("move_in", "months") if query.get(key)}


@dataclass(frozen=True)
class TakenDates:
    """Why a stay cannot start on the date asked: the booked stay in the way, and the
    nearest move-in date from which the same months are free (None: none is)."""

    booked_from: datetime.date
    booked_until: datetime.date
    nearest_free: datetime.date | None

    def message(self) -> str:
        taken = _("These dates are taken: the apartment is booked from %(start)s to %(end)s.") % {
            "start": date_format(self.booked_from),
            "end": date_format(self.booked_until),
        }
        if self.nearest_free is None:
            return taken + " " + _("No later move-in date is free for this many months.")
        return (
            taken
            + " "
            + _("The nearest free move-in date is %(date)s.")
            % {"date": date_format(self.nearest_free)}
        )


def dates_taken(*, listing: Listing, move_in: datetime.date, months: int) -> TakenDates | None:
    """The booked stay a stay of `months` from `move_in` would overlap, with the nearest
    move-in date on or after `move_in` from which it fits; None if the dates are free.

    One query: the bookings still to come, read once; each candidate move-in date is
    `move_in` or the move-out day of a booking after it.
    """
    bookings = list(listing.bookings.filter(end_date__gt=move_in).order_by("start_date"))

    def clash(start: datetime.date):
        move_out = stay_end(start, months) + datetime.timedelta(days=1)
        return next((b for b in bookings if b.start_date < move_out and b.end_date > start), None)

    in_the_way = clash(move_in)
    if in_the_way is None:
        return None
    candidates = sorted({b.end_date for b in bookings if b.end_date > move_in})
    nearest = next(
        (
            start
            for start in candidates
            if clash(start) is None
            and available_until_error(listing=listing, last_night=stay_end(start, months)) is None
        ),
        None,
    )
    return TakenDates(in_the_way.start_date, in_the_way.end_date, nearest)


def move_in_past_error(move_in: datetime.date, *, wording=MOVE_IN_IN_THE_PAST) -> str | None:
    if move_in < timezone.localdate():
        return str(wording)
    return None


def move_in_horizon_error(move_in: datetime.date) -> str | None:
    if move_in > timezone.localdate() + MOVE_IN_HORIZON:
        return _("Choose a move-in date within the next two years.")
    return None


def available_from_error(*, listing: Listing, move_in: datetime.date) -> str | None:
    if move_in < listing.available_from:
        return _("The apartment is available from %(date)s.") % {
            "date": date_format(listing.available_from)
        }
    return None


def available_until_error(*, listing: Listing, last_night: datetime.date) -> str | None:
    """`last_night`: the stay's last night, the day before move-out."""
    if listing.available_until and last_night > listing.available_until:
        return _("The apartment is available until %(date)s.") % {
            "date": date_format(listing.available_until)
        }
    return None


def months_error(*, listing: Listing, months: int, wording=MONTHS_IN_REQUEST) -> str | None:
    if not listing.min_months <= months <= listing.max_months:
        return str(wording) % {"min": listing.min_months, "max": listing.max_months}
    return None


def extension_months_check(*, listing: Listing, months_now: int, more: int) -> None:
    """Refuse `more` months on a stay of `months_now`: the listing's maximum counts the whole."""
    if not 1 <= more <= EXTENSION_MAX_MONTHS:
        raise ValidationError(
            _("Ask for 1 to %(max)s more months.") % {"max": EXTENSION_MAX_MONTHS}
        )
    if months_now + more > listing.max_months:
        raise ValidationError(
            _(
                "Stays at this apartment last at most %(max)s months; "
                "this contract already runs %(months)s, so at most %(more)s more."
            )
            % {
                "max": listing.max_months,
                "months": months_now,
                "more": max(listing.max_months - months_now, 0),
            },
            code="max_months",
        )
