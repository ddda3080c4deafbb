"""What a new user met and tripped over, now walked through in the browser."""

import datetime

import pytest
from django.utils.formats import date_format
from playwright.sync_api import expect

from listings.services import listing_dates_book
from tests.accounts.factories import UserFactory
from tests.contracts.builders import signed_contract
from tests.e2e.helpers import log_in
from tests.listings.builders import days, published_listing, station

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_booked_dates_point_to_the_nearest_free_date_and_applying_names_the_identity_check(
    site,
):
    base = site.base_url
    listing = published_listing(stations=[(station(), 400)], title="Quiet 1K by the station")
    move_in = days(40).replace(day=1)
    free_from = move_in + datetime.timedelta(days=45)
    listing_dates_book(
        listing_id=listing.pk, start=move_in, end=free_from, reference="contract:e2e"
    )
    tenant = UserFactory(email="new.tenant@example.com")

    log_in(site, base, tenant.email)
    site.goto(f"{base}{listing.get_absolute_url()}?move_in={move_in.isoformat()}&months=2")
    expect(site.get_by_text("These dates are taken")).to_be_visible()
    expect(site.get_by_role("link", name="Apply")).to_have_count(0)
    site.get_by_role("link", name=f"See the stay from {date_format(free_from)}").click()
    expect(site.get_by_test_id("stay-total")).to_be_visible()
    site.get_by_role("link", name="Apply").click()

    expect(site.get_by_label("Move-in date")).to_have_value(free_from.isoformat())
    notice = site.locator(".identity-notice")
    expect(notice).to_contain_text("Before you sign, KaguAruoo checks your identity")
    expect(notice.get_by_role("link", name="Verify your identity")).to_be_visible()


def test_in_development_a_tenant_pays_by_card_in_test_mode_without_stripe(site, settings):
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    base = site.base_url
    contract = signed_contract()

    log_in(site, base, contract.tenant.email)
    site.goto(base + contract.get_absolute_url())
    site.get_by_role("link", name="Pay by card").first.click()
    site.get_by_role("button", name="Continue to pay").click()
    expect(site.get_by_text("Test mode: no money is taken.")).to_be_visible()
    site.get_by_role("button", name="(test)").click()

    expect(site.get_by_text("Thank you: your payment was received.")).to_be_visible()
