import pytest
from django.core.management import call_command
from django.urls import reverse

from listings.models import Line, ListingStation, Station
from listings.stations import station_complete, station_find
from tests.listings.builders import published_listing, result_titles


@pytest.fixture(scope="session")
def loaded_stations(django_db_setup, django_db_blocker):
    """The real station data, loaded once per test session."""
    with django_db_blocker.unblock():
        call_command("load_stations", skip_checks=True)


@pytest.fixture
def stations(loaded_stations, db):
    # A transactional test elsewhere may have flushed the tables since the session began.
    if not Station.objects.exists():
        call_command("load_stations", skip_checks=True)


def test_loading_twice_keeps_one_row_per_station_and_line(stations, capsys):
    before = (Line.objects.count(), Station.objects.count())

    call_command("load_stations", skip_checks=True)

    assert (Line.objects.count(), Station.objects.count()) == before
    assert before[0] > 600
    assert before[1] > 10_000
    assert "stations" in capsys.readouterr().out


def test_shibuya_is_one_station_served_by_many_lines(stations):
    shibuya = Station.objects.filter(name="渋谷", prefecture="東京都", is_active=True)

    assert shibuya.count() >= 8
    assert len({station.group_code for station in shibuya}) == 1
    assert {(s.name_kana, s.name_romaji) for s in shibuya} == {("しぶや", "Shibuya")}


def test_closed_stations_are_kept_but_not_in_service(stations):
    assert Station.objects.filter(is_active=False).exists()
    assert Station.objects.filter(is_active=True).count() > 10_000


def test_line_names_are_romanised(stations):
    yamanote = Line.objects.get(name="JR山手線")

    assert yamanote.name_romaji == "JR Yamanotesen"
    assert yamanote.company == "JR東日本"


def test_corrected_readings_reach_the_loaded_stations(stations):
    juso = Station.objects.filter(name="十三").first()

    assert (juso.name_kana, juso.name_romaji, juso.prefecture) == ("じゅうそう", "Juso", "大阪府")


def test_station_find_picks_shibuya_on_the_yamanote_line(stations):
    station = station_find(name="渋谷", line="山手線")

    assert station.line.name == "JR山手線"
    assert station.prefecture == "東京都"


def test_station_find_tells_apart_a_name_used_in_two_cities(stations):
    assert station_find(name="日本橋", prefecture="大阪府").name_romaji == "Nipponbashi"
    assert station_find(name="日本橋", prefecture="東京都").name_romaji == "Nihonbashi"


def test_station_find_returns_none_for_an_unknown_name(stations):
    assert station_find(name="存在しない駅") is None


@pytest.mark.parametrize("typed", ["渋谷", "しぶや", "シブヤ", "shibuya", "Shibuya", "Shib"])
def test_completion_finds_shibuya_in_every_script(stations, typed):
    first = station_complete(query=typed)[0]

    assert (first["name"], first["kana"], first["romaji"]) == ("渋谷", "しぶや", "Shibuya")
    assert "JR山手線" in [line["name"] for line in first["lines"]]


def test_completion_gives_one_result_per_station_with_its_lines(stations):
    results = station_complete(query="新宿")

    names = [result["name"] for result in results]
    assert names.count("新宿") == 1
    shinjuku = results[names.index("新宿")]
    assert len(shinjuku["lines"]) >= 8
    assert shinjuku["id"] in shinjuku["ids"]
    assert len(results) <= 10


def test_completion_folds_long_vowels_in_romaji(stations):
    assert station_complete(query="toukyou")[0]["name"] == "東京"


def test_the_stations_api_answers_in_json(client, stations):
    response = client.get("/api/stations/", {"q": "しぶや"})

    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["name"] == "渋谷"
    assert first["prefecture"] == "東京都"


@pytest.mark.parametrize("query", ["", "   ", "渋" * 51])
def test_the_stations_api_refuses_an_empty_or_too_long_query(client, db, query):
    response = client.get("/api/stations/", {"q": query})

    assert response.status_code == 400
    assert response.json()["error"]


def test_a_station_renamed_in_the_data_finds_its_listings_under_the_new_name(client, stations):
    """A listing saved while a station had its old name is found by the name reloaded."""
    shibuya = Station.objects.filter(name="渋谷").first()
    Station.objects.filter(pk=shibuya.pk).update(name="旧渋谷")
    shibuya.refresh_from_db()
    published_listing(title="by the renamed station", stations=[(shibuya, 300)])
    assert ListingStation.objects.get(station=shibuya).station_name == "旧渋谷"

    call_command("load_stations", skip_checks=True)

    found = client.get(reverse("listings:search"), {"station": "渋谷", "sort": "walk"})
    assert ListingStation.objects.get(station=shibuya).station_name == "渋谷"
    assert "by the renamed station" in result_titles(found)
