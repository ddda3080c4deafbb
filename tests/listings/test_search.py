import pytest
from django.urls import reverse

from listings.services import listing_pause
from tests.listings.builders import days, published_listing, station

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [card["listing"].title for card in response.context["cards"]]


def search(client, **params):
    response = client.get(reverse("listings:search"), params)
    assert response.status_code == 200
    return response


@pytest.fixture
def umeda():
    return station("梅田", "うめだ", "Umeda", line="御堂筋線", prefecture="大阪府")


@pytest.fixture
def two_cities(shibuya, umeda):
    tokyo = published_listing(title="Tokyo flat", stations=[(shibuya, 400)])
    osaka = published_listing(
        title="Osaka flat",
        stations=[(umeda, 600)],
        postal_code="5300001",
        prefecture="大阪府",
        city="大阪市北区",
        town="梅田",
    )
    return tokyo, osaka


@pytest.mark.parametrize("query", ["shibuya", "Shibuya", "SHIBUYA", "渋谷", "しぶや", "シブヤ"])
def test_romaji_kana_and_kanji_find_the_same_listings(client, two_cities, query):
    assert titles(search(client, q=query)) == ["Tokyo flat"]


def test_free_text_matches_the_area_in_romaji_and_kanji(client, two_cities):
    assert titles(search(client, q="osaka")) == ["Osaka flat"]
    assert titles(search(client, q="大阪")) == ["Osaka flat"]
    assert titles(search(client, q="umeda")) == ["Osaka flat"]


def test_free_text_matches_the_title(client, two_cities):
    assert titles(search(client, q="tokyo flat")) == ["Tokyo flat"]


def test_drafts_and_paused_listings_are_not_found(client, shibuya):
    published_listing(title="Draft", stations=[(shibuya, 300)], publish=False)

    assert titles(search(client)) == []


def test_prefecture_and_city_filters(client, two_cities):
    assert titles(search(client, prefecture="大阪府")) == ["Osaka flat"]
    assert titles(search(client, city="渋谷区")) == ["Tokyo flat"]
    assert titles(search(client, prefecture="Tokyo-to")) == ["Tokyo flat"]


def test_station_with_walk_limit_keeps_listings_within_those_minutes(client, shibuya):
    published_listing(title="800 m", stations=[(shibuya, 800)])
    published_listing(title="801 m", stations=[(shibuya, 801)])

    assert titles(search(client, station="shibuya", walk=10)) == ["800 m"]
    assert sorted(titles(search(client, station="渋谷", walk=11))) == ["800 m", "801 m"]


def test_walk_limit_alone_applies_to_any_station(client, shibuya, umeda):
    published_listing(title="near", stations=[(umeda, 240)])
    published_listing(title="far", stations=[(shibuya, 2000)])

    assert titles(search(client, walk=5)) == ["near"]


def test_rent_range(client, shibuya):
    for rent in (80_000, 120_000, 160_000):
        published_listing(title=f"rent {rent}", rent=rent, stations=[(shibuya, 300)])

    assert titles(search(client, rent_min=100_000, rent_max=150_000)) == ["rent 120000"]


def test_move_in_and_months_keep_only_listings_available_for_the_whole_stay(client, shibuya):
    published_listing(title="open-ended", available_from=days(0), stations=[(shibuya, 300)])
    published_listing(
        title="until in 2 months",
        available_from=days(0),
        available_until=days(60),
        stations=[(shibuya, 300)],
    )
    published_listing(title="later", available_from=days(90), stations=[(shibuya, 300)])
    published_listing(
        title="min 6 months", min_months=6, available_from=days(0), stations=[(shibuya, 300)]
    )

    one_month = titles(search(client, move_in=days(10).isoformat(), months=1))
    three_months = titles(search(client, move_in=days(10).isoformat(), months=3))

    assert sorted(one_month) == ["open-ended", "until in 2 months"]
    assert three_months == ["open-ended"]


def test_layout_occupants_viewing_and_furniture_filters(client, shibuya):
    published_listing(
        title="family",
        layout="2LDK",
        max_occupants=4,
        viewing_possible=True,
        items={"bed": "host", "wifi": "third_party", "tv": "host"},
        stations=[(shibuya, 300)],
    )
    published_listing(title="single", layout="1K", max_occupants=1, stations=[(shibuya, 300)])

    assert titles(search(client, layout=["2LDK", "3LDK"])) == ["family"]
    assert titles(search(client, occupants=3)) == ["family"]
    assert titles(search(client, viewing="on")) == ["family"]
    assert titles(search(client, items=["bed", "tv"])) == ["family"]
    assert titles(search(client, items=["sofa"])) == []


def test_sort_by_rent_and_by_walk_time(client, shibuya):
    published_listing(title="cheap far", rent=70_000, stations=[(shibuya, 1500)])
    published_listing(title="dear near", rent=190_000, stations=[(shibuya, 100)])
    published_listing(title="middle", rent=110_000, stations=[(shibuya, 700)])

    assert titles(search(client, sort="rent")) == ["cheap far", "middle", "dear near"]
    assert titles(search(client, sort="-rent")) == ["dear near", "middle", "cheap far"]
    assert titles(search(client, sort="walk")) == ["dear near", "middle", "cheap far"]


def test_sort_by_walk_time_from_the_searched_station(client, shibuya):
    shinjuku = station("新宿", "しんじゅく", "Shinjuku")
    published_listing(title="near shinjuku", stations=[(shinjuku, 80), (shibuya, 1600)])
    published_listing(title="near shibuya", stations=[(shibuya, 400)])

    assert titles(search(client, station="shibuya", sort="walk")) == [
        "near shibuya",
        "near shinjuku",
    ]
    assert titles(search(client, station="shinjuku", sort="walk")) == ["near shinjuku"]


def test_result_card_shows_rent_total_for_the_stay_and_nearest_station(client, shibuya):
    published_listing(
        title="card",
        rent=100_000,
        utilities_fee=10_000,
        cleaning_fee=20_000,
        available_from=days(0),
        stations=[(shibuya, 800)],
    )
    move_in = days(30).replace(day=1) if days(30).day != 1 else days(30)

    page = search(client, move_in=move_in.isoformat(), months=2).text

    assert "¥100,000" in page
    assert "¥240,000 for 2 months" in page
    assert "渋谷" in page
    assert "10 min walk" in page


@pytest.mark.parametrize(
    "params",
    [
        {"rent_min": "cheap"},
        {"walk": "-3"},
        {"move_in": "2027-13-45"},
        {"months": "0"},
        {"layout": "9LDK"},
        {"sort": "random"},
        {"page": "999"},
        {"rent_min": "200000", "rent_max": "100000"},
        {"occupants": "x" * 500},
    ],
)
def test_bad_parameters_show_a_message_and_never_a_500(client, two_cities, params):
    response = client.get(reverse("listings:search"), params)

    assert response.status_code == 200
    if "page" not in params:
        assert "Some filters could not be used" in response.text
    assert len(titles(response)) == 2


def test_results_come_20_to_a_page(client, shibuya):
    for n in range(21):
        published_listing(title=f"flat {n}", stations=[(shibuya, 300)])

    first = search(client)
    second = search(client, page=2)

    assert len(titles(first)) == 20
    assert len(titles(second)) == 1
    assert "Page 1 of 2" in first.text


def test_search_page_runs_a_constant_number_of_queries(
    client, shibuya, django_assert_max_num_queries
):
    for n in range(25):
        published_listing(title=f"flat {n}", stations=[(shibuya, 300 + n)], items={"bed": "host"})

    with django_assert_max_num_queries(10):
        response = search(client, q="shibuya", walk=15, sort="walk")

    assert len(titles(response)) == 20


def test_a_repeated_search_is_answered_from_the_cache_with_few_queries(
    client, shibuya, django_assert_max_num_queries
):
    for n in range(3):
        published_listing(title=f"flat {n}", stations=[(shibuya, 300)])
    search(client, q="shibuya", walk=10)

    with django_assert_max_num_queries(4):
        again = search(client, q="shibuya", walk=10)

    assert sorted(titles(again)) == ["flat 0", "flat 1", "flat 2"]


def test_a_cached_search_shows_a_listing_published_after_it(
    client, shibuya, django_capture_on_commit_callbacks
):
    published_listing(title="first", stations=[(shibuya, 300)])
    assert titles(search(client, q="shibuya")) == ["first"]

    with django_capture_on_commit_callbacks(execute=True):
        published_listing(title="second", stations=[(shibuya, 300)])

    assert titles(search(client, q="shibuya")) == ["second", "first"]


def test_a_cached_search_drops_a_listing_paused_after_it(
    client, shibuya, django_capture_on_commit_callbacks
):
    listing = published_listing(title="soon paused", stations=[(shibuya, 300)])
    assert titles(search(client, q="shibuya")) == ["soon paused"]

    with django_capture_on_commit_callbacks(execute=True):
        listing_pause(listing=listing, by=listing.host)

    assert titles(search(client, q="shibuya")) == []
