import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from contracts.guides.services import house_guide_upload
from contracts.models import Contract
from messaging.models import Thread
from tests.accounts.factories import UserFactory
from tests.e2e.helpers import log_in, new_page
from tests.listings.builders import days, identity_verified, published_listing, station
from tests.messaging.builders import pdf_upload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def mailed_code(email: str) -> str:
    body = next(m.body for m in reversed(mail.outbox) if email in m.to and "code" in m.subject)
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_reservation_request_contract_signed_with_a_mailed_code_unlocks_the_house_guide(site):
    base = site.base_url
    host = UserFactory(email="hana.contract@example.com", is_host=True, last_name="Sato")
    listing = published_listing(
        host=host, stations=[(station(), 400)], title="Sunny 1LDK in Shibuya", max_occupants=2
    )
    house_guide_upload(listing=listing, by=host, file=pdf_upload("house-guide.pdf"))
    tenant = identity_verified(
        UserFactory(email="alex.contract@example.com", first_name="Alex", last_name="Morgan")
    )
    stranger = UserFactory(email="sam.contract@example.com")

    # The tenant applies from the listing page, agreeing to share details with the host.
    log_in(site, base, tenant.email)
    site.goto(base + listing.get_absolute_url())
    site.get_by_role("link", name="Apply").click()
    site.get_by_label("Move-in date").fill(days(30).isoformat())
    site.get_by_label("Months").fill("3")
    site.get_by_label("Number of people").fill("2")
    site.get_by_label("Message to the host").fill("My partner and I move to Tokyo for work.")
    site.get_by_label("I agree that KaguAruoo passes").check()
    site.get_by_label("If the host accepts, the contract shows the host").check()
    site.get_by_role("button", name="Send reservation request").click()
    expect(site.get_by_text("Your reservation request was sent to the host.")).to_be_visible()
    expect(site.get_by_test_id("house-guide-card")).to_contain_text("unlocks")
    thread = Thread.objects.get()

    # The host reads the request and sends the contract.
    host_page = new_page(site)
    log_in(host_page, base, host.email)
    host_page.goto(base + thread.get_absolute_url())
    host_page.get_by_role("link", name="Accept and send the contract").click()
    host_page.get_by_role("button", name="Accept and send the contract").click()
    expect(host_page.get_by_test_id("contract-status")).to_have_text(
        "Waiting for the tenant's signature"
    )
    contract = Contract.objects.get()

    # The tenant agrees and confirms with the code from the mail.
    site.goto(base + thread.get_absolute_url())
    expect(site.get_by_test_id("house-guide-card")).to_contain_text("unlocks")
    site.get_by_role("link", name="Read the contract and agree").click()
    expect(site.get_by_test_id("contract-address")).to_contain_text("2-21-1")
    site.get_by_role("button", name="Agree").click()
    site.get_by_label("One-time code from the mail").fill(mailed_code(tenant.email))
    site.get_by_role("button", name="Sign the contract").click()
    expect(site.get_by_text("You signed the contract.")).to_be_visible()
    expect(site.get_by_test_id("contract-status")).to_have_text("Signed")
    expect(site.get_by_test_id("signature")).to_contain_text("IP 127.0.0.1")

    # The House Guide card, locked before, now opens the guide.
    site.goto(base + thread.get_absolute_url())
    card = site.get_by_test_id("house-guide-card")
    expect(card).not_to_contain_text("unlocks")
    expect(card).to_contain_text("house-guide.pdf")
    link = card.get_by_role("link", name="Open the House Guide").get_attribute("href")
    guide = site.request.get(base + link)
    assert guide.status == 200
    assert guide.body().startswith(b"%PDF")

    # A stranger who knows the addresses gets the 404 page.
    stranger_page = new_page(site)
    log_in(stranger_page, base, stranger.email)
    for path in (thread.get_absolute_url(), contract.get_absolute_url()):
        response = stranger_page.goto(base + path)
        assert response.status == 404
        assert "2-21-1" not in stranger_page.content()
