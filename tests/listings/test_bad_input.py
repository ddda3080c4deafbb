"""Odd input gets a clear message and a 4xx (or the page with a message), never a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from listings.models import ListingPhoto
from listings.photos import demo_photo
from listings.services import listing_create
from tests.accounts.factories import UserFactory
from tests.listings.builders import days, listing_fields, published_listing, result_titles, station

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing():
    return published_listing(
        available_from=days(0), available_until=days(200), stations=[(station(), 300)]
    )


@pytest.mark.parametrize(
    "params",
    [
        {"move_in": "9999-12-20", "months": "1"},
        {"move_in": "2400-01-01", "months": "60"},
        {"months": "99999999999999999999999"},
        {"q": "shibuya\x00"},
        {"station": "渋谷\x00", "walk": "5"},
    ],
)
def test_search_with_extreme_values_shows_a_message(client, listing, params):
    response = client.get(reverse("listings:search"), params)

    assert response.status_code == 200
    assert "Some filters could not be used" in response.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"move_in": "9999-12-20", "months": "1"}, "within the next two years"),
        ({"move_in": days(1).isoformat(), "months": "100000"}, "less than or equal to 60"),
        ({"move_in": days(1).isoformat(), "months": "99999999999999999999"}, "less than or equal"),
        ({"move_in": days(-30).isoformat(), "months": "1"}, "The move-in date has passed."),
        ({"move_in": days(150).isoformat(), "months": "3"}, "available until"),
    ],
)
def test_listing_page_explains_a_stay_it_cannot_price(client, listing, params, message):
    response = client.get(listing.get_absolute_url(), params)

    assert response.status_code == 200
    assert message in response.text


def test_station_completion_refuses_a_null_character(client):
    response = client.get("/api/stations/", {"q": "shi\x00"})

    assert response.status_code == 400
    assert "error" in response.json()


@pytest.mark.parametrize("state", [ListingPhoto.State.PROCESSING, ListingPhoto.State.FAILED])
def test_host_pages_work_while_a_photo_is_not_processed(client, listing, state):
    photo = ListingPhoto(listing=listing, state=state, is_cover=True, width=1200, height=900)
    photo.image.save("room.jpg", demo_photo(seed=1, label="Room"), save=False)
    photo.save()
    client.force_login(listing.host)

    assert client.get(reverse("listings:host_photos", args=[listing.pk])).status_code == 200
    assert client.get(reverse("listings:host_list")).status_code == 200


def test_a_cover_not_yet_processed_is_not_shown_on_result_cards(client, listing):
    photo = ListingPhoto(listing=listing, state=ListingPhoto.State.PROCESSING, is_cover=True)
    photo.image.save("room.jpg", demo_photo(seed=2, label="Room"), save=False)
    photo.save()

    page = client.get(reverse("listings:search")).text

    assert photo.image.url not in page


def test_result_card_shows_the_walk_from_the_searched_station(client):
    shibuya = station("渋谷", "しぶや", "Shibuya")
    ebisu = station("恵比寿", "えびす", "Ebisu")
    published_listing(title="between", stations=[(shibuya, 790), (ebisu, 100)])

    page = client.get(reverse("listings:search"), {"station": "shibuya", "walk": 10}).text

    assert "10 min walk" in page
    assert "2 min walk" not in page


def test_short_romaji_area_names_match(client, listing):
    assert result_titles(client.get(reverse("listings:search"), {"prefecture": "Tokyo"}))
    assert result_titles(client.get(reverse("listings:search"), {"city": "shibuya"}))


def test_a_rent_beyond_ten_million_yen_is_refused_before_it_reaches_a_contract():
    with pytest.raises(ValidationError) as refused:
        listing_create(
            host=UserFactory(is_host=True),
            fields=listing_fields(rent=40_000_000),
            stations=[],
            items={},
        )

    assert "rent" in refused.value.message_dict
