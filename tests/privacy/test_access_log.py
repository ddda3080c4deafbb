import datetime
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from kaguaruoo.celery import app as celery_app
from privacy.access_log import path_for_log, reverse_dns
from privacy.models import AccessLog
from privacy.services import access_log_domains_resolve, access_logs_purge
from tests.accounts.factories import PASSWORD, UserFactory
from tests.privacy.helpers import sign_in

pytestmark = pytest.mark.django_db


def test_each_request_is_logged_with_time_user_path_status_ip_and_agent(client):
    user = UserFactory()
    client.force_login(user)

    client.get("/privacy/?page=2", HTTP_USER_AGENT="Firefox/140")
    client.get("/no-such-page/")

    ok, missing = AccessLog.objects.order_by("pk")
    assert (ok.user, ok.path, ok.status, ok.method) == (user, "/privacy/", 200, "GET")
    assert (ok.ip_address, ok.user_agent) == ("127.0.0.1", "Firefox/140")
    assert timezone.now() - ok.at < datetime.timedelta(minutes=1)
    assert missing.status == 404


def test_the_log_never_holds_passwords_tokens_session_ids_or_query_strings(client):
    user = UserFactory()
    sign_in(client, user)
    session_id = client.cookies["sessionid"].value
    client.get("/accounts/confirm-email/MQ:1vZ-secretkey-abcdefghijklmnop/")
    client.get("/privacy/archives/eyJ0b2tlbiI6MX0:1vZ:abcdefghijklmnopqrstuvwxyz/")
    client.get("/accounts/password/reset/key/3-abc123-secret/")
    client.get("/listings/?token=sekret-query-value&q=Shibuya")

    logged = " ".join(
        " ".join(map(str, row)) for row in AccessLog.objects.values_list("path", "user_agent")
    )
    for secret in (PASSWORD, session_id, "secretkey", "abcdefghijklmnop", "3-abc123", "sekret"):
        assert secret not in logged, secret
    assert "/accounts/confirm-email/[masked]" in logged


def test_static_files_and_health_checks_are_not_logged(client):
    client.get("/healthz")
    client.get("/static/css/site.css")

    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/listings/12/", "/listings/12/"),
        ("/t/abc.def.ghi", "/t/[masked]"),
        ("/u/12:short/", "/u/[masked]/"),
        ("/q/3.4:short/", "/q/[masked]/"),
        ("/gifts/confirm/7:short/", "/gifts/confirm/[masked]/"),
        ("/x/AbCdEfGhIjKlMnOpQrStUvWxYz0123/", "/x/[masked]/"),
    ],
)
def test_paths_lose_their_tokens(path, logged):
    assert path_for_log(path) == logged


def test_reverse_dns_resolves_loopback_and_caches_the_answer():
    calls = []

    def counting_resolver(ip):
        calls.append(ip)
        import socket

        return socket.gethostbyaddr(ip)

    assert reverse_dns("127.0.0.1", resolver=counting_resolver) == "localhost"
    assert reverse_dns("127.0.0.1", resolver=counting_resolver) == "localhost"
    assert calls == ["127.0.0.1"]


def test_a_slow_reverse_dns_gives_up_after_the_timeout():
    def slow_resolver(ip):
        time.sleep(2)
        return ("too-late.example", [], [ip])

    started = time.monotonic()
    assert reverse_dns("192.0.2.1", resolver=slow_resolver, timeout=0.2) == ""
    assert time.monotonic() - started < 1.5


def test_without_a_worker_a_request_from_loopback_is_logged_with_domain_localhost(client):
    """Development runs no Celery beat: the row is looked up as it is written."""
    client.get("/privacy/")

    entry = AccessLog.objects.get()
    assert (entry.ip_address, entry.domain, entry.domain_resolved) == (
        "127.0.0.1",
        "localhost",
        True,
    )


def test_with_a_worker_the_task_fills_in_the_connection_source_domain(client, settings):
    # As with a worker; the suite's autouse fixture puts eager mode back afterwards.
    celery_app.conf.task_always_eager = False
    # The row written at once, as when Redis does not take it (test_access_log_buffer.py
    # has the drained rows looked up too).
    settings.REDIS_URL = ""
    client.get("/privacy/")
    assert AccessLog.objects.get().domain_resolved is False

    assert access_log_domains_resolve() == 1

    entry = AccessLog.objects.get()
    assert (entry.domain, entry.domain_resolved) == ("localhost", True)
    assert access_log_domains_resolve() == 0


def test_officers_see_the_looked_up_name_or_why_there_is_none(officer_client):
    def row(ip, **fields):
        return AccessLog.objects.create(
            at=timezone.now(), method="GET", path="/x/", status=200, ip_address=ip, **fields
        )

    named = row("198.51.100.7", domain="host7.example.net", domain_resolved=True)
    nameless = row("192.0.2.1", domain="", domain_resolved=True)
    pending = row("203.0.113.9")

    page = officer_client.get(reverse("admin:privacy_accesslog_changelist")).text

    address_and_domain = re.compile(
        r'<td class="field-ip_address">([^<]*)</td><td class="field-source_domain">([^<]*)</td>'
    )
    cells = dict(address_and_domain.findall(page))
    assert cells["198.51.100.7"] == named.domain
    assert cells["192.0.2.1"] == "no name (the reverse lookup found none)"
    assert cells["203.0.113.9"] == "not looked up yet"
    assert cells["127.0.0.1"] == "localhost"  # the officer's own requests
    detail = officer_client.get(reverse("admin:privacy_accesslog_change", args=[nameless.pk])).text
    assert "no name (the reverse lookup found none)" in detail
    assert pending.domain_resolved is False


def test_rows_older_than_180_days_are_purged(client):
    client.get("/privacy/")
    client.get("/terms/")
    old = AccessLog.objects.order_by("pk").first()
    AccessLog.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=181))

    assert access_logs_purge() == 1
    assert list(AccessLog.objects.values_list("path", flat=True)) == ["/terms/"]


def test_officers_see_the_daily_trends_in_admin(officer_client):
    officer_client.get("/privacy/")
    officer_client.get("/terms/")

    page = officer_client.get(reverse("admin:privacy_accesslog_changelist")).text

    assert "Daily trends (last 30 days)" in page
    assert date_format(timezone.localdate()) in page
