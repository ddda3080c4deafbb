"""A tenant hides a profile field and asks for their data; a privacy officer fulfils it."""

import io
import json
import re
import zipfile

import pytest
from django.core import mail
from playwright.sync_api import expect

from privacy.services import consent_record
from tests.accounts.factories import PASSWORD, UserFactory
from tests.privacy.helpers import OFFICER_TOTP_SECRET, officer_create, totp_code_fresh

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^/\s]+(/privacy/archives/[^\s]+/)")
INTRODUCTION = "I cycle along the Kamo river every morning."


def sign_in(page, base, email, next_path="/"):
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_tenant_hides_a_field_asks_for_disclosure_and_downloads_what_the_officer_released(
    site, browser
):
    base = site.base_url
    tenant = UserFactory(
        email="kyoto.tenant@example.com", last_name="Mori", introduction=INTRODUCTION
    )
    consent_record(user=tenant, purpose="policy", granted=True, ip=None, source="signup")
    officer = officer_create(email="officer@example.com")

    # The tenant turns the introduction to "Only You": it leaves the public profile.
    sign_in(site, base, tenant.email, "/accounts/profile/edit/")
    site.locator("#id_introduction_visibility").get_by_label(
        "Only You — Only visible to you."
    ).check()
    site.get_by_role("button", name="Save").click()
    expect(site.get_by_text("Your profile was saved.")).to_be_visible()
    site.goto(f"{base}/users/{tenant.pk}/")
    expect(site.get_by_role("heading", name="Mori")).to_be_visible()
    expect(site.get_by_text(INTRODUCTION)).to_have_count(0)

    # The tenant files a disclosure request, confirming the password first.
    site.goto(f"{base}/privacy/me/")
    site.get_by_role("link", name="Make a request").click()
    site.get_by_label("Password").fill(PASSWORD)
    site.get_by_role("button", name="Confirm").click()
    site.get_by_label("Disclosure of my personal data").check()
    site.get_by_role("button", name="Send the request").click()
    expect(site.get_by_text("Your request was received.")).to_be_visible()

    # A privacy officer signs in to admin with the second factor and fulfils it.
    officer_page = browser.new_context().new_page()
    officer_page.set_default_timeout(10_000)
    officer_page.goto(f"{base}/admin/")
    officer_page.get_by_label("Email").fill(officer.email)
    officer_page.get_by_label("Password").fill(PASSWORD)
    officer_page.get_by_role("button", name="Sign In").click()
    expect(officer_page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    officer_page.get_by_role("textbox").fill(totp_code_fresh(OFFICER_TOTP_SECRET))
    officer_page.get_by_role("button", name="Sign In").click()
    expect(officer_page.get_by_role("heading", name="Site administration")).to_be_visible()
    officer_page.get_by_role("link", name="Privacy requests").click()
    officer_page.get_by_role(
        "link", name=re.compile(r"Disclosure of my personal data #\d+")
    ).click()
    officer_page.get_by_label("Decision").select_option("fulfilled")
    officer_page.get_by_role("button", name="Save", exact=True).click()
    expect(officer_page.get_by_text("was changed successfully")).to_be_visible()

    # The tenant downloads the archive from the link in the mail.
    [ready] = [m for m in mail.outbox if "archive is ready" in m.subject]
    assert ready.to == [tenant.email]
    site.goto(f"{base}/privacy/me/")
    with site.expect_download() as download_info:
        site.evaluate(
            "href => { const a = document.createElement('a'); a.href = href;"
            " document.body.appendChild(a); a.click(); }",
            base + LINK.search(ready.body).group(1),
        )
    archive = zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes()))
    data = json.loads(archive.read("data.json"))["data"]
    [me] = data["accounts.User"]
    assert me["introduction"] == INTRODUCTION
    assert me["introduction_visibility"] == "me"
