"""A privacy officer works a support case in admin: every object one click away, a
conversation read only for a stated reason, a listing hidden from the public."""

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD
from tests.contracts.support.builders import open_request
from tests.e2e.helpers import new_page
from tests.privacy.helpers import OFFICER_TOTP_SECRET, officer_create, totp_code_fresh

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def officer_signs_in(page, base, officer):
    page.goto(f"{base}/admin/")
    page.get_by_label("Email").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    page.get_by_role("textbox").fill(totp_code_fresh(OFFICER_TOTP_SECRET))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def test_an_officer_reads_the_thread_of_a_case_for_a_reason_and_hides_its_listing(site):
    base = site.base_url
    support_request = open_request()
    contract = support_request.contract
    first_message = contract.thread.messages.order_by("id").first().body
    officer = officer_create(email="officer@example.com")
    case_url = f"{base}/admin/contracts/supportrequest/{support_request.pk}/change/"

    officer_signs_in(site, base, officer)
    site.goto(case_url)
    site.locator("#supportrequest_form").get_by_role("link", name="Thread", exact=True).click()
    expect(site.get_by_label("Why do you need to read this conversation?")).to_be_visible()
    expect(site.get_by_text(first_message)).to_have_count(0)
    site.get_by_label("Why do you need to read this conversation?").fill(
        f"Support request {support_request.pk}: the key box code."
    )
    site.get_by_role("button", name="Read the conversation").click()
    expect(site.get_by_text(first_message).first).to_be_visible()
    expect(site.get_by_text("Your reading was recorded")).to_be_visible()

    site.goto(case_url)
    site.locator("#supportrequest_form").get_by_role("link", name="Payments", exact=True).click()
    expect(site.get_by_text(re.compile(r"¥\d{1,3}(,\d{3})+")).first).to_be_visible()

    site.goto(case_url)
    site.locator("#supportrequest_form").get_by_role("link", name="Listing", exact=True).click()
    site.get_by_role("link", name="Hide", exact=True).click()
    site.get_by_label("Reason").fill("Photos copied from a hotel.")
    site.get_by_role("button", name="Hide this listing").click()
    expect(site.get_by_text("The listing is hidden.")).to_be_visible()

    public = new_page(site)
    response = public.goto(f"{base}/listings/{contract.listing_id}/")
    assert response.status == 404
