"""What contracts shows in the pages of listings and accounts, through their slots."""

import html

import pytest

from tests.accounts.factories import UserFactory
from tests.contracts.builders import listing_near_station

pytestmark = pytest.mark.django_db


def test_the_apply_button_carries_the_stay_the_visitor_priced(client):
    listing = listing_near_station()
    client.force_login(UserFactory())

    page = client.get(listing.get_absolute_url(), {"move_in": "2027-03-01", "months": 2}).text

    assert f'href="/contracts/apply/{listing.pk}/?move_in=2027-03-01&amp;months=2"' in page


def test_the_host_sees_no_apply_button_on_their_own_listing(client):
    listing = listing_near_station()
    client.force_login(listing.host)

    page = client.get(listing.get_absolute_url()).text

    assert f"/contracts/apply/{listing.pk}/" not in page


def test_the_hosts_listing_list_links_each_listings_house_guide(client):
    listing = listing_near_station()
    client.force_login(listing.host)

    page = html.unescape(client.get("/host/listings/").text)

    assert f'href="/contracts/house-guides/{listing.pk}/">House Guide</a>' in page


def test_a_profile_without_reviews_says_so(client):
    page = client.get(f"/users/{UserFactory().pk}/").text

    assert "No reviews yet." in page
