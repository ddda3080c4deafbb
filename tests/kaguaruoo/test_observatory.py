"""MDN's HTTP Observatory grades every main page with full marks (A+), signed in or not.

The site runs as in production (DEBUG off, HTTPS forced, whitenoise's manifest of
static files) under gunicorn: TLS with a self-signed certificate for localhost on one
loopback port, plain HTTP on another. The scanner (npm `@mdn/mdn-http-observatory`,
installed by .ci/run into tests/kaguaruoo/observatory/node_modules) runs its own
checks on each page, with a session cookie for the signed-in ones.
"""

import json
import os
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.contracts.builders import signed_contract
from tests.services import ROOT, database_url, free_port

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

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.https_port, self.http_port = free_port(), free_port()
        self.cert, self.key = certificate_make(workdir)
        self.prefix = f"test-{uuid.uuid4().hex}"
        self.processes = []
        left_out = {"DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_XDIST_WORKER"}
        self.env = {k: v for k, v in os.environ.items() if k not in left_out}
        self.env.update(
            DJANGO_SETTINGS_MODULE="tests.kaguaruoo.observatory.settings",
            OBSERVATORY_SSL_HOST=f"localhost:{self.https_port}",
            DEBUG="false",
            SECRET_KEY=settings.SECRET_KEY,
            ALLOWED_HOSTS="localhost",
            SITE_URL=f"https://localhost:{self.https_port}",
            DATABASE_URL=database_url(connection.settings_dict),
            REDIS_URL=settings.REDIS_URL,
            CACHE_KEY_PREFIX=self.prefix,
            VAR_DIR=str(workdir / "var"),
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
        )

    def start(self) -> None:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        tls = ["--certfile", str(self.cert), "--keyfile", str(self.key)]
        self._serve(self.https_port, tls)
        self._serve(self.http_port, [])
        context = ssl.create_default_context(cafile=str(self.cert))
        self._wait(f"https://localhost:{self.https_port}/healthz", context)
        self._wait(f"http://localhost:{self.http_port}/healthz", None)

    def _serve(self, port: int, arguments: list) -> None:
        log = (self.workdir / f"gunicorn-{port}.log").open("w")
        command = [
            sys.executable, "-m", "gunicorn", "kaguaruoo.wsgi:application",
            "--bind", f"localhost:{port}", "--threads", "4", *arguments,
        ]  # fmt: skip
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)

    def _wait(self, url: str, context, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                raise RuntimeError(f"gunicorn exited: {self.logs()}")
            try:
                urllib.request.urlopen(url, timeout=2, context=context)
                return
            except urllib.error.HTTPError:
                return  # answering, whatever it thinks of its cache or broker
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{url} did not answer within {timeout}s: {self.logs()}")

    def logs(self) -> str:
        return "\n".join(path.read_text()[-2000:] for path in self.workdir.glob("gunicorn-*.log"))

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()  # gunicorn closes its database connections as it goes
        for process in self.processes:
            process.wait(timeout=30)
        store = redis.Redis.from_url(settings.REDIS_URL)
        keys = list(store.scan_iter(f"{self.prefix}:*"))
        if keys:
            store.delete(*keys)


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
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
