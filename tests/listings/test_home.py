import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from listings.services import listing_dates_book
from tests.listings.builders import days, kyoto_listing, published_listing, station

pytestmark = pytest.mark.django_db


@pytest.fixture
def listings():
    shibuya = station("渋谷", "しぶや", "Shibuya")
    older = published_listing(title="Older flat in Shibuya", stations=[(shibuya, 400)])
    booked = published_listing(title="Much booked flat", stations=[(shibuya, 500)])
    newest = kyoto_listing(title="Newest flat in Kyoto")
    listing_dates_book(
        listing_id=booked.pk, start=days(10), end=days(70), reference="contract:home"
    )
    return older, booked, newest


def test_the_home_page_shows_new_and_popular_listings_and_the_main_cities(client, listings):
    older, booked, newest = listings

    page = client.get("/").text

    assert "New apartments" in page
    assert page.index(newest.title) < page.index(older.title)
    assert "Popular apartments" in page
    assert (
        page.index("Popular apartments") < page.index(booked.title) < page.index("New apartments")
    )
    assert "Main cities" in page
    assert "/listings/?prefecture=%E4%BA%AC%E9%83%BD%E5%BA%9C" in page
    assert "/listings/?city=%E6%9C%AD%E5%B9%8C%E5%B8%82" in page


def test_the_home_page_costs_the_same_few_queries_however_many_listings(client, listings):
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for n in range(8):
        published_listing(title=f"More {n}", stations=[(station(), 300 + n)])
    with CaptureQueriesContext(connection) as many:
        client.get("/")

    assert len(many) == len(few)
