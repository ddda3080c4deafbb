"""A reservation request meets the stay rules of listings/stays.py, the stay form's own."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from contracts.booking.services import Stay, stay_check
from tests.contracts.builders import listing_near_station
from tests.listings.builders import days

pytestmark = pytest.mark.django_db


def test_a_request_may_move_in_two_leap_years_ahead_as_the_stay_form_allows():
    listing = listing_near_station()

    stay_check(listing=listing, stay=Stay(move_in=days(2 * 366), months=1, people=1))
    with pytest.raises(ValidationError) as refused:
        stay_check(listing=listing, stay=Stay(move_in=days(2 * 366 + 1), months=1, people=1))

    assert refused.value.messages == ["Choose a move-in date within the next two years."]


def test_a_request_past_the_apartments_last_day_is_refused_after_the_months_rule():
    listing = listing_near_station(available_until=days(60))

    with pytest.raises(ValidationError) as refused:
        stay_check(listing=listing, stay=Stay(move_in=days(1), months=3, people=1))

    assert refused.value.messages == [f"The apartment is available until {date_format(days(60))}."]
