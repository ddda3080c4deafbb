"""The address and station pickers' lookups past their limits: a 429 in JSON whose
`error` the picker shows, with Retry-After; counted per address when signed out."""

import pytest

from kaguaruoo.ratelimit import limit_windows
from tests.accounts.factories import UserFactory
from tests.listings.test_stations import loaded_stations, stations  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_postal_lookups_past_the_limit_get_a_429_in_json(client):
    for _ in range(limit_windows("postal_lookup")[0].count):
        assert client.get("/api/postal-codes/1500002").status_code == 200

    response = client.get("/api/postal-codes/1500002")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "no-store" in response["Cache-Control"]
    assert "You did this too many times in a short while" in response.json()["error"]


def test_another_address_is_not_held_back_by_one_that_hit_the_limit(client):
    for _ in range(limit_windows("postal_lookup")[0].count + 1):
        client.get("/api/postal-codes/1500002", REMOTE_ADDR="203.0.113.1")

    response = client.get("/api/postal-codes/1500002", REMOTE_ADDR="203.0.113.2")

    assert response.status_code == 200


def test_station_lookups_past_the_limit_get_a_429_in_json(client, stations):  # noqa: F811
    client.force_login(UserFactory())
    for _ in range(limit_windows("station_lookup")[0].count):
        assert client.get("/api/stations/", {"q": "しぶや"}).status_code == 200

    response = client.get("/api/stations/", {"q": "しぶや"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "error" in response.json()
