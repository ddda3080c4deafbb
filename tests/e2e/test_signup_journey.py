import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)")


def test_visitor_signs_up_verifies_by_mail_logs_in_and_sees_the_account_page(site):
    base = site.base_url
    site.goto(base + "/")
    site.get_by_role("link", name="Sign up").click()

    site.get_by_label("Email").fill("browser.newcomer@example.com")
    site.get_by_label("Corporate").check()
    expect(site.get_by_label("Corporation name")).to_be_visible()
    expect(site.get_by_label("First name")).to_be_hidden()
    site.get_by_label("Personal").check()
    site.get_by_label("First name").fill("Aiko")
    site.get_by_label("Last name").fill("Suzuki")
    site.locator("#id_password1").fill("lantern-cedar-77-moss")
    site.locator("#id_password2").fill("lantern-cedar-77-moss")
    site.get_by_label("I have read and accept the Privacy Policy").check()
    site.get_by_role("button", name="Sign Up").click()

    expect(site.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    [message] = [m for m in mail.outbox if m.to == ["browser.newcomer@example.com"]]
    site.goto(base + LINK.search(message.body).group(1))
    site.get_by_role("button", name="Confirm").click()

    site.goto(base + "/accounts/login/")
    site.get_by_label("Email").fill("browser.newcomer@example.com")
    site.get_by_label("Password").fill("lantern-cedar-77-moss")
    site.get_by_role("button", name="Sign In").click()

    expect(site.get_by_role("heading", name="Your account")).to_be_visible()
    expect(site.get_by_text("Aiko Suzuki")).to_be_visible()
    expect(site.get_by_role("button", name="Log out")).to_be_visible()


def test_header_menu_folds_on_a_narrow_screen(site):
    site.set_viewport_size({"width": 360, "height": 740})
    site.goto(site.base_url + "/")

    expect(site.get_by_role("link", name="Privacy Policy")).to_be_visible()
    expect(site.get_by_role("link", name="Log in")).to_be_hidden()
    site.get_by_role("button", name="Menu").click()
    expect(site.get_by_role("link", name="Log in")).to_be_visible()
    width = site.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
