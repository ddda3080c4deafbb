"""MDN's HTTP Observatory grades every main page with full marks (A+), signed in or not.

The site runs as in production (DEBUG off, HTTPS forced, whitenoise's manifest of
static files) under gunicorn: TLS with a self-signed certificate for localhost on one
loopback port, plain HTTP on another. The scanner (npm `@mdn/mdn-http-observatory`,
installed by .ci/run into tests/kaguaruoo/observatory/node_modules) runs its own
checks on each page, with a session cookie for the signed-in ones.
"""

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.contracts.builders import signed_contract
from tests.services import Gunicorn, database_url, production_env, redis_keys_delete

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

SCANNER = Path(__file__).parent / "observatory"
INSTALL = "make tools"
# Every test at its best: 145, less the 5 points of a domain on the browsers' HSTS preload
# list (the scanner's copy of the list is empty offline; kaguaruoo.jp asks to be on it).
FULL_SCORE = 140
NOT_PRELOADED = "hsts-implemented-max-age-at-least-six-months"
SHIBUYA = "/listings/?q=%E6%B8%8B%E8%B0%B7"


def certificate_make(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", cert],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


class Site:
    """The site under gunicorn on loopback: TLS on one port, plain HTTP on another."""

    def __init__(self, workdir: Path, var_dir: Path):
        cert, key = certificate_make(workdir)
        self.cert = cert
        self.prefix = f"test-{uuid.uuid4().hex}"
        env = production_env(
            var_dir=var_dir,
            database_url=database_url(connection.settings_dict),
            redis_url=settings.REDIS_URL,
            DJANGO_SETTINGS_MODULE="tests.kaguaruoo.observatory.settings",
            ALLOWED_HOSTS="localhost",
            CACHE_KEY_PREFIX=self.prefix,
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
        )
        options = {"workdir": workdir, "env": env, "workers": 1, "threads": 4, "host": "localhost"}
        self.https = Gunicorn(**options, tls=(cert, key))
        self.http = Gunicorn(**options)
        self.https_port, self.http_port = self.https.port, self.http.port
        for server in (self.https, self.http):
            server.env.update(
                OBSERVATORY_SSL_HOST=f"localhost:{self.https_port}",
                SITE_URL=f"https://localhost:{self.https_port}",
            )
            for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_XDIST_WORKER"):
                server.env.pop(name, None)

    def start(self) -> None:
        self.https.start()
        self.http.start()

    def stop(self) -> None:
        for server in (self.https, self.http):
            server.stop(graceful=True)  # gunicorn closes its database connections as it goes
        redis_keys_delete(settings.REDIS_URL, self.prefix)


@pytest.fixture
def site(tmp_path, collected_static):
    site = Site(tmp_path, collected_static)
    try:
        site.start()
        yield site
    finally:
        site.stop()


def session_cookie(user) -> str:
    """A signed-in session, kept in the database the site reads."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def main_pages() -> list[dict]:
    contract = signed_contract()
    tenant, host = session_cookie(contract.tenant), session_cookie(contract.host)
    listing, thread = contract.listing.get_absolute_url(), contract.thread.get_absolute_url()
    pages = [
        ("home", "/", None),
        ("search", SHIBUYA, None),
        ("listing", listing, None),
        ("public profile", contract.host.get_absolute_url(), None),
        ("login", "/accounts/login/", None),
        ("sign-up", "/accounts/signup/", None),
        ("privacy policy", "/privacy/", None),
        ("account", "/accounts/profile/", tenant),
        ("messages", "/messages/", tenant),
        ("thread", thread, tenant),
        ("contract", contract.get_absolute_url(), tenant),
        ("privacy, mine", "/privacy/me/", tenant),
        ("host's listings", "/host/listings/", host),
        ("payouts", "/contracts/payouts/", host),
    ]
    return [{"name": name, "path": path, "cookie": cookie} for name, path, cookie in pages]


def scan(site: Site, pages: list[dict]) -> list[dict]:
    scanner = SCANNER / "node_modules" / "@mdn" / "mdn-http-observatory"
    if not (scanner / "conf" / "hsts-preload.json").exists():
        raise RuntimeError(f"The Observatory scanner is not installed: {INSTALL}")
    request = {
        "host": "localhost",
        "httpPort": str(site.http_port),
        "httpsPort": str(site.https_port),
        "pages": pages,
    }
    result = subprocess.run(
        ["node", "scan_pages.mjs"],
        cwd=SCANNER, input=json.dumps(request), capture_output=True, text=True, timeout=240,
        env={**os.environ, "NODE_EXTRA_CA_CERTS": str(site.cert)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def report_line(page: dict, scanned: dict) -> str:
    failing = [
        f"{test['name']}: {test['result']} ({test['modifier']:+d} of {test['best']:+d})"
        for test in scanned["tests"]
        if not test["pass"] or (test["modifier"] < test["best"] and test["result"] != NOT_PRELOADED)
    ]
    signed_in = " (signed in)" if page["cookie"] else ""
    return (
        f"{scanned['score']:>4} {scanned['grade']:<3} {page['name']}{signed_in} {page['path']}"
        f" -> {scanned['status']} {scanned['arrived']}"
        + "".join(f"\n       {line}" for line in failing)
    )


def test_every_main_page_scores_full_marks_in_the_observatory(site):
    pages = main_pages()

    scanned = scan(site, pages)

    report = "\n".join(report_line(page, found) for page, found in zip(pages, scanned, strict=True))
    print(f"\nHTTP Observatory, each main page:\n{report}")
    assert [found["name"] for found in scanned] == [page["name"] for page in pages], report
    for page, found in zip(pages, scanned, strict=True):
        assert (found["status"], found["arrived"]) == (200, page["path"].split("?")[0]), report
        assert found["score"] == FULL_SCORE, report
