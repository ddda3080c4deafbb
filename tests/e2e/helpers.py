from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD


def new_page(site):
    """A page in a browser context of its own: a second person, signed in separately."""
    page = site.context.browser.new_context().new_page()
    page.set_default_timeout(10_000)
    return page


def log_in(page, base, email):
    """Sign in through the login page and wait for the account page."""
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
