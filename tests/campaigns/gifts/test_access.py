"""Who reaches which gift page: the permission matrix as data."""

import pytest

from campaigns.gifts.services import gift_confirm_path
from tests.accounts.factories import UserFactory
from tests.campaigns.gifts.builders import shipped_shipment

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    shipment = shipped_shipment()
    return {
        "owner": shipment.user,
        "other": UserFactory(),
        "staff": UserFactory(is_staff=True, is_superuser=True),
        "detail": f"/gifts/{shipment.pk}/",
        "confirm": f"/gifts/{shipment.pk}/confirm/",
        "link": gift_confirm_path(shipment=shipment),
        "shipment": shipment,
    }


MATRIX = [
    ("GET", "/gifts/", None, 302),
    ("GET", "/gifts/", "owner", 200),
    ("GET", "/gifts/", "other", 200),
    ("GET", "detail", None, 302),
    ("GET", "detail", "owner", 200),
    ("GET", "detail", "other", 404),
    ("GET", "detail", "staff", 404),
    ("POST", "detail", "other", 404),
    ("POST", "confirm", None, 302),
    ("POST", "confirm", "other", 404),
    ("POST", "confirm", "staff", 404),
    ("GET", "link", None, 200),
    ("GET", "link", "owner", 200),
    ("GET", "link", "other", 404),
    ("POST", "link", "other", 404),
]


@pytest.mark.parametrize(("method", "url", "who", "expected"), MATRIX)
def test_gift_pages_by_who_asks(client, world, method, url, who, expected):
    if who:
        client.force_login(world[who])
    path = world.get(url, url)

    response = client.get(path) if method == "GET" else client.post(path)

    assert response.status_code == expected
    if expected == 302:
        assert "/accounts/login/" in response["Location"]
    world["shipment"].refresh_from_db()
    assert world["shipment"].status == "shipped"


def test_the_gifts_page_lists_only_ones_own(client, world):
    client.force_login(world["other"])

    page = client.get("/gifts/").text

    assert "No gifts yet." in page
    assert world["detail"] not in page
