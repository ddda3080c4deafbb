import re

import pytest
from playwright.sync_api import expect

from listings.models import Listing
from listings.photos import demo_photo
from tests.accounts.factories import UserFactory
from tests.e2e.helpers import log_in
from tests.listings.builders import days, identity_verified, station

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def photo_files(tmp_path):
    paths = []
    for seed in (1, 2):
        path = tmp_path / f"room-{seed}.jpg"
        path.write_bytes(demo_photo(seed=seed, label="Room").read())
        paths.append(str(path))
    return paths


def test_host_lists_an_apartment_and_a_visitor_finds_and_prices_it(site, photo_files):
    base = site.base_url
    station("渋谷", "しぶや", "Shibuya")
    station("新宿", "しんじゅく", "Shinjuku")
    host = identity_verified(UserFactory(email="host.journey@example.com"))

    log_in(site, base, host.email)
    site.goto(base + "/host/listings/new/")
    site.get_by_label("Title", exact=False).first.fill("Sunny 1K by Shibuya station")
    site.locator("#id_description").fill("Furnished and quiet.")
    site.locator("#id_floor_area_m2").fill("24")
    site.locator("#id_floor").fill("4")
    site.locator("#id_floors_total").fill("9")
    site.locator("#id_year_built").fill("2016")
    site.locator("#id_max_occupants").fill("2")

    site.locator("#id_postal_code").fill("150-0002")
    expect(site.locator("#id_prefecture")).to_have_value("東京都")
    expect(site.locator("#id_city")).to_have_value("渋谷区")
    expect(site.locator("#id_town")).to_have_value("渋谷")
    site.locator("#id_street").fill("1-2-3")

    site.locator("[data-station-picker='1']").fill("shibuya")
    site.get_by_role("option", name=re.compile("渋谷")).first.click()
    site.locator("#id_distance_1").fill("800")
    expect(site.locator("[data-walk-output-for='1']")).to_have_text(re.compile(r"10 min"))

    site.locator("#id_rent").fill("120000")
    site.locator("#id_utilities_fee").fill("10000")
    site.locator("#id_cleaning_fee").fill("20000")
    site.locator("#id_min_months").fill("1")
    site.locator("#id_max_months").fill("12")
    site.locator("#id_available_from").fill(days(1).isoformat())
    site.locator("#id_item_bed").select_option("host")
    site.get_by_role("button", name="Save").click()

    expect(site.get_by_text("Listing saved as a draft")).to_be_visible()
    site.locator("input[type=file]").set_input_files(photo_files)
    site.get_by_role("button", name="Upload").click()
    expect(site.get_by_text("2 photo(s) added.")).to_be_visible()
    site.get_by_role("button", name="Publish").click()
    expect(site.get_by_text("Listing published.")).to_be_visible()
    assert Listing.objects.get().status == Listing.Status.PUBLISHED

    visitor = site.context.browser.new_page()
    visitor.set_default_timeout(10_000)
    visitor.goto(base + "/")
    visitor.get_by_role("searchbox").fill("shibuya")
    visitor.get_by_role("button", name="Search").click()
    expect(visitor.get_by_text("Sunny 1K by Shibuya station")).to_be_visible()
    visitor.get_by_label("Max walk (min)").fill("10")
    visitor.get_by_label("Rent up to (yen)").fill("150000")
    visitor.get_by_role("button", name="Search").click()
    expect(visitor.get_by_text("1 apartment", exact=True)).to_be_visible()
    expect(visitor.get_by_text("10 min walk")).to_be_visible()
    visitor.get_by_text("Sunny 1K by Shibuya station").click()

    move_in = days(40).replace(day=1)
    visitor.get_by_label("Move-in").fill(move_in.isoformat())
    visitor.get_by_label("Months").fill("3")
    visitor.get_by_role("button", name="Show the total").click()
    # 3 × (120,000 + 10,000) + 20,000 cleaning.
    expect(visitor.get_by_test_id("stay-total")).to_have_text("¥410,000")
    expect(visitor.get_by_role("img").first).to_be_visible()
    assert "1-2-3" not in visitor.content()
