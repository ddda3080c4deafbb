"""gunicorn serving the site with Redis is stopped with SIGTERM while requests arrive:
every request that was answered is in the access log once the buffer is drained.

The web processes get an empty database of their own (the page asked for reads
nothing): whatever reaches the table came through Redis and the drain run here.
"""

import signal
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest
import redis

from privacy.models import AccessLog
from privacy.services import access_logs_drain
from tests.privacy.test_access_log_buffer import LOOPBACK_REDIS
from tests.services import Gunicorn

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

ANSWERED_BEFORE_SIGTERM = 40


class Visitor(threading.Thread):
    """Asks for a page again and again until the site stops answering."""

    def __init__(self, site: Gunicorn):
        super().__init__(daemon=True)
        self.site = site
        self.answered = 0
        self.other_answers = []

    def run(self):
        while True:
            try:
                with urllib.request.urlopen(self.site.url("/terms/"), timeout=10) as response:
                    response.read()
                    self.answered += 1
            except urllib.error.HTTPError as error:
                self.other_answers.append(error.code)
            except OSError:
                return


@pytest.fixture
def site(settings, tmp_path):
    url = settings.REDIS_URL or LOOPBACK_REDIS
    prefix = f"test-{uuid.uuid4().hex}"
    settings.REDIS_URL = url
    settings.ACCESS_LOG_BUFFER_KEY = f"{prefix}:access-log"
    connection = redis.Redis.from_url(url)
    connection.ping()
    site = Gunicorn(
        workdir=tmp_path,
        env={
            "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
            "REDIS_URL": url,
            "CACHE_KEY_PREFIX": prefix,
            "VAR_DIR": str(tmp_path / "var"),
        },
    )
    site.start()
    yield site
    site.stop()
    keys = list(connection.scan_iter(f"{prefix}:*"))
    if keys:
        connection.delete(*keys)


def test_stopping_the_web_processes_with_sigterm_loses_no_access_log_row(site):
    visitor = Visitor(site)
    visitor.start()
    deadline = time.monotonic() + 60
    while visitor.answered < ANSWERED_BEFORE_SIGTERM and time.monotonic() < deadline:
        time.sleep(0.01)

    site.process.send_signal(signal.SIGTERM)
    assert site.process.wait(timeout=30) == 0
    visitor.join(timeout=30)

    assert visitor.answered >= ANSWERED_BEFORE_SIGTERM
    assert visitor.other_answers == []
    assert not AccessLog.objects.exists()
    assert access_logs_drain() == visitor.answered
    assert AccessLog.objects.filter(path="/terms/", status=200).count() == visitor.answered
