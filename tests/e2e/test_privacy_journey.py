"""A tenant hides a profile field and asks for their data; a privacy officer fulfils it."""

import io
import json
import re
import zipfile

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from privacy.models import PrivacyRequest
from privacy.services import consent_record
from tests.accounts.factories import PASSWORD, UserFactory
from tests.e2e.pages import LANGUAGES, language_cookie
from tests.privacy.helpers import OFFICER_TOTP_SECRET, officer_create, totp_code_fresh

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^/\s]+(/privacy/archives/[^\s]+/)")
INTRODUCTION = "I cycle along the Kamo river every morning."


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def password_enter(page, password=PASSWORD):
    field = page.locator("input[name=password]")
    field.fill(password)
    field.press("Enter")


def sign_in(page, base, email, next_path="/"):
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.locator("input[name=login]").fill(email)
    password_enter(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_tenant_hides_a_field_asks_for_disclosure_and_downloads_what_the_officer_released(
    site, browser, language
):
    base = site.base_url
    tenant = UserFactory(
        email="kyoto.tenant@example.com", last_name="Mori", introduction=INTRODUCTION
    )
    consent_record(user=tenant, purpose="policy", granted=True, ip=None, source="signup")
    officer = officer_create(email="officer@example.com")
    site.context.add_cookies([language_cookie(base, language)])

    # The tenant turns the introduction to "Only You": it leaves the public profile.
    sign_in(site, base, tenant.email, "/accounts/profile/edit/")
    site.locator("#id_introduction_visibility input[value=me]").check()
    site.locator("main form button[type=submit]").click()
    expect(site.locator(".messages")).to_contain_text(
        in_language(language, "Your profile was saved.")
    )
    site.goto(f"{base}/users/{tenant.pk}/")
    expect(site.get_by_role("heading", name="Mori")).to_be_visible()
    expect(site.get_by_text(INTRODUCTION)).to_have_count(0)

    # The tenant files a disclosure request, confirming the password first.
    site.goto(f"{base}/privacy/me/")
    site.locator("main a[href='/privacy/requests/new/']").click()
    password_enter(site)
    site.locator("input[name=kind][value=disclosure]").check()
    site.locator("form:has(input[name=kind]) button[type=submit]").click()
    expect(site.locator(".messages")).to_contain_text(
        in_language(language, "Your request was received. We answer within 14 days.")
    )
    request = PrivacyRequest.objects.get(user=tenant)

    # A privacy officer signs in to admin with the second factor and fulfils it.
    officer_page = browser.new_context().new_page()
    officer_page.set_default_timeout(10_000)
    officer_page.context.add_cookies([language_cookie(base, language)])
    sign_in(officer_page, base, officer.email, "/admin/")
    code = officer_page.locator("input[name=code]")
    code.fill(totp_code_fresh(OFFICER_TOTP_SECRET))
    code.press("Enter")
    expect(officer_page).to_have_url(re.compile(r"/admin/$"))
    officer_page.locator("a[href='/admin/privacy/privacyrequest/']").first.click()
    officer_page.locator(f"a[href$='/privacyrequest/{request.pk}/change/']").click()
    officer_page.locator("#id_decision").select_option("fulfilled")
    officer_page.locator("input[name=_save]").click()
    expect(officer_page.locator(".messagelist .success")).to_be_visible()

    # The tenant downloads the archive from the link in the mail.
    [ready] = [m for m in mail.outbox if tenant.email in m.to and LINK.search(m.body)]
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
