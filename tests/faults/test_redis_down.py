"""Redis stops under the site (gunicorn, DEBUG off, PostgreSQL): every main page, as
each role, still answers with its content, signing in is paused with a clear page,
and once Redis is back the pages answer and the cache is used again.

Redis here is the test's own (tests.services.RedisServer): the shared one is never
stopped. The people, signed in before the outage: an anonymous visitor, a tenant
with a signed contract, a tenant whose contract waits for Agree, their host, and a
staff member signed in with a second factor.

While Redis is down (main_pages below, and the posts after it):
- anonymous: home, search with filters, a listing, the postal and station lookups,
  the privacy policy, the sign-in form, signing up; the sign-in and password-reset
  POSTs get the pause page (503);
- tenant: home, search, messages, a thread, posting a message there, contracts, the
  contract, the privacy page, the account page;
- the waiting tenant: the contract, Agree (the signing code is asked for), sign-out;
- host: their listings, messages, a thread, payouts, the privacy page;
- staff: the admin index and the contracts list.
"""

import re
import signal
import threading
import time
from html import unescape

import pytest
import redis
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from contracts.booking.services import contract_send
from messaging.models import Thread
from privacy.staff_access import privacy_officer_add
from tests.accounts.factories import PASSWORD
from tests.contracts.builders import reservation, signed_contract
from tests.listings.builders import listing_near_station
from tests.privacy.helpers import sign_in_with_second_factor, staff_with_authenticator
from tests.services import Gunicorn, RedisServer, database_url, production_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

KEY_PREFIX = "kagu-fault"


class Visitor:
    """One person's browser: their session cookie, and a CSRF token read from a page."""

    def __init__(self, site: Gunicorn, session_key: str | None = None):
        self.site = site
        self.http = requests.Session()
        if session_key:
            self.http.cookies.set(settings.SESSION_COOKIE_NAME, session_key)

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.site.url(path), timeout=15, allow_redirects=False)

    def post(self, path: str, data: dict, *, form_page: str) -> requests.Response:
        page = self.http.get(self.site.url(form_page), timeout=15)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self.http.post(
            self.site.url(path),
            data={"csrfmiddlewaretoken": token, **data},
            headers={"Referer": self.site.url(form_page)},
            timeout=15,
            allow_redirects=False,
        )


def session_of(user, *, second_factor=False) -> str:
    """A session key signed in as `user`, written to the database: the site has this
    process's SECRET_KEY, so it is the site's session too."""
    client = Client()
    if second_factor:
        sign_in_with_second_factor(client, user)
    else:
        client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def world():
    signed = signed_contract()
    tenant, host, listing = signed.tenant, signed.host, signed.listing
    waiting = contract_send(
        reservation=reservation(listing=listing_near_station(host=host, title="Ebisu loft")),
        by=host,
        ip="198.51.100.4",
        user_agent="HostBrowser/1.0",
    )
    staff = staff_with_authenticator()
    privacy_officer_add(user=staff)
    return {
        "listing": listing,
        "contract": signed,
        "waiting": waiting,
        "thread": Thread.objects.get(listing=listing, tenant=tenant),
        "tenant": tenant,
        "waiting_tenant": waiting.tenant,
        "host": host,
        "staff": staff,
    }


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def site_starting(tmp_path, redis_server, collected_static):
    """The site starting in the background, while the test builds its data."""
    site = Gunicorn(
        workdir=tmp_path,
        env=production_env(
            var_dir=collected_static,
            database_url=database_url(connection.settings_dict),
            redis_url=redis_server.url(0),
            ALLOWED_HOSTS="127.0.0.1",
            USE_HTTPS="false",
            CACHE_KEY_PREFIX=KEY_PREFIX,
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            EMAIL_URL="console://",
            BANK_TRANSFER_ACCOUNT="Test Bank, Shibuya branch, ordinary 1234567",
            COMPANY_ADDRESS="KaguAruoo K.K., Tokyo (test)",
        ),
    )
    site.env["SITE_URL"] = site.url("")
    failures = []

    def start():
        try:
            site.start()
        except BaseException as error:  # re-raised in the test's thread
            failures.append(error)

    starting = threading.Thread(target=start, daemon=True)
    starting.start()
    yield site, starting, failures
    starting.join(timeout=60)
    if site.process and site.process.poll() is None:
        # Quick shutdown: the workers exit at once and close their database connections.
        site.process.send_signal(signal.SIGQUIT)
        site.process.wait(timeout=30)
    site.stop()


@pytest.fixture
def site(site_starting, world):
    site, starting, failures = site_starting
    starting.join(timeout=240)
    if failures:
        raise failures[0]
    assert site.process is not None and site.process.poll() is None
    return site


def visible_text(html: str) -> str:
    """What a person reads on the page (tags and scripts removed, spaces collapsed)."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


PAUSED = "Signing in is paused for a few minutes while we fix a fault. Please try again shortly."


def main_pages(w) -> list[tuple[str, str, str, str]]:
    """(who, address, status, a sentence they read there) for every main page."""
    listing, thread, number = w["listing"], w["thread"], w["contract"].number
    search = "/listings/?station=渋谷&walk=10&rent_max=150000&months=3&sort=walk"
    return [
        ("anonymous", "/", 200, "Furnished apartments by the month, anywhere in Japan"),
        ("anonymous", search, 200, "2 apartments"),
        ("anonymous", listing.get_absolute_url(), 200, "5 min walk"),
        ("anonymous", "/api/postal-codes/150-0002", 200, "渋谷区"),
        ("anonymous", "/api/stations/?q=渋谷", 200, "Shibuya"),
        ("anonymous", "/privacy/", 200, "Purposes of use of Personal Information"),
        ("anonymous", "/accounts/login/", 200, "Forgot your password?"),
        ("tenant", "/", 200, "Popular apartments"),
        ("tenant", search, 200, "Ebisu loft"),
        ("tenant", "/messages/", 200, "Furnished 1K"),
        ("tenant", thread.get_absolute_url(), 200, f"signed contract {number}"),
        ("tenant", "/contracts/", 200, number),
        ("tenant", w["contract"].get_absolute_url(), 200, "Room 1203, Kagu Tower"),
        ("tenant", "/privacy/me/", 200, "Download everything KaguAruoo holds about you"),
        ("tenant", "/accounts/profile/", 200, "Sign-in and security"),
        ("waiting_tenant", w["waiting"].get_absolute_url(), 200, "If you agree, click Agree"),
        ("host", "/host/listings/", 200, "Ebisu loft"),
        ("host", "/messages/", 200, "Inquiry from"),
        ("host", thread.get_absolute_url(), 200, f"signed contract {number}"),
        ("host", "/contracts/payouts/", 200, "Each payment a tenant makes is paid out to you"),
        ("host", "/privacy/me/", 200, "Download everything KaguAruoo holds about you"),
        ("staff", "/admin/", 200, "Site administration"),
        ("staff", "/admin/contracts/contract/", 200, number),
    ]


def assert_page(response: requests.Response, status: int, sentence: str) -> None:
    text = visible_text(response.text)
    where = f"{response.request.method} {response.url}"
    assert response.status_code == status, f"{where}: {response.status_code} {text[:400]}"
    assert sentence in text, f"{where}: {sentence!r} not in {text[:600]}"


def test_with_redis_stopped_every_main_page_answers_for_each_role_and_the_cache_returns(
    site, redis_server, world
):
    w = world
    people = {
        "anonymous": Visitor(site),
        "tenant": Visitor(site, session_of(w["tenant"])),
        "waiting_tenant": Visitor(site, session_of(w["waiting_tenant"])),
        "host": Visitor(site, session_of(w["host"])),
        "staff": Visitor(site, session_of(w["staff"], second_factor=True)),
    }
    # Before the outage: everyone is signed in, their sessions read into the cache.
    for who, visitor in people.items():
        assert_page(visitor.get("/"), 200, "Log out" if who != "anonymous" else "Log in")
    assert requests.get(site.url("/healthz"), timeout=15).json()["cache"] == "ok"

    redis_server.stop()

    health = requests.get(site.url("/healthz"), timeout=15)
    assert health.status_code == 503
    assert health.json() == {"database": "ok", "cache": "down", "broker": "down"}
    for who, path, status, sentence in main_pages(w):
        assert_page(people[who].get(path), status, sentence)

    tenant, thread = people["tenant"], w["thread"].get_absolute_url()
    posted = tenant.post(
        f"{thread}post/", {"body": "Is the Wi-Fi fast enough for video calls?"}, form_page=thread
    )
    assert posted.status_code == 302
    assert_page(tenant.get(thread), 200, "Is the Wi-Fi fast enough for video calls?")

    waiting, contract = people["waiting_tenant"], w["waiting"].get_absolute_url()
    agreed = waiting.post(f"{contract}agree/", {}, form_page=contract)
    assert agreed.status_code == 302
    assert_page(waiting.get(contract), 200, "We emailed you a one-time code")

    anonymous = people["anonymous"]
    reset = "/accounts/password/reset/"
    assert_page(anonymous.post(reset, {"email": w["tenant"].email}, form_page=reset), 503, PAUSED)
    login = {"login": w["tenant"].email, "password": PASSWORD}
    assert_page(
        anonymous.post("/accounts/login/", login, form_page="/accounts/login/"), 503, PAUSED
    )

    signup = {
        "email": "newcomer@example.com",
        "password1": "quiet-maple-river-42",
        "password2": "quiet-maple-river-42",
        "account_type": "personal",
        "first_name": "Yuki",
        "last_name": "Tanaka",
        "accept_policy": "on",
    }
    signed_up = anonymous.post("/accounts/signup/", signup, form_page="/accounts/signup/")
    assert signed_up.status_code == 302
    assert_page(anonymous.get(signed_up.headers["Location"]), 200, "Verify Your Email Address")

    signed_out = waiting.post("/accounts/logout/", {}, form_page="/")
    assert signed_out.status_code == 302
    assert_page(waiting.get("/"), 200, "Log in")

    redis_server.start()

    deadline = time.monotonic() + 20
    while requests.get(site.url("/healthz"), timeout=15).status_code != 200:
        assert time.monotonic() < deadline, "the site did not find Redis again"
        time.sleep(0.5)
    for who, path, status, sentence in main_pages(w)[:3] + main_pages(w)[-4:]:
        assert_page(people[who].get(path), status, sentence)
    wrong = {"login": w["tenant"].email, "password": "not-the-password"}
    assert_page(
        anonymous.post("/accounts/login/", wrong, form_page="/accounts/login/"),
        200,
        "The email address and/or password you specified are not correct.",
    )
    assert_page(people["waiting_tenant"].get("/"), 200, "Log in")
    # The host's session, read from the database once more, is in the cache again.
    assert_page(people["host"].get("/host/listings/"), 200, "Ebisu loft")
    cached = redis.Redis(port=redis_server.port).keys(f"{KEY_PREFIX}:*")
    host_session = people["host"].http.cookies[settings.SESSION_COOKIE_NAME]
    assert any(key.decode().endswith(host_session) for key in cached)
