"""The security headers of every main page, for each kind of visitor (kaguaruoo/headers.py,
SECURE_CSP in the settings, kaguaruoo/templatetags/assets.py).

Every page: a Content Security Policy that allows nothing unless named, a
Cross-Origin-Resource-Policy, a Permissions-Policy, nosniff, a Referrer-Policy, no
framing, and subresource integrity on its scripts and stylesheets. A page that may
show personal data is never stored (`private, no-store`); public pages for a visitor
who is not signed in keep their caching. Every cookie the site sets has SameSite.
"""

import base64
import hashlib
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from kaguaruoo.headers import SecurityHeadersMiddleware
from tests.accounts.factories import PASSWORD
from tests.contracts.builders import signed_contract
from tests.kaguaruoo.test_https_in_production import run
from tests.kaguaruoo.test_settings import start_django
from tests.privacy.helpers import officer_create, sign_in_with_second_factor

pytestmark = pytest.mark.django_db

ASSET = re.compile(r'<(?:script|link rel="stylesheet")[^>]*?(?:src|href)="/static/([^"]+)"[^>]*>')
DENIED_FEATURES = {"camera", "microphone", "geolocation", "payment", "usb"}


@pytest.fixture
def stay():
    return signed_contract()


def anonymous_pages(stay) -> list[tuple[str, str]]:
    return [
        ("home", "/"),
        ("search", "/listings/?q=%E6%B8%8B%E8%B0%B7"),
        ("listing", stay.listing.get_absolute_url()),
        ("public profile", stay.host.get_absolute_url()),
        ("privacy policy", "/privacy/"),
        ("terms", "/terms/"),
        ("not found", "/no-such-page/"),
    ]


def personal_anonymous_pages() -> list[tuple[str, str]]:
    """Forms that carry personal data before anyone is signed in."""
    return [
        ("login", "/accounts/login/"),
        ("sign-up", "/accounts/signup/"),
        ("password reset", "/accounts/password/reset/"),
    ]


def tenant_pages(stay) -> list[tuple[str, str]]:
    return [
        ("home", "/"),
        ("listing", stay.listing.get_absolute_url()),
        ("account", "/accounts/profile/"),
        ("profile edit", "/accounts/profile/edit/"),
        ("messages", "/messages/"),
        ("thread", stay.thread.get_absolute_url()),
        ("notification settings", "/messages/settings/"),
        ("contracts", "/contracts/"),
        ("contract", stay.get_absolute_url()),
        ("privacy, mine", "/privacy/me/"),
    ]


def host_pages(stay) -> list[tuple[str, str]]:
    return [
        ("host's listings", "/host/listings/"),
        ("listing edit", f"/host/listings/{stay.listing.pk}/edit/"),
        ("thread", stay.thread.get_absolute_url()),
        ("contract", stay.get_absolute_url()),
        ("payouts", "/contracts/payouts/"),
    ]


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def integrity_of(path: str) -> str:
    with open(finders.find(path), "rb") as source:
        return "sha384-" + base64.b64encode(hashlib.sha384(source.read()).digest()).decode()


def header_problems(response) -> list[str]:
    """What every page must carry; an empty list when all is there."""
    problems = []
    csp = directives(response.get("Content-Security-Policy", ""))
    if csp.get("default-src") != ["'none'"]:
        problems.append(f"default-src is {csp.get('default-src')}")
    for name in ("script-src", "style-src"):
        if csp.get(name) != ["'self'"]:
            problems.append(f"{name} is {csp.get(name)}")
    if csp.get("frame-ancestors") != ["'none'"] or csp.get("base-uri") != ["'none'"]:
        problems.append("frame-ancestors or base-uri is not 'none'")
    expected = {
        "Cross-Origin-Resource-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }
    problems += [
        f"{name}: {response.get(name)}"
        for name, value in expected.items()
        if response.get(name) != value
    ]
    denied = {
        feature.split("=")[0].strip()
        for feature in response.get("Permissions-Policy", "").split(",")
        if feature.strip().endswith("=()")
    }
    if not denied >= DENIED_FEATURES:
        problems.append(f"Permissions-Policy allows {DENIED_FEATURES - denied}")
    return problems + cookie_problems(response)


def cookie_problems(response) -> list[str]:
    return [
        f"cookie {name} has no SameSite"
        for name, cookie in response.cookies.items()
        if cookie["samesite"].lower() not in {"lax", "strict"}
    ]


def asset_problems(response) -> list[str]:
    """Each of the site's scripts and stylesheets carries the integrity of its file.

    Django admin's own (admin/…) are written by its templates, without.
    """
    problems = []
    html = response.content.decode()
    for element in ASSET.finditer(html):
        path = element.group(1)
        if path.startswith("admin/"):
            continue
        if f'integrity="{integrity_of(path)}"' not in element.group(0):
            problems.append(f"{path} has no integrity matching its file: {element.group(0)}")
    return problems


def not_stored(headers) -> bool:
    """Whether a response (or its headers) says `private, no-store`."""
    cache_control = {part.strip() for part in headers.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= cache_control


def visit(client, pages, *, personal: bool) -> list[str]:
    problems = []
    for name, path in pages:
        response = client.get(path)
        where = f"{name} ({path}, {response.status_code})"
        found = header_problems(response)
        if "text/html" in response.get("Content-Type", ""):
            found += asset_problems(response)
        if not_stored(response) != personal:
            found.append(f"Cache-Control is {response.get('Cache-Control')!r}")
        problems += [f"{where}: {problem}" for problem in found]
    return problems


def test_public_pages_carry_the_headers_and_stay_cacheable_for_visitors(client, stay):
    pages = anonymous_pages(stay)

    problems = visit(client, pages, personal=False)

    assert not problems, "\n".join(problems)


def test_sign_in_sign_up_and_password_reset_are_never_stored(client, stay):
    problems = visit(client, personal_anonymous_pages(), personal=True)

    assert not problems, "\n".join(problems)


def test_every_page_of_a_signed_in_tenant_or_host_is_never_stored(client, stay):
    client.force_login(stay.tenant)
    problems = visit(client, tenant_pages(stay), personal=True)
    client.force_login(stay.host)
    problems += visit(client, host_pages(stay), personal=True)

    assert not problems, "\n".join(problems)


def test_staff_site_pages_are_never_stored(client):
    sign_in_with_second_factor(client, officer_create())

    problems = visit(client, [("staff site", "/admin/")], personal=True)

    assert not problems, "\n".join(problems)


def test_every_cookie_the_site_sets_has_samesite(client, stay):
    steps = [
        client.get("/"),
        client.post("/i18n/setlang/", {"language": "ja", "next": "/"}),
        client.post(reverse("privacy:cookie_choice"), {"choice": "accepted", "next": "/"}),
        client.get("/"),  # the analytics cookie, now that it is accepted
        client.post(reverse("account_login"), {"login": stay.tenant.email, "password": PASSWORD}),
        client.post(reverse("account_logout")),
    ]

    names = {name for response in steps for name in response.cookies}
    problems = [problem for response in steps for problem in cookie_problems(response)]
    assert {"csrftoken", "sessionid", "django_language", "kagu_cookie_choice"} <= names
    assert "kagu_analytics" in names
    assert not problems, "\n".join(problems)


def test_a_form_answered_with_errors_is_never_stored(client):
    response = client.post(reverse("account_login"), {"login": "nobody@example.com"})

    assert response.status_code == 200
    assert not_stored(response)


def test_a_cookie_set_without_samesite_gets_lax_and_a_views_own_corp_stays():
    def view(request):
        response = HttpResponse()
        response.set_cookie("library_cookie", "1")
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/"))

    assert response.cookies["library_cookie"]["samesite"] == "Lax"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_the_postal_lookup_stays_publicly_cacheable_for_a_signed_in_host(client, stay):
    client.force_login(stay.host)

    response = client.get("/api/postal-codes/1500002")

    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]


PRODUCTION_PROBE = """
import json
import django
django.setup()
from django.core.management import call_command
from django.test import Client

call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)

client = Client(HTTP_HOST="kaguaruoo.jp")
pages = {"home": client.get("/", secure=True), "login": client.get("/accounts/login/", secure=True)}
print(json.dumps({
    name: {
        "status": page.status_code,
        "headers": dict(page.headers),
        "cookies": {n: [c["secure"], c["samesite"]] for n, c in page.cookies.items()},
        "html": page.content.decode(),
    }
    for name, page in pages.items()
}))
"""


def test_production_pages_send_hsts_and_integrity_of_the_collected_files(tmp_path):
    result = run(tmp_path, "-c", PRODUCTION_PROBE)

    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    for page in pages.values():
        headers = page["headers"]
        assert page["status"] == 200
        assert (
            headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        )
        assert directives(headers["Content-Security-Policy"])["default-src"] == ["'none'"]
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert all(secure and samesite == "Lax" for secure, samesite in page["cookies"].values())
        # Whitenoise's manifest: hashed names, whose integrity is of the collected file.
        collected = tmp_path / "static"
        for element in ASSET.finditer(page["html"]):
            content = (collected / element.group(1)).read_bytes()
            digest = base64.b64encode(hashlib.sha384(content).digest()).decode()
            assert re.search(r"\.[0-9a-f]{12}\.(js|css)$", element.group(1)), element.group(0)
            assert f'integrity="sha384-{digest}"' in element.group(0)
    assert "csrftoken" in pages["home"]["cookies"]
    assert not_stored(pages["login"]["headers"])
    assert "Cache-Control" not in pages["home"]["headers"]


@pytest.mark.parametrize(
    "endpoint", ["", "https://storage.example.com:9000"], ids=["aws", "s3-compatible"]
)
def test_photos_on_s3_are_allowed_by_the_policy_and_nothing_else_is(tmp_path, endpoint):
    script = (
        "import django, json; django.setup();"
        "from urllib.parse import urlsplit;"
        "from django.conf import settings;"
        "from django.core.files.storage import default_storage as s;"
        "url = urlsplit(s.url('listings/photo.jpg'));"
        "print(json.dumps([f'{url.scheme}://{url.netloc}', settings.SECURE_CSP['img-src']]))"
    )
    result = start_django(
        tmp_path,
        script=script,
        AWS_STORAGE_BUCKET_NAME="kagu-media",
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
    )

    assert result.returncode == 0, result.stderr
    origin, allowed = json.loads(result.stdout)
    assert origin in allowed
    assert "https:" not in allowed and "*" not in allowed
