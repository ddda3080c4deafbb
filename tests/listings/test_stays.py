"""The stay rules of listings/stays.py, as the stay form, inquiries and requests meet them."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from listings import stays
from listings.models import Listing
from tests.listings.builders import days

HORIZON_DAYS = 2 * 366


def _listing(**fields) -> Listing:
    values = {
        "min_months": 2,
        "max_months": 6,
        "available_from": days(10),
        "available_until": None,
    }
    return Listing(**{**values, **fields})


def test_a_move_in_two_leap_years_ahead_is_within_the_horizon_and_a_day_later_is_not():
    assert stays.move_in_horizon_error(days(HORIZON_DAYS)) is None
    assert stays.move_in_horizon_error(days(HORIZON_DAYS + 1)) == (
        "Choose a move-in date within the next two years."
    )


def test_a_move_in_in_the_past_is_worded_as_the_caller_asks():
    assert stays.move_in_past_error(days(0)) is None
    assert stays.move_in_past_error(days(-1)) == "The move-in date is in the past."
    assert stays.move_in_past_error(days(-1), wording=stays.MOVE_IN_PASSED) == (
        "The move-in date has passed."
    )


@pytest.mark.parametrize(
    ("wording", "text"),
    [
        (stays.MONTHS_IN_REQUEST, "Stays at this apartment last 2 to 6 months."),
        (stays.MONTHS_IN_INQUIRY, "This listing takes stays of 2 to 6 months."),
        (stays.MONTHS_ON_LISTING_PAGE, "This apartment is let for 2 to 6 months."),
    ],
)
def test_the_months_rule_is_one_rule_in_each_of_its_wordings(wording, text):
    listing = _listing()

    assert stays.months_error(listing=listing, months=2, wording=wording) is None
    assert stays.months_error(listing=listing, months=6, wording=wording) is None
    assert stays.months_error(listing=listing, months=1, wording=wording) == text
    assert stays.months_error(listing=listing, months=7, wording=wording) == text


def test_the_apartments_dates_bound_the_stay():
    listing = _listing(available_until=days(100))

    assert stays.available_from_error(listing=listing, move_in=days(9)) == (
        f"The apartment is available from {date_format(days(10))}."
    )
    assert stays.available_from_error(listing=listing, move_in=days(10)) is None
    assert stays.available_until_error(listing=listing, last_night=days(100)) is None
    assert stays.available_until_error(listing=listing, last_night=days(101)) == (
        f"The apartment is available until {date_format(days(100))}."
    )
    assert stays.available_until_error(listing=_listing(), last_night=days(9999)) is None


def test_an_extension_counts_the_whole_stay_against_the_listings_maximum():
    listing = _listing()

    stays.extension_months_check(listing=listing, months_now=4, more=2)
    with pytest.raises(ValidationError) as refused:
        stays.extension_months_check(listing=listing, months_now=4, more=3)
    assert refused.value.code == "max_months"
    assert "so at most 2 more" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        stays.extension_months_check(listing=listing, months_now=1, more=0)
    with pytest.raises(ValidationError):
        stays.extension_months_check(
            listing=_listing(max_months=60), months_now=1, more=stays.EXTENSION_MAX_MONTHS + 1
        )
