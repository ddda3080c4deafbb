import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from listings import selectors
from listings.services import listing_pause
from tests.listings.builders import days, kyoto_listing, published_listing, result_titles, station

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return result_titles(response)


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


def test_free_text_matches_a_word_of_the_description(client, shibuya):
    published_listing(
        title="Plain flat",
        description="A balcony garden with tomatoes.",
        stations=[(shibuya, 400)],
    )
    published_listing(title="Other flat", stations=[(shibuya, 500)])

    assert titles(search(client, q="tomatoes")) == ["Plain flat"]


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
        {"built_within": "new"},
        {"built_within": "-1"},
        {"area_min": "big"},
        {"area_max": "0,5,"},
        {"area_min": "40", "area_max": "20"},
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


@pytest.fixture
def kyoto_and_tokyo(shibuya):
    tokyo = published_listing(title="Tokyo flat", stations=[(shibuya, 400)])
    return tokyo, kyoto_listing()


@pytest.mark.parametrize("query", ["京都", "京都府", "kyoto", "Kyoto-fu", "きょうと", "キョウト"])
def test_a_prefecture_name_finds_that_prefecture_and_not_one_that_contains_it(
    client, kyoto_and_tokyo, query
):
    assert titles(search(client, q=query)) == ["Kyoto flat"]


def test_tokyo_finds_tokyo_and_not_kyoto(client, kyoto_and_tokyo):
    assert titles(search(client, q="東京")) == ["Tokyo flat"]
    assert titles(search(client, q="tokyo")) == ["Tokyo flat"]


@pytest.mark.parametrize(
    "query",
    ["渋谷駅", "渋谷 駅", "渋谷 eki", "Shibuya station", "shibuya-eki", "しぶや", "シブヤ駅"],
)
def test_a_station_with_or_without_its_suffix_finds_listings_near_it(
    client, kyoto_and_tokyo, query
):
    assert titles(search(client, q=query)) == ["Tokyo flat"]
    assert titles(search(client, station=query)) == ["Tokyo flat"]


@pytest.mark.parametrize("prefecture", ["京都", "京都府", "Kyoto", "kyoto-fu", "きょうと"])
def test_prefecture_filter_takes_the_name_with_or_without_its_suffix(
    client, kyoto_and_tokyo, prefecture
):
    assert titles(search(client, prefecture=prefecture)) == ["Kyoto flat"]


@pytest.mark.parametrize("prefecture", ["東京", "東京都", "Tokyo", "とうきょう"])
def test_prefecture_filter_does_not_mix_up_tokyo_and_kyoto(client, kyoto_and_tokyo, prefecture):
    assert titles(search(client, prefecture=prefecture)) == ["Tokyo flat"]


@pytest.mark.parametrize(
    "city", ["京都", "京都市", "Kyoto", "下京区", "下京", "Shimogyo", "Kyoto-shi Shimogyo-ku"]
)
def test_city_filter_takes_a_city_or_its_ward(client, kyoto_and_tokyo, city):
    assert titles(search(client, city=city)) == ["Kyoto flat"]


@pytest.mark.parametrize("query", ["下京区", "shimogyo", "東塩小路町", "渋谷区"])
def test_a_ward_or_town_name_finds_listings_there(client, kyoto_and_tokyo, query):
    expected = "Tokyo flat" if query == "渋谷区" else "Kyoto flat"
    assert titles(search(client, q=query)) == [expected]


def test_free_text_still_finds_a_word_of_a_title(client, kyoto_and_tokyo, shibuya):
    published_listing(title="Quiet garden studio", stations=[(shibuya, 300)])

    assert titles(search(client, q="garden")) == ["Quiet garden studio"]
    assert titles(search(client, q="Kyoto garden")) == []


def test_built_within_keeps_buildings_of_exactly_that_age(client, shibuya):
    this_year = timezone.localdate().year
    published_listing(title="new", year_built=this_year - 10, stations=[(shibuya, 300)])
    published_listing(title="old", year_built=this_year - 11, stations=[(shibuya, 300)])

    assert titles(search(client, built_within=10)) == ["new"]
    assert sorted(titles(search(client, built_within=11))) == ["new", "old"]


def test_floor_area_range_includes_its_bounds(client, shibuya):
    for area in ("24.99", "25", "30", "30.01"):
        published_listing(title=f"{area} m2", floor_area_m2=area, stations=[(shibuya, 300)])

    found = titles(search(client, area_min=25, area_max=30))

    assert sorted(found) == ["25 m2", "30 m2"]
    assert sorted(titles(search(client, area_min="30.01"))) == ["30.01 m2"]


def test_a_malformed_filter_is_named_on_the_page_and_the_others_still_apply(client, shibuya):
    near = [(shibuya, 300)]
    published_listing(title="small", floor_area_m2=20, stations=near)
    published_listing(title="large", floor_area_m2=40, stations=near)

    response = client.get(reverse("listings:search"), {"built_within": "new", "area_min": 30})

    assert "Some filters could not be used" in response.text
    assert "Built within (years)" in response.text
    assert titles(response) == ["large"]


def test_the_cached_results_differ_by_the_new_filters(client, shibuya):
    this_year = timezone.localdate().year
    near = [(shibuya, 300)]
    published_listing(title="new", year_built=this_year, floor_area_m2=20, stations=near)
    published_listing(title="old", year_built=this_year - 30, floor_area_m2=50, stations=near)

    assert titles(search(client, built_within=5)) == ["new"]
    assert sorted(titles(search(client, built_within=50))) == ["new", "old"]
    assert titles(search(client, area_min=40)) == ["old"]
    assert titles(search(client, area_max=40)) == ["new"]


def test_the_search_form_offers_station_completion(client):
    page = search(client).text

    assert 'data-station-picker="search"' in page
    assert "js/stations.js" in page


def test_a_station_on_several_lines_sorts_by_the_walk_from_the_nearest_of_them(client):
    """渋谷 on two lines is two stations: each listing by its walk from the nearer one."""
    yamanote = station("渋谷", "しぶや", "Shibuya", line="山手線")
    ginza = station("渋谷", "しぶや", "Shibuya", line="銀座線")
    other = station("表参道", "おもてさんどう", "Omotesando", line="半蔵門線")
    published_listing(title="by the Ginza line", stations=[(ginza, 160), (yamanote, 900)])
    published_listing(title="by the Yamanote line", stations=[(yamanote, 400)])
    published_listing(title="far from both", stations=[(ginza, 1500), (other, 100)])
    published_listing(title="elsewhere", stations=[(other, 50)])

    found = titles(search(client, station="渋谷", sort="walk"))
    within = titles(search(client, station="渋谷", walk=10, sort="walk"))

    assert found == ["by the Ginza line", "by the Yamanote line", "far from both"]
    assert within == ["by the Ginza line", "by the Yamanote line"]


def test_listings_near_two_lines_of_a_station_fill_the_page_once_each(client):
    """Nearest first walks the station's rows by name, so a listing near both lines comes
    twice; the search asks for more rather than show a short page or a short count."""
    yamanote = station("渋谷", "しぶや", "Shibuya", line="山手線")
    ginza = station("渋谷", "しぶや", "Shibuya", line="銀座線")
    near_both = [
        published_listing(title=f"near both {n}", stations=[(yamanote, 100 + n), (ginza, 100 + n)])
        for n in range(3)
    ]
    filters = {"station": "渋谷", "sort": "walk"}

    first_two = selectors.listing_search_ids(filters=filters, limit=2)
    all_three = selectors.listing_search_ids(filters=filters, limit=3)

    assert [pk for pk, _ in first_two] == [near_both[0].pk, near_both[1].pk]
    assert [pk for pk, _ in all_three] == [listing.pk for listing in near_both]
    assert titles(search(client, station="渋谷", sort="walk")) == [
        "near both 0",
        "near both 1",
        "near both 2",
    ]


@pytest.mark.parametrize("few", [2000, 1])
def test_a_station_or_place_finds_the_same_listings_as_ids_or_as_a_semi_join(
    client, monkeypatch, few
):
    """A station's or a place's listings go to the search query as their ids when they
    are few, as a semi-join when they are many: the visitor sees the same results."""
    monkeypatch.setattr(selectors, "FEW_LISTINGS", few)
    shibuya = station("渋谷", "しぶや", "Shibuya", line="山手線")
    ebisu = station("恵比寿", "えびす", "Ebisu", line="山手線")
    published_listing(title="cheap by Shibuya", rent=90_000, stations=[(shibuya, 300)])
    published_listing(title="dear by Shibuya", rent=150_000, stations=[(shibuya, 500)])
    published_listing(title="by Ebisu", rent=80_000, stations=[(ebisu, 200)])
    kyoto_listing(title="in Kyoto")

    by_station = titles(search(client, station="渋谷", sort="rent"))
    # All three are in Shibuya ward.
    by_place = titles(search(client, q="shibuya", sort="-rent"))
    in_kyoto = titles(search(client, q="kyoto", sort="rent"))
    nowhere = titles(search(client, station="恵比寿", walk=1, sort="rent"))

    assert by_station == ["cheap by Shibuya", "dear by Shibuya"]
    assert by_place == ["dear by Shibuya", "cheap by Shibuya", "by Ebisu"]
    assert in_kyoto == ["in Kyoto"]
    assert nowhere == []


def test_a_rare_station_goes_to_the_search_query_as_the_ids_of_its_listings(client):
    """PostgreSQL would guess a rare station's listings from averages and might walk
    every listing looking for them: the search reads the station's rows first and
    hands the query their listings' ids."""
    shibuya = station("渋谷", "しぶや", "Shibuya", line="山手線")
    near = [published_listing(title=f"near {n}", stations=[(shibuya, 300 + n)]) for n in range(2)]

    with CaptureQueriesContext(connection) as queries:
        found = titles(search(client, station="渋谷", walk=10))
    # The one that finds the page and counts it (views._fetch_limit: 101 rows).
    search_sql = [q["sql"] for q in queries if q["sql"].endswith("LIMIT 101")]

    assert sorted(found) == ["near 0", "near 1"]
    assert len(search_sql) == 1
    ids = ", ".join(str(listing.pk) for listing in sorted(near, key=lambda n: n.pk))
    assert f'"listings_listing"."id" IN ({ids})' in search_sql[0]
    assert "listings_listingstation" not in search_sql[0]
