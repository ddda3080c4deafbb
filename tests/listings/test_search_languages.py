"""Search finds the same listings whether its reader reads English or Japanese, and a
search link means the same to both."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.listings.builders import published_listing, result_titles, station

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ja"]


def found(client, language: str, **params) -> list[str]:
    response = client.get(reverse("listings:search"), params, headers={"accept-language": language})
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text
    return result_titles(response)


@pytest.fixture
def listings(shibuya):
    umeda = station("梅田", "うめだ", "Umeda", line="御堂筋線", prefecture="大阪府")
    published_listing(
        title="Tokyo flat",
        layout="1LDK",
        items={"bed": "host", "wifi": "third_party"},
        viewing_possible=True,
        stations=[(shibuya, 400)],
    )
    published_listing(
        title="Osaka flat",
        layout="1K",
        rent=80_000,
        stations=[(umeda, 900)],
        postal_code="5300001",
        prefecture="大阪府",
        city="大阪市北区",
        town="梅田",
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "query", ["Shibuya", "shibuya", "渋谷", "しぶや", "シブヤ", "渋谷駅", "Shibuya station"]
)
def test_romaji_kana_and_kanji_find_the_same_listing_in_either_language(
    client, listings, language, query
):
    assert found(client, language, q=query) == ["Tokyo flat"]


@pytest.mark.parametrize(
    "params",
    [
        {"station": "渋谷", "walk": "5"},
        {"station": "Shibuya", "walk": "5"},
        {"prefecture": "大阪府"},
        {"prefecture": "Osaka"},
        {"city": "Osaka-shi Kita-ku"},
        {"city": "大阪市北区"},
        {"layout": ["1LDK"]},
        {"items": ["bed", "wifi"]},
        {"viewing": "on"},
        {"rent_max": "90000"},
        {"sort": "rent"},
        {"sort": "walk"},
        {"area_min": "20.5"},
    ],
)
def test_every_filter_gives_the_same_results_in_both_languages(client, listings, params):
    english, japanese = (found(client, language, **params) for language in LANGUAGES)

    assert english == japanese
    assert english  # each filter finds something


def test_a_shared_search_link_reads_in_each_readers_language_with_the_same_results(
    client, listings
):
    link = {"q": "渋谷", "walk": "10", "sort": "walk"}

    english = client.get(reverse("listings:search"), link, headers={"accept-language": "en"})
    # The same link, answered from the cache for the second reader: still in their language.
    japanese = client.get(reverse("listings:search"), link, headers={"accept-language": "ja"})

    assert "5 min walk" in english.text and "徒歩" not in english.text
    assert "徒歩5分" in japanese.text and "min walk" not in japanese.text
    assert result_titles(japanese) == ["Tokyo flat"]
    assert result_titles(english) == ["Tokyo flat"]


def test_a_signed_in_person_reading_japanese_finds_what_an_english_visitor_finds(client, listings):
    client.force_login(UserFactory(language="ja"))
    japanese = found(client, "ja", q="Osaka")

    client.logout()
    assert found(client, "en", q="Osaka") == japanese == ["Osaka flat"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_filters_send_the_same_values_in_both_languages(client, listings, language):
    """Checkbox and sort values are codes, never the labels a reader sees."""
    page = client.get(reverse("listings:search"), headers={"accept-language": language}).text

    assert 'name="layout" value="1LDK"' in page
    assert 'name="items" value="bed"' in page
    assert '<option value="walk"' in page


@pytest.mark.parametrize("query", ["渋谷", "shibuya", "しぶや", "シブヤ"])
def test_a_ward_in_kana_finds_its_listings_away_from_the_station_of_its_name(
    client, listings, query
):
    ebisu = station("恵比寿", "えびす", "Ebisu")
    published_listing(
        title="Ebisu flat", stations=[(ebisu, 300)], postal_code="1500022", town="恵比寿南"
    )

    assert sorted(found(client, "ja", q=query)) == ["Ebisu flat", "Tokyo flat"]
