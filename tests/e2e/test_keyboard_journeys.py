"""With the keyboard alone: the menu at every width, and a tenant's search, apply, sign and pay.

Only Tab, Enter, Space (and Escape for the menu) are pressed, and text is typed
once Tab has reached its field: no click, no fill. Elements are found by id, name,
href or form action, so the journeys run the same in English and in Japanese.
"""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from contracts.booking.services import contract_send
from contracts.models import Contract, Payment, ReservationRequest
from tests.accounts.factories import PASSWORD, UserFactory
from tests.e2e.accessibility_record import browser_name, languages_claimed, results_check
from tests.e2e.helpers import mailed_signing_code
from tests.e2e.keyboard import KeyboardOnly
from tests.e2e.pages import LANGUAGES, language_cookie
from tests.listings.builders import identity_verified, published_listing, station

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MENU_BUTTON = "button.nav-toggle"
MENU_LOGIN = "#site-nav a[href^='/accounts/login/']"
SUBMIT = "main form button[type=submit]"


def keyboard_page(site, language, width=1280):
    site.context.add_cookies([language_cookie(site.base_url, language)])
    site.set_viewport_size({"width": width, "height": 800})
    return KeyboardOnly(site)


@pytest.mark.parametrize("language", LANGUAGES)
def test_on_a_phone_the_menu_opens_and_closes_from_the_keyboard(site, language):
    keys = keyboard_page(site, language, width=360)
    site.goto(site.base_url + "/")
    button, login = site.locator(MENU_BUTTON), site.locator(MENU_LOGIN)
    expect(login).to_be_hidden()

    keys.tab_to(MENU_BUTTON)
    keys.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(login).to_be_visible()
    keys.tab_to(MENU_LOGIN)
    keys.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(login).to_be_hidden()
    assert keys.focused(MENU_BUTTON)
    keys.press("Space")
    expect(button).to_have_attribute("aria-expanded", "true")
    keys.tab_to(MENU_LOGIN)
    keys.follow("Enter")

    assert urlsplit(site.url).path == "/accounts/login/"
    assert keys.focus_unseen == []


def test_on_a_wide_screen_the_menu_is_open_and_reached_by_tab(site):
    keys = keyboard_page(site, "en")
    site.goto(site.base_url + "/")

    expect(site.locator(MENU_BUTTON)).to_be_hidden()
    keys.tab_to(MENU_LOGIN)
    keys.follow("Enter")

    assert urlsplit(site.url).path == "/accounts/login/"


def test_without_javascript_the_menu_is_shown_on_a_phone(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/")

    expect(page.locator(MENU_LOGIN)).to_be_visible()
    expect(page.locator(MENU_BUTTON)).to_be_hidden()
    context.close()


def sign_in(keys, site, email):
    site.goto(site.base_url + "/accounts/login/")
    keys.tab_to("input[name=login]")
    keys.type(email)
    keys.tab_to("input[name=password]")
    keys.type(PASSWORD)
    keys.follow("Enter")


def search(keys, site, listing):
    site.goto(site.base_url + "/")
    keys.tab_to("input[name=q]")
    keys.type("Shibuya")
    keys.follow("Enter")
    keys.tab_to(f"a.listing-card-link[href^='{listing.get_absolute_url()}']")
    keys.follow("Enter")
    assert urlsplit(site.url).path == listing.get_absolute_url()


def apply(keys, site, listing):
    keys.tab_to(f"a[href^='/contracts/apply/{listing.pk}/']")
    keys.follow("Enter")
    keys.tab_to("textarea[name=message]")
    keys.type("I move to Tokyo for work in spring.")
    keys.tab_to("input[name=agree]")
    keys.press("Space")
    keys.tab_to("input[name=contract_sharing]")
    keys.press("Space")
    keys.tab_to(SUBMIT)
    keys.follow("Enter")
    return ReservationRequest.objects.get(listing=listing)


def sign(keys, site, contract):
    """As from the mail that says the contract arrived: Agree, then the mailed code."""
    site.goto(site.base_url + contract.get_absolute_url())
    mails_before = len(mail.outbox)
    keys.tab_to("form[action$='/agree/'] button")
    keys.follow("Enter")
    keys.tab_to("input[name=code]")
    keys.type(mailed_signing_code(contract.tenant.email, after=mails_before))
    keys.follow("Enter")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED


def pay(keys, site, contract):
    """By card, on the site's own test card page (development without a Stripe key)."""
    keys.tab_to("a[href*='/payments/'][href$='/checkout/']")
    keys.follow("Enter")
    keys.tab_to(SUBMIT)
    keys.follow("Enter")
    keys.tab_to(SUBMIT)
    keys.follow("Space")
    first = contract.payments.order_by("sequence").first()
    assert first.status == Payment.Status.PAID


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_tenant_searches_applies_signs_and_pays_with_the_keyboard_alone(
    site, settings, browser, language
):
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    listing = published_listing(
        stations=[(station(), 400)], title="Keyboard flat by Shibuya", max_occupants=2
    )
    tenant = identity_verified(UserFactory(email="keys.tenant@example.com"))
    keys = keyboard_page(site, language)
    steps = []

    sign_in(keys, site, tenant.email)
    search(keys, site, listing)
    steps.append("search")
    reservation = apply(keys, site, listing)
    steps.append("apply")
    contract = contract_send(reservation=reservation, by=listing.host)
    sign(keys, site, contract)
    steps.append("sign")
    pay(keys, site, contract)
    steps.append("pay")

    assert keys.focus_unseen == []
    measured = {"steps": steps, "keys": sorted(keys.keys_used)}
    results_check(
        language=language,
        kind="keyboard",
        measured=measured,
        browser_version=browser_name(browser),
    )
    assert languages_claimed() <= set(LANGUAGES)
