"""The access log through its Redis buffer: requests append, beat's drain writes the table.

These run against a real Redis: REDIS_URL's when the suite has one, else the one on
this machine's loopback. A Redis that is not there fails the tests, it skips none.
The database commits as it does in production (a drain trims only what is committed).
"""

import datetime
import io
import json
import uuid
import zipfile

import pytest
import redis
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaguaruoo.celery import app as celery_app
from privacy.access_log_buffer import BufferBusy, buffer_drain
from privacy.models import AccessLog
from privacy.services import (
    _access_entries_write,
    access_log_domains_resolve,
    access_logs_drain,
    access_logs_flush,
    access_logs_purge,
    privacy_archive_build,
    privacy_request_decide,
    privacy_request_file,
)
from tests.accounts.factories import UserFactory
from tests.privacy.helpers import reauthenticate, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

LOOPBACK_REDIS = "redis://127.0.0.1:6379/0"


class Buffer:
    """The list a test's requests append to, under a key of the test's own."""

    def __init__(self, url: str, key: str):
        self.url, self.key = url, key
        self.redis = redis.Redis.from_url(url)

    def entries(self) -> list[dict]:
        return [json.loads(item) for item in self.redis.lrange(self.key, 0, -1)]

    def push(self, **entry) -> None:
        self.redis.rpush(self.key, json.dumps(entry))


@pytest.fixture
def buffer(settings):
    """The site as it runs with Redis and a beat: rows go onto the buffer."""
    url = settings.REDIS_URL or LOOPBACK_REDIS
    key = f"test:{uuid.uuid4().hex}:access-log"
    settings.REDIS_URL = url
    settings.ACCESS_LOG_BUFFER_KEY = key
    # A broker, so no eager tasks; the suite's autouse fixture puts eager mode back.
    celery_app.conf.task_always_eager = False
    buffer = Buffer(url, key)
    buffer.redis.ping()
    yield buffer
    buffer.redis.delete(key, f"{key}:drain")


def entry(**fields) -> dict:
    return {
        "key": uuid.uuid4().hex,
        "at": timezone.now().isoformat(),
        "user": None,
        "method": "GET",
        "path": "/listings/",
        "status": 200,
        "ip": "198.51.100.7",
        "agent": "Firefox/140",
        **fields,
    }


def test_a_request_leaves_its_row_in_the_buffer_until_the_drain_writes_it(client, buffer):
    user = UserFactory()
    client.force_login(user)

    client.get("/privacy/?page=2", HTTP_USER_AGENT="Firefox/140")
    client.get("/no-such-page/")

    assert not AccessLog.objects.exists()
    assert [e["path"] for e in buffer.entries()] == ["/privacy/", "/no-such-page/"]

    assert access_logs_drain() == 2

    ok, missing = AccessLog.objects.order_by("pk")
    assert (ok.user, ok.path, ok.status, ok.method) == (user, "/privacy/", 200, "GET")
    assert (ok.ip_address, ok.user_agent) == ("127.0.0.1", "Firefox/140")
    assert timezone.now() - ok.at < datetime.timedelta(minutes=1)
    assert (missing.status, missing.user) == (404, user)
    assert buffer.entries() == []
    assert access_logs_drain() == 0


def test_a_buffered_request_inserts_nothing_into_the_database(client, buffer):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/terms/")

    assert response.status_code == 200
    assert not [q for q in queries if "privacy_accesslog" in q["sql"]]
    assert len(buffer.entries()) == 1


def test_the_buffer_keeps_no_tokens_or_query_strings(client, buffer):
    client.get("/accounts/confirm-email/MQ:1vZ-secretkey-abcdefghijklmnop/?token=sekret")

    [logged] = buffer.entries()
    assert logged["path"] == "/accounts/confirm-email/[masked]/"
    assert "secretkey" not in json.dumps(logged)
    assert "sekret" not in json.dumps(logged)


def test_drained_rows_get_their_domain_from_the_five_minute_task(client, buffer):
    client.get("/privacy/")
    access_logs_drain()
    assert AccessLog.objects.get().domain_resolved is False

    assert access_log_domains_resolve() == 1

    row = AccessLog.objects.get()
    assert (row.ip_address, row.domain, row.domain_resolved) == ("127.0.0.1", "localhost", True)


def test_with_redis_down_the_row_is_written_at_once_and_the_page_still_answers(
    client, buffer, settings
):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/privacy/")

    assert response.status_code == 200
    row = AccessLog.objects.get()
    assert (row.path, row.status, row.ip_address) == ("/privacy/", 200, "127.0.0.1")


def test_a_drain_that_died_before_trimming_leaves_rows_that_are_written_once(buffer):
    for number in range(5):
        buffer.push(**entry(path=f"/listings/{number}/"))

    def write_then_die(entries):
        _access_entries_write(entries)
        raise SystemExit("worker killed after its INSERT, before its trim")

    with pytest.raises(SystemExit):
        buffer_drain(write_then_die, batch=3)
    assert AccessLog.objects.count() == 3
    assert len(buffer.entries()) == 5

    assert access_logs_drain(batch=3) == 5

    paths = sorted(AccessLog.objects.values_list("path", flat=True))
    assert paths == [f"/listings/{number}/" for number in range(5)]
    assert buffer.entries() == []


def test_while_one_drain_runs_another_leaves_the_rows_to_it(buffer):
    buffer.push(**entry())
    buffer.redis.set(f"{buffer.key}:drain", "another drain's token", px=60_000)

    assert access_logs_drain() == 0
    assert len(buffer.entries()) == 1
    with pytest.raises(BufferBusy):
        buffer_drain(lambda entries: None, batch=10, wait=0.2)

    buffer.redis.delete(f"{buffer.key}:drain")
    assert access_logs_drain() == 1
    assert AccessLog.objects.count() == 1


def test_a_row_whose_person_was_deleted_while_it_waited_is_kept_without_them(buffer):
    gone = UserFactory()
    stays = UserFactory()
    buffer.push(**entry(user=gone.pk, path="/gone/"))
    buffer.push(**entry(user=stays.pk, path="/stays/"))
    gone.delete()

    assert access_logs_drain() == 2

    assert dict(AccessLog.objects.values_list("path", "user")) == {
        "/gone/": None,
        "/stays/": stays.pk,
    }


def test_an_unreadable_entry_is_dropped_and_the_others_are_written(buffer):
    buffer.redis.rpush(buffer.key, b"{not json")
    buffer.push(**entry(path="/first/"))
    buffer.push(**{k: v for k, v in entry(path="/no-status/").items() if k != "status"})
    buffer.push(**entry(path="/second/"))

    assert access_logs_drain() == 4

    assert sorted(AccessLog.objects.values_list("path", flat=True)) == ["/first/", "/second/"]
    assert buffer.entries() == []


def test_the_data_download_holds_the_requests_still_in_the_buffer(client, buffer):
    user = UserFactory()
    sign_in(client, user)
    reauthenticate(client)
    client.get("/privacy/me/")
    assert not AccessLog.objects.filter(user=user).exists()

    data = json.loads(client.get(reverse("privacy:me_download")).content)["data"]

    assert "/privacy/me/" in [row["path"] for row in data["privacy.AccessLog"]]


def test_a_disclosure_archive_holds_the_requests_still_in_the_buffer(client, buffer, settings):
    user = UserFactory()
    client.force_login(user)
    client.get("/privacy/")
    request = privacy_request_file(
        user=user,
        kind="disclosure",
        identity_check="document",
        identity_note="passport",
        checked_by=UserFactory(is_staff=True),
    )

    privacy_archive_build(privacy_request=request)

    request.refresh_from_db()
    with request.archive.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as zipped:
        data = json.loads(zipped.read("data.json"))["data"]
    assert [row["path"] for row in data["privacy.AccessLog"]] == ["/privacy/"]


def test_a_deletion_decided_in_admin_erases_the_requests_still_in_the_buffer(client, buffer):
    user = UserFactory()
    client.force_login(user)
    client.get("/privacy/")
    client.get("/terms/")
    client.logout()
    buffer.push(**entry(path="/someone-else/"))
    deletion = privacy_request_file(
        user=user, kind="deletion", identity_check="reauthentication", ip="127.0.0.1"
    )

    privacy_request_decide(
        privacy_request=deletion, decision="fulfilled", by=UserFactory(is_staff=True)
    )

    deletion.refresh_from_db()
    assert deletion.erasure_report["deleted"]["privacy.AccessLog"] == 2
    assert not AccessLog.objects.filter(user=user).exists()
    assert list(AccessLog.objects.values_list("path", flat=True)) == ["/someone-else/"]
    assert buffer.entries() == []
    assert access_logs_drain() == 0  # nothing comes back, the lock is free


def test_rows_flushed_in_a_transaction_that_rolls_back_stay_in_the_buffer(buffer):
    buffer.push(**entry(path="/kept/"))

    with pytest.raises(RuntimeError), transaction.atomic():
        assert access_logs_flush() == 1
        assert AccessLog.objects.count() == 1
        raise RuntimeError("the decision failed after the flush")

    assert not AccessLog.objects.exists()
    assert [e["path"] for e in buffer.entries()] == ["/kept/"]
    assert access_logs_drain() == 0  # the flush's lock lapses after LOCK_SECONDS...
    buffer.redis.delete(f"{buffer.key}:drain")  # ...as here
    assert access_logs_drain() == 1
    assert list(AccessLog.objects.values_list("path", flat=True)) == ["/kept/"]


def test_officers_see_drained_rows_and_the_purge_removes_old_ones(officer_client, buffer):
    officer_client.get("/privacy/")
    officer_client.get("/terms/")
    access_logs_drain()

    page = officer_client.get(reverse("admin:privacy_accesslog_changelist")).text
    assert '<td class="field-path">/terms/</td>' in page
    assert "not looked up yet" in page

    AccessLog.objects.filter(path="/privacy/").update(
        at=timezone.now() - datetime.timedelta(days=181)
    )
    assert access_logs_purge() == 1
    assert not AccessLog.objects.filter(path="/privacy/").exists()
