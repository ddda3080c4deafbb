"""Result cards come from the shared cache, rendered once per listing version and language."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from listings import photos
from listings.search_cache import search_cache_invalidate
from tests.listings.builders import days, published_listing, result_titles, station
from tests.listings.factories import ListingPhotoFactory

pytestmark = pytest.mark.django_db


def cold_search(client, **params):
    """A search nobody ran: the cached result pages are retired first, the cards are not."""
    search_cache_invalidate()
    response = client.get(reverse("listings:search"), params)
    assert response.status_code == 200
    return response


def listing_reads(queries) -> list[str]:
    """Queries that build cards: the listing rows by id, their stations and photos."""
    return [
        q["sql"]
        for q in queries
        if "listings_listingphoto" in q["sql"] or "listings_line" in q["sql"]
    ]


def test_a_new_search_reads_cards_it_showed_before_from_the_cache(client, shibuya):
    for n in range(3):
        published_listing(title=f"flat {n}", rent=90_000 + n, stations=[(shibuya, 400 + n)])
    first = cold_search(client, q="shibuya")

    with CaptureQueriesContext(connection) as queries:
        second = cold_search(client, q="shibuya", sort="rent")

    assert result_titles(second) == ["flat 0", "flat 1", "flat 2"]
    assert sorted(result_titles(first)) == sorted(result_titles(second))
    assert listing_reads(queries.captured_queries) == []


def test_a_changed_listing_shows_its_new_card_at_once(client, shibuya):
    listing = published_listing(title="Old title", stations=[(shibuya, 400)])
    assert result_titles(cold_search(client)) == ["Old title"]

    listing.title = "New title"
    listing.save()

    assert result_titles(cold_search(client)) == ["New title"]


def test_a_new_cover_photo_moves_the_listing_on_and_its_card_with_it(
    client, shibuya, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    listing = published_listing(title="Flat", stations=[(shibuya, 400)])
    first, second = ListingPhotoFactory.create_batch(2, listing=listing)
    before = cold_search(client).text
    assert first.thumbnail_url in before

    photos.photo_set_cover(photo=second, by=listing.host)

    after = cold_search(client).text
    assert second.thumbnail_url in after
    assert first.thumbnail_url not in after


def test_each_search_fills_its_own_station_and_stay_into_a_cached_card(client, shibuya):
    shinjuku = station("新宿", "しんじゅく", "Shinjuku")
    published_listing(
        title="Between two stations",
        rent=100_000,
        utilities_fee=10_000,
        cleaning_fee=20_000,
        available_from=days(0),
        stations=[(shibuya, 240), (shinjuku, 1200)],
    )
    move_in = days(30).replace(day=1) if days(30).day != 1 else days(30)

    nearest = cold_search(client).text
    searched = cold_search(client, station="新宿").text
    stay = cold_search(client, move_in=move_in.isoformat(), months=2).text

    assert "渋谷 (Shibuya) · <strong>3 min walk</strong>" in nearest
    assert "新宿 (Shinjuku) · <strong>15 min walk</strong>" in searched
    assert "渋谷 (Shibuya)" not in searched
    assert "¥240,000 for 2 months" in stay
    assert f"?move_in={move_in.isoformat()}&amp;months=2" in stay
    assert "for 2 months" not in nearest
    assert "?move_in=" not in nearest


def test_a_card_is_kept_in_each_language(client, shibuya):
    published_listing(title="Flat", stations=[(shibuya, 240)])
    english = cold_search(client).text
    client.cookies["django_language"] = "ja"

    japanese = cold_search(client).text

    assert "3 min walk" in english
    assert "徒歩3分" in japanese
    assert "3 min walk" not in japanese


def test_cards_are_rendered_from_the_database_when_the_cache_has_none(client, shibuya):
    published_listing(title="Flat", stations=[(shibuya, 240)])
    cold_search(client)
    cache.clear()

    with CaptureQueriesContext(connection) as queries:
        response = cold_search(client)

    assert result_titles(response) == ["Flat"]
    assert listing_reads(queries.captured_queries)
