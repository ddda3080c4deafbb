import datetime

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from listings.services import listing_dates_book
from tests.accounts.factories import UserFactory
from tests.listings.builders import days, published_listing, station

pytestmark = pytest.mark.django_db

EXACT_ADDRESS = ("2-21-1", "Kagu Tower", "1203")


@pytest.fixture
def listing():
    shibuya = station("渋谷", "しぶや", "Shibuya")
    return published_listing(
        title="Bright 1LDK near Shibuya Crossing",
        rent=150_000,
        utilities_fee=10_000,
        cleaning_fee=30_000,
        available_from=days(0),
        stations=[(shibuya, 800)],
        items={"bed": "host", "wifi": "third_party"},
    )


def test_listing_page_shows_area_stations_furniture_and_host_public_name(client, listing):
    page = client.get(listing.get_absolute_url()).text

    assert "東京都渋谷区渋谷" in page
    assert "Shibuya-ku" in page
    assert "10 min walk" in page
    assert "Bed" in page
    assert "Must be provided by a third party." in page
    assert listing.host.public_name in page
    assert listing.host.first_name not in page


def test_listing_page_never_shows_the_exact_address(client, listing):
    for viewer in (None, UserFactory()):
        if viewer:
            client.force_login(viewer)
        page = client.get(listing.get_absolute_url()).text
        for secret in EXACT_ADDRESS:
            assert secret not in page, secret


def test_search_results_never_show_the_exact_address(client, listing):
    page = client.get(reverse("listings:search"), {"q": "shibuya"}).text

    assert listing.title in page
    for secret in EXACT_ADDRESS:
        assert secret not in page, secret


def test_listing_page_totals_a_chosen_stay_and_says_how_partial_months_count(client, listing):
    move_in = days(40).replace(day=1)

    page = client.get(
        listing.get_absolute_url(), {"move_in": move_in.isoformat(), "months": 3}
    ).text

    # 3 × (150,000 + 10,000) + 30,000 cleaning.
    assert "¥510,000" in page
    assert "charged by the day" in page


def test_listing_page_explains_a_stay_it_cannot_price(client, listing):
    response = client.get(listing.get_absolute_url(), {"move_in": "yesterday", "months": 13})

    assert response.status_code == 200
    assert "Enter a valid date." in response.text
    assert "This apartment is let for 1 to 12 months." in response.text


def test_listing_url_with_a_wrong_slug_redirects_to_the_canonical_one(client, listing):
    response = client.get(f"/listings/{listing.pk}/whatever/")

    assert response.status_code == 301
    assert response["Location"] == f"/listings/{listing.pk}/bright-1ldk-near-shibuya-crossing/"


def test_draft_listing_is_a_404_for_everyone_but_its_host(client):
    shibuya = station()
    draft = published_listing(stations=[(shibuya, 300)], publish=False)

    assert client.get(f"/listings/{draft.pk}/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/listings/{draft.pk}/").status_code == 404
    client.force_login(draft.host)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_listing_page_runs_a_bounded_number_of_queries(
    client, listing, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        client.get(listing.get_absolute_url())


def test_booked_dates_are_neither_priced_nor_offered_and_the_nearest_free_date_is_named(
    client, listing
):
    move_in = days(40).replace(day=1)
    booked_until = move_in + datetime.timedelta(days=45)
    listing_dates_book(
        listing_id=listing.pk, start=move_in, end=booked_until, reference="contract:test"
    )

    page = client.get(
        listing.get_absolute_url(), {"move_in": move_in.isoformat(), "months": 2}
    ).text

    assert "These dates are taken" in page
    assert f"The nearest free move-in date is {date_format(booked_until)}." in page
    assert "stay-total" not in page
    assert reverse("contracts:reservation_create", args=[listing.pk]) not in page
    assert f"?move_in={booked_until.isoformat()}&amp;months=2" in page


def test_request_materials_carries_the_stay_chosen_on_the_listing_page(client, listing):
    move_in = days(40).replace(day=1)
    client.force_login(UserFactory())

    page = client.get(
        listing.get_absolute_url(), {"move_in": move_in.isoformat(), "months": 2}
    ).text
    inquiry = client.get(
        reverse("messaging:inquiry_create", args=[listing.pk]),
        {"move_in": move_in.isoformat(), "months": 2},
    ).text

    assert f"/messages/inquire/{listing.pk}/?move_in={move_in.isoformat()}&amp;months=2" in page
    assert f'value="{move_in.isoformat()}"' in inquiry
    assert 'value="2"' in inquiry


def test_a_listing_page_read_again_comes_from_the_cache_with_fewer_queries(client, listing):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(listing.get_absolute_url())
    with CaptureQueriesContext(connection) as again:
        page = client.get(listing.get_absolute_url()).content.decode()

    assert "Bright 1LDK near Shibuya Crossing" in page
    assert "渋谷" in page
    read_again = " ".join(q["sql"] for q in again.captured_queries)
    assert "listings_listingstation" not in read_again
    assert "listings_listingitem" not in read_again
    assert len(again.captured_queries) < len(first.captured_queries)


def test_a_changed_listing_page_shows_the_change_and_still_its_current_bookings(client, listing):
    client.get(listing.get_absolute_url())
    listing.title = "Quiet 1LDK near Shibuya"
    listing.save()
    start = days(60)
    listing_dates_book(
        listing_id=listing.pk, start=start, end=start + datetime.timedelta(days=31),
        reference="contract:cached",
    )  # fmt: skip

    page = client.get(listing.get_absolute_url()).content.decode()

    assert "Quiet 1LDK near Shibuya" in page
    assert "Bright 1LDK" not in page
    assert date_format(start, "DATE_FORMAT") in page


def test_the_owner_of_a_paused_listing_sees_the_notice_on_the_kept_page(client, listing):
    from listings.services import listing_pause

    client.get(listing.get_absolute_url())
    listing_pause(listing=listing, by=listing.host)
    client.force_login(listing.host)

    page = client.get(listing.get_absolute_url()).content.decode()

    assert "only you can see this page" in page


def test_a_visitors_own_stay_is_priced_for_them_beside_the_kept_default(client, listing):
    default = client.get(listing.get_absolute_url()).text
    move_in = days(40).replace(day=1)

    chosen = client.get(
        listing.get_absolute_url(), {"move_in": move_in.isoformat(), "months": 3}
    ).text
    again = client.get(listing.get_absolute_url()).text

    def aside(page: str) -> str:
        return page[page.index('<aside class="listing-side">') : page.index("</aside>")]

    assert f'value="{move_in.isoformat()}"' in aside(chosen)
    assert f'value="{move_in.isoformat()}"' not in aside(default)
    assert aside(again) == aside(default)


def test_a_host_who_changes_their_name_is_shown_by_it_on_the_kept_page(client, listing):
    from accounts.models import Visibility

    host = listing.host
    host.last_name, host.last_name_visibility = "Before", Visibility.ALL_USERS
    host.save()
    assert ">Before</a>" in client.get(listing.get_absolute_url()).text
    host.last_name = "Afterwards"
    host.save()

    page = client.get(listing.get_absolute_url()).text

    assert ">Afterwards</a>" in page
    assert ">Before</a>" not in page
