"""Signed nights leave the listing out of searches for them, and show on the listing page."""

import datetime

import pytest
from django.utils.formats import date_format

from contracts.booking.services import contract_transition
from contracts.changes import services as changes
from listings.models import ListingBooking
from tests.contracts.builders import listing_near_station, sent_contract, signed_contract
from tests.contracts.stays import first_of_month_after

pytestmark = pytest.mark.django_db


def search(client, move_in: datetime.date, months: int) -> str:
    return client.get(
        "/listings/", {"move_in": move_in.isoformat(), "months": months}
    ).content.decode()


def test_a_search_over_signed_nights_leaves_the_listing_out(client):
    contract = signed_contract(months=3)
    title = contract.listing.title = "Booked 1K in Shibuya"
    contract.listing.save()

    during = search(client, contract.start_date + datetime.timedelta(days=10), 1)
    after = search(client, contract.end_date, 1)

    assert title not in during
    assert title in after


def test_a_sent_contract_does_not_hide_the_listing_from_search(client):
    contract = sent_contract(listing=listing_near_station(title="Held 1K near Ebisu"))

    assert "Held 1K near Ebisu" in search(client, contract.start_date, 1)
    assert not ListingBooking.objects.exists()


def test_a_cancelled_contract_frees_its_nights(client):
    contract = signed_contract(listing=listing_near_station(title="Freed 1K in Meguro"))
    contract_transition(contract=contract, to="cancelled", by=contract.tenant)

    assert "Freed 1K in Meguro" in search(client, contract.start_date, 1)


def test_an_approved_extension_books_the_added_nights():
    contract = signed_contract(move_in=first_of_month_after(20), months=2)
    extension = changes.extension_request(contract=contract, by=contract.tenant, months=2)

    changes.extension_approve(extension=extension, by=contract.host)

    contract.refresh_from_db()
    booking = ListingBooking.objects.get()
    assert (booking.start_date, booking.end_date) == (contract.start_date, contract.end_date)


def test_the_listing_page_shows_the_booked_stays(client):
    contract = signed_contract()

    page = client.get(contract.listing.get_absolute_url()).content.decode()

    assert f"{date_format(contract.start_date)} – {date_format(contract.end_date)}" in page
