import re

import pytest
from playwright.sync_api import expect

from tests.listings.builders import kyoto_listing, published_listing, station

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shibuya_and_kyoto():
    published_listing(
        title="Flat by Shibuya", stations=[(station("渋谷", "しぶや", "Shibuya"), 400)]
    )
    kyoto_listing(title="Flat by Kyoto")


def test_the_search_form_completes_a_station_and_finds_listings_near_it(site, shibuya_and_kyoto):
    site.goto(site.base_url + "/listings/")
    field = site.get_by_role("combobox", name="Station")
    field.press_sequentially("渋")
    suggestion = site.get_by_role("option", name=re.compile("渋谷"))
    expect(suggestion).to_be_visible()
    suggestion.click()

    expect(field).to_have_value("渋谷")
    site.get_by_role("button", name="Search").click()

    expect(site).to_have_url(re.compile(r"station=%E6%B8%8B%E8%B0%B7"))
    expect(site.get_by_text("Flat by Shibuya")).to_be_visible()
    expect(site.get_by_text("Flat by Kyoto")).to_have_count(0)


def test_a_search_for_kyoto_shows_kyoto_and_not_tokyo(site, shibuya_and_kyoto):
    site.goto(site.base_url + "/listings/")
    site.get_by_label("Keyword, area or station").fill("京都")
    site.get_by_role("button", name="Search").click()

    expect(site.get_by_text("1 apartment", exact=True)).to_be_visible()
    expect(site.get_by_text("Flat by Kyoto")).to_be_visible()
    expect(site.get_by_text("Flat by Shibuya")).to_have_count(0)
