"""Abuse limits and body caps with the real services: two web processes share one count
in Redis; a stopped Redis lets people through and the count resumes when it is back;
gunicorn answers an oversized upload with 413 before the body is sent."""

import logging
import socket
import urllib.error
import urllib.request
import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches

from kaguaruoo.ratelimit import limit_windows
from messaging.models import Message
from tests.messaging.builders import start_thread
from tests.services import Gunicorn, RedisServer

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    """The site twice, one gunicorn worker each, sharing the test's Redis under a prefix
    of their own and each with an empty database (a lookup reads none)."""
    url = django_settings.REDIS_URL
    prefix = f"test-{uuid.uuid4().hex}"
    sites = []
    for n in range(2):
        workdir = tmp_path_factory.mktemp(f"site{n}")
        site = Gunicorn(
            workdir=workdir,
            workers=1,
            env={
                "DATABASE_URL": f"sqlite:///{workdir / 'web.sqlite3'}",
                "REDIS_URL": url,
                "CACHE_KEY_PREFIX": prefix,
                "VAR_DIR": str(workdir / "var"),
            },
        )
        site.start()
        sites.append(site)
    yield sites
    for site in sites:
        site.stop()
    connection = redis.Redis.from_url(url)
    keys = list(connection.scan_iter(f"{prefix}:*"))
    if keys:
        connection.delete(*keys)


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_two_web_processes_count_one_allowance_between_them(two_sites):
    allowed = limit_windows("postal_lookup")[0].count
    path = "/api/postal-codes/1500002"

    answers = [status_of(two_sites[n % 2].url(path)) for n in range(allowed)]
    refused = [status_of(site.url(path)) for site in two_sites]

    assert answers == [200] * allowed
    assert refused == [429, 429]


def test_gunicorn_answers_an_oversized_upload_413_before_the_body_is_sent(two_sites):
    site = two_sites[0]
    head = (
        "POST /messages/1/post/ HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{site.port}\r\n"
        "Content-Type: multipart/form-data; boundary=kagu\r\n"
        f"Content-Length: {500 * 1024 * 1024}\r\n"
        "\r\n"
        "--kagu\r\n"
    )
    with socket.create_connection(("127.0.0.1", site.port), timeout=30) as connection:
        connection.sendall(head.encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk

    assert answer.startswith(b"HTTP/1.1 413")


@pytest.fixture
def limits_on_own_redis(settings, tmp_path):
    """The limits cache on a Redis of the test's own, to stop and start."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    settings.CACHES = {
        **settings.CACHES,
        "limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url(3),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    yield server
    caches["limits"].close()
    server.stop()


def test_with_redis_stopped_messages_go_through_and_the_count_resumes_after(
    client, limits_on_own_redis, caplog
):
    thread = start_thread()
    client.force_login(thread.tenant)
    allowed = limit_windows("message")[0].count

    def post(text):
        return client.post(f"/messages/{thread.pk}/post/", {"body": text}).status_code

    limits_on_own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="kaguaruoo.ratelimit"):
        while_down = [post(f"While Redis is down {n}") for n in range(allowed + 1)]
    limits_on_own_redis.start()
    after = [post(f"After {n}") for n in range(allowed + 1)]

    assert while_down == [302] * (allowed + 1)
    assert "rate limit message not counted" in caplog.text
    assert after == [302] * allowed + [429]
    assert Message.objects.filter(body__startswith="While Redis is down").count() == allowed + 1
