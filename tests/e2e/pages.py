"""The site's main pages as each kind of visitor sees them, on the demo data.

The width and axe-core tests walk these: one browser context per visitor and
language, signed in through the login form as a person would, found by field
name so that it works in either language.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from accounts.demo import DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET
from accounts.models import User
from campaigns.gifts.models import GiftShipment
from contracts.models import Contract, ReservationRequest
from contracts.payments.services import payment_checkout_start
from listings.demo import shibuya_listing
from listings.models import Listing
from messaging.models import Thread
from privacy.models import PrivacyRequest
from privacy.services import privacy_request_file
from tests.privacy.helpers import totp_code_fresh

LANGUAGES = ("en", "ja")
WIDTHS = (360, 1280)

# Who signs in for each role (the demo accounts of DESIGN.md).
VISITORS = {
    "anonymous": None,
    "tenant": "alex.tenant@example.com",
    "tenant-to-sign": "mei.tenant@example.com",
    "host": "hana.host@example.com",
    "host-to-accept": "sakura.host@example.com",
    "staff": "staff@example.com",
    # Staff between the password and the second factor.
    "staff-signing-in": "staff@example.com",
}


REAUTH = "/accounts/reauthenticate/"
# Card payments in development: the site's own test card page instead of Stripe's.
CARD_TEST_MODE = {"DEBUG": True, "STRIPE_SECRET_KEY": ""}


@dataclass(frozen=True)
class MainPage:
    name: str
    visitor: str
    path: str
    # Settings the page needs, applied while it is visited.
    settings: dict | None = None
    # The answer's status, and where the browser ends up when the site sends it on.
    status: int = 200
    arrives_at: str = ""


def demo_load() -> None:
    with override_settings(DEBUG=True):
        call_command("load_demo", quiet_logins=True)


def _privacy_request_for(user: User) -> PrivacyRequest:
    """A disclosure request waiting for staff, so that staff have one to open."""
    return privacy_request_file(
        user=user,
        kind=PrivacyRequest.Kind.DISCLOSURE,
        identity_check=PrivacyRequest.IdentityCheck.REAUTHENTICATION,
    )


def _test_checkout_path(payment) -> str:
    with override_settings(**CARD_TEST_MODE):
        return payment_checkout_start(
            payment=payment, user=payment.contract.tenant, success_url="/", cancel_url="/"
        )


def main_pages() -> list[MainPage]:
    """Every main page of the site, for the visitor who uses it, on the demo data."""
    listing = shibuya_listing()
    hana = listing.host
    alex = User.objects.get(email=VISITORS["tenant"])
    mei = User.objects.get(email=VISITORS["tenant-to-sign"])
    published = Listing.objects.filter(status=Listing.Status.PUBLISHED).order_by("pk")
    other_listing = published.exclude(pk=listing.pk).first()
    thread = Thread.objects.get(listing=listing, tenant=alex)
    signed = Contract.objects.filter(tenant=alex, status=Contract.Status.SIGNED).latest("pk")
    waiting = Contract.objects.filter(tenant=mei, status=Contract.Status.SENT).latest("pk")
    payment = signed.payments.filter(paid_at__isnull=True).order_by("sequence").first()
    request = ReservationRequest.objects.get(tenant=mei, status=ReservationRequest.Status.OPEN)
    gift = GiftShipment.objects.filter(user=alex).latest("pk")
    privacy_request = _privacy_request_for(alex)
    admin_request = f"/admin/privacy/privacyrequest/{privacy_request.pk}/change/"
    checkout = f"/contracts/{signed.pk}/payments/{payment.pk}/checkout/"
    pages = [
        ("home", "anonymous", "/"),
        ("search", "anonymous", "/listings/"),
        ("search-results", "anonymous", "/listings/?q=%E6%B8%8B%E8%B0%B7"),
        ("listing", "anonymous", listing.get_absolute_url()),
        ("public-profile", "anonymous", f"/users/{hana.pk}/"),
        ("login", "anonymous", "/accounts/login/"),
        ("sign-up", "anonymous", "/accounts/signup/"),
        ("password-reset", "anonymous", "/accounts/password/reset/"),
        ("privacy-policy", "anonymous", "/privacy/"),
        ("anonymised-data", "anonymous", "/privacy/anonymised-data/"),
        ("terms", "anonymous", "/terms/"),
        ("accessibility", "anonymous", "/accessibility/"),
        ("not-found", "anonymous", "/no-such-page/", None, 404),
        ("account", "tenant", "/accounts/profile/"),
        ("profile-edit", "tenant", "/accounts/profile/edit/"),
        ("listing", "tenant", listing.get_absolute_url()),
        ("messages", "tenant", "/messages/"),
        ("thread", "tenant", thread.get_absolute_url()),
        ("notification-settings", "tenant", "/messages/settings/"),
        ("inquiry", "tenant", f"/messages/inquire/{other_listing.pk}/"),
        ("apply", "tenant", f"/contracts/apply/{other_listing.pk}/"),
        ("contracts", "tenant", "/contracts/"),
        ("contract", "tenant", signed.get_absolute_url()),
        ("card-unavailable", "tenant", checkout, None, 400),
        ("support-request", "tenant", f"/contracts/{signed.pk}/support/new/"),
        ("contract-cancel", "tenant", f"/contracts/{signed.pk}/cancel/"),
        ("email", "tenant", "/accounts/email/"),
        ("password-change", "tenant", "/accounts/password/change/"),
        ("privacy-me", "tenant", "/privacy/me/"),
        ("privacy-request", "tenant", "/privacy/requests/new/"),
        ("password-confirmation", "tenant-to-sign", "/privacy/requests/new/", None, 200, REAUTH),
        ("identity-check", "tenant", "/privacy/me/identity/"),
        ("gifts", "tenant", "/gifts/"),
        ("gift", "tenant", f"/gifts/{gift.pk}/"),
        ("feedback", "tenant", "/feedback/"),
        ("contract-to-sign", "tenant-to-sign", waiting.get_absolute_url()),
        ("thread-to-sign", "tenant-to-sign", waiting.thread.get_absolute_url()),
        ("host-listings", "host", "/host/listings/"),
        ("listing-new", "host", "/host/listings/new/"),
        ("listing-edit", "host", f"/host/listings/{listing.pk}/edit/"),
        ("listing-photos", "host", f"/host/listings/{listing.pk}/photos/"),
        ("house-guide", "host", f"/contracts/house-guides/{listing.pk}/"),
        ("thread", "host", thread.get_absolute_url()),
        ("contract", "host", signed.get_absolute_url()),
        ("payouts", "host", "/contracts/payouts/"),
        ("reservation-accept", "host-to-accept", f"/contracts/requests/{request.pk}/accept/"),
        ("admin-login", "anonymous", "/admin/login/", None, 200, "/accounts/login/"),
        ("second-factor", "staff-signing-in", "/accounts/2fa/authenticate/"),
        ("admin-index", "staff", "/admin/"),
        ("two-factor", "staff", "/accounts/2fa/"),
        ("admin-privacy-request", "staff", admin_request),
    ]
    card_pages = [
        ("card-checkout", "tenant", checkout, CARD_TEST_MODE),
        ("card-test-checkout", "tenant", _test_checkout_path(payment), CARD_TEST_MODE),
    ]
    return [MainPage(*page) for page in pages + card_pages]


def language_cookie(base: str, language: str) -> dict:
    return {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}


def _password_enter(page) -> None:
    password = page.locator("input[name=password]")
    password.fill(DEMO_PASSWORD)
    with page.expect_navigation():
        password.press("Enter")


def sign_in(page, base: str, email: str) -> None:
    """The login form, found by field names; Enter submits it."""
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    _password_enter(page)


def password_confirm(page, base: str) -> None:
    """Confirm the password, as the privacy request form asks first (for a few minutes)."""
    page.goto(base + REAUTH)
    _password_enter(page)


def staff_sign_in(page, base: str, email: str) -> None:
    """Password, then the second factor, as admin asks of staff; ends on the code page's next."""
    sign_in(page, base, email)
    if "/2fa/authenticate" not in page.url:
        page.goto(f"{base}/admin/")
    code = page.locator("input[name=code]")
    code.fill(totp_code_fresh(DEMO_STAFF_TOTP_SECRET))
    with page.expect_navigation():
        code.press("Enter")


def visitor_context(browser, base: str, visitor: str, language: str, **options):
    """A browser context for one visitor in one language, signed in unless anonymous."""
    context = browser.new_context(**options)
    context.add_cookies([language_cookie(base, language)])
    email = VISITORS[visitor]
    if email:
        page = context.new_page()
        page.set_default_timeout(10_000)
        (staff_sign_in if visitor == "staff" else sign_in)(page, base, email)
        if visitor == "tenant":
            password_confirm(page, base)
        page.close()
    return context
