import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from contracts.guides.services import house_guide_upload
from contracts.models import Contract
from messaging.models import Thread
from tests.accounts.factories import UserFactory
from tests.e2e.helpers import log_in, mailed_signing_code, new_page
from tests.e2e.pages import LANGUAGES, language_cookie
from tests.listings.builders import days, identity_verified, published_listing, station
from tests.messaging.builders import pdf_upload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def in_language(language: str, text: str) -> str:
    """What the page says for `text` in `language` (English where no translation exists yet)."""
    with translation.override(language):
        return gettext(text)


def status_label(language: str, status: Contract.Status) -> str:
    with translation.override(language):
        return str(status.label)


@pytest.mark.parametrize("language", LANGUAGES)
def test_reservation_request_contract_signed_with_a_mailed_code_unlocks_the_house_guide(
    site, language
):
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
    site.context.add_cookies([language_cookie(base, language)])

    # The tenant applies from the listing page, agreeing to share details with the host.
    log_in(site, base, tenant.email)
    site.goto(base + listing.get_absolute_url())
    site.locator(f"a[href^='/contracts/apply/{listing.pk}/']").first.click()
    site.locator("#id_move_in").fill(days(30).isoformat())
    site.locator("#id_months").fill("3")
    site.locator("#id_people").fill("2")
    site.locator("#id_message").fill("My partner and I move to Tokyo for work.")
    site.locator("#id_agree").check()
    site.locator("#id_contract_sharing").check()
    site.locator("form:has(#id_message) button[type=submit]").click()
    expect(site.locator(".messages")).to_contain_text(
        in_language(language, "Your reservation request was sent to the host.")
    )
    card = site.get_by_test_id("house-guide-card")
    expect(card).to_have_class(r"card house-guide-card house-guide-locked")
    thread = Thread.objects.get()

    # The host reads the request and sends the contract.
    host_page = new_page(site)
    host_page.context.add_cookies([language_cookie(base, language)])
    log_in(host_page, base, host.email)
    host_page.goto(base + thread.get_absolute_url())
    host_page.locator("a[href$='/accept/']").click()
    host_page.locator("main form[method=post] button[type=submit]").click()
    expect(host_page.get_by_test_id("contract-status")).to_have_text(
        status_label(language, Contract.Status.SENT)
    )
    contract = Contract.objects.get()

    # The tenant agrees and confirms with the code from the mail.
    site.goto(base + thread.get_absolute_url())
    expect(card).to_have_class(r"card house-guide-card house-guide-locked")
    site.locator(f"main a[href='{contract.get_absolute_url()}']").last.click()
    expect(site.get_by_test_id("contract-address")).to_contain_text("2-21-1")
    mails_before = len(mail.outbox)
    site.locator("form[action$='/agree/'] button").click()
    site.locator("#id_code").fill(mailed_signing_code(tenant.email, after=mails_before))
    site.locator("form[action$='/sign/'] button[type=submit]").click()
    expect(site.locator(".messages")).to_contain_text(
        in_language(language, "You signed the contract.")
    )
    expect(site.get_by_test_id("contract-status")).to_have_text(
        status_label(language, Contract.Status.SIGNED)
    )
    expect(site.get_by_test_id("signature")).to_contain_text("IP 127.0.0.1")

    # The House Guide card, locked before, now opens the guide.
    site.goto(base + thread.get_absolute_url())
    expect(card).to_have_class(r"card house-guide-card house-guide-open")
    expect(card).to_contain_text("house-guide.pdf")
    link = card.locator(f"a[href='/contracts/{contract.pk}/house-guide/']").get_attribute("href")
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
