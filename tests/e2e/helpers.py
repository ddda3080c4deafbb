import base64
import re

from django.core import mail
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD
from tests.privacy.helpers import totp_code_fresh


def new_page(site):
    """A page in a browser context of its own: a second person, signed in separately."""
    page = site.context.browser.new_context().new_page()
    page.set_default_timeout(10_000)
    return page


def log_in(page, base, email):
    """Sign in through the login page and wait for the account page (in any language)."""
    page.goto(base + "/accounts/login/")
    page.locator("input[name=login]").fill(email)
    password = page.locator("input[name=password]")
    password.fill(PASSWORD)
    password.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))


def staff_signs_in(page, base, staff, *, secret):
    """Sign in to admin with the password and the authenticator app's code."""
    page.goto(f"{base}/admin/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    page.get_by_role("textbox").fill(totp_code_fresh(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def page_width(page) -> int:
    """How wide the document is laid out: more than the viewport means a sideways scroll."""
    return page.evaluate("document.documentElement.scrollWidth")


def fulfil_elsewhere(page, url_pattern: str, html: str):
    """Answer the page's requests to another site with a tiny page, redirects included.

    page.route() is not called for the target of a redirect (microsoft/playwright#33882),
    so a 302 from our server to another site would go to the network, which tests have
    not; the browser's own request interception (CDP Fetch) pauses those requests too.
    """
    session = page.context.new_cdp_session(page)
    body = base64.b64encode(html.encode()).decode()

    def paused(event):
        session.send(
            "Fetch.fulfillRequest",
            {
                "requestId": event["requestId"],
                "responseCode": 200,
                "responseHeaders": [{"name": "Content-Type", "value": "text/html; charset=utf-8"}],
                "body": body,
            },
        )

    session.on("Fetch.requestPaused", paused)
    session.send(
        "Fetch.enable", {"patterns": [{"urlPattern": url_pattern, "requestStage": "Request"}]}
    )
    return session


# Six digits standing alone: the signing code, not the digits of a contract number (KA-000012).
SIX_DIGITS = re.compile(r"(?<![\w-])(\d{6})(?![\w-])")


def mailed_signing_code(email: str, *, after: int = 0) -> str:
    """The one-time code in the newest of the mails to `email` sent after the first `after`.

    Found by its shape, not by the mail's words, so that it is found in any language.
    """
    for message in reversed(mail.outbox[after:]):
        if email in message.to and (found := SIX_DIGITS.search(message.body)):
            return found.group(1)
    raise AssertionError(f"No mail with a signing code to {email}")
