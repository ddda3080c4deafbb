import re

import pytest
from playwright.sync_api import expect

from tests.listings.builders import listing_near_station

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_on_a_phone_the_price_and_apply_box_comes_right_after_the_photos(site):
    listing = listing_near_station()
    site.set_viewport_size({"width": 360, "height": 800})
    site.goto(site.base_url + listing.get_absolute_url())

    price, about = box(site, ".cost-card"), box(site, ".listing-main")
    assert price["y"] < about["y"]
    assert site.evaluate("document.documentElement.scrollWidth") <= 360

    site.set_viewport_size({"width": 1280, "height": 800})
    price, about = box(site, ".cost-card"), box(site, ".listing-main")
    assert price["x"] > about["x"] + about["width"] - 1
    assert abs(price["y"] - about["y"]) < 2


def test_on_a_phone_the_search_filters_fold_behind_one_button_that_the_keyboard_opens(site):
    listing_near_station(title="Flat by the station")
    site.set_viewport_size({"width": 360, "height": 800})
    site.goto(site.base_url + "/listings/")

    button = site.locator("summary", has_text="Filters")
    assert button.is_visible()
    assert not site.locator("#f-q").is_visible()
    assert box(site, ".listing-card")["y"] < 800
    button.focus()
    site.keyboard.press("Enter")
    assert site.locator("#f-q").is_visible()

    site.set_viewport_size({"width": 1280, "height": 800})
    site.goto(site.base_url + "/listings/")
    assert not button.is_visible()
    assert site.locator("#f-q").is_visible()


def test_the_home_page_leads_to_new_listings_and_a_main_city(site):
    listing_near_station(title="Sunny flat by the station", communication_style="easy")
    site.set_viewport_size({"width": 360, "height": 800})
    site.goto(site.base_url + "/")

    new = site.locator("section", has=site.get_by_role("heading", name="New apartments"))
    expect(new.get_by_text("Sunny flat by the station")).to_be_visible()
    site.get_by_role("link", name=re.compile(r"^Tokyo")).click()
    expect(site.get_by_text("Sunny flat by the station")).to_be_visible()
    site.get_by_text("Sunny flat by the station").click()

    expect(site.get_by_text("The host may decline delivery requests.")).to_be_visible()
    expect(site.get_by_text("You can reject delivery request.")).to_have_count(0)
