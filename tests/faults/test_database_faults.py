"""PostgreSQL connections killed (`pg_terminate_backend` from an admin connection of the
test's own) under the site as it runs in production: gunicorn with DEBUG off, a Celery
worker sending a campaign through the outbox to an SMTP server.

What a person notices: the page asked for at the moment of the kill says "try again"
(503); every request after it succeeds; every recipient of the campaign gets the mail
once; a privacy request is carried out in full or not at all.
"""

import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from contextlib import contextmanager
from urllib.parse import urlencode

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, connection

from campaigns.core.models import Delivery
from campaigns.core.services import campaign_send
from kaguaruoo.celery import app as celery_app
from privacy import registry, services
from privacy.models import PolicyVersion, PrivacyRequest
from privacy.services import identity_document_submit, privacy_request_decide, privacy_request_file
from tests.accounts.factories import UserFactory
from tests.campaigns.builders import campaign_finished, campaign_to_consenting_people
from tests.privacy.helpers import identity_png
from tests.services import (
    CeleryWorker,
    Gunicorn,
    SmtpSink,
    database_url,
    production_env,
    redis_keys_delete,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WEB = "kagu-fault-web"
WORKER = "kagu-fault-worker"
PEOPLE = 24
PAGES = ("/", "/privacy/", "/listings/", "/terms/")


# --- An admin connection that kills the site's backends ---------------------------------


@contextmanager
def admin_connection(dbname="postgres"):
    """A connection of the test's own, by default to the server's `postgres` database."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    ) as admin:
        yield admin


def backends(admin, *, application: str | None = None, waiting_on_lock=False) -> list[int]:
    """The pids of the test database's backends (of one application, if named)."""
    query = "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
    values = [connection.settings_dict["NAME"]]
    if application:
        query += " AND application_name = %s"
        values.append(application)
    if waiting_on_lock:
        query += " AND wait_event_type = 'Lock'"
    return [pid for (pid,) in admin.execute(query, values).fetchall()]


def terminate(admin, pids) -> int:
    rows = admin.execute(
        "SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [list(pids)]
    ).fetchall()
    return sum(1 for (done,) in rows if done)


def own_backend_pid() -> int:
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def url_named(database: dict, application: str) -> str:
    """The test database's URL, its backends named in pg_stat_activity."""
    return f"{database_url(database)}?{urlencode({'application_name': application})}"


# --- The site under gunicorn, DEBUG off ----------------------------------------------------


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory, collected_static):
    with django_db_blocker.unblock():
        database = dict(connection.settings_dict)
    prefix = f"test-{uuid.uuid4().hex}"
    env = production_env(
        var_dir=collected_static,
        database_url=url_named(database, WEB),
        redis_url=settings.REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        SITE_URL="http://127.0.0.1",
        USE_HTTPS="false",
    )
    server = Gunicorn(workdir=tmp_path_factory.mktemp("database-faults"), env=env)
    server.start()
    yield server
    server.stop()
    redis_keys_delete(settings.REDIS_URL, prefix)


def get(site, path, *, language="en", timeout=30) -> tuple[int, str]:
    request = urllib.request.Request(site.url(path), headers={"Accept-Language": language})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class Visitor(threading.Thread):
    """Asks for the main pages in turn until told to stop; notes whether each request
    started after the kill had finished."""

    def __init__(self, site, killed: threading.Event):
        super().__init__(daemon=True)
        self.site, self.killed = site, killed
        self.answers = []  # (started after the kill, status)
        self.done = threading.Event()

    def run(self):
        number = 0
        while not self.done.is_set():
            after = self.killed.is_set()
            status, _page = get(self.site, PAGES[number % len(PAGES)])
            self.answers.append((after, status))
            number += 1


# --- 1. A mail batch and page requests while every connection is killed ------------------


class KillingSink(SmtpSink):
    """After `kill_after` messages it has `on_kill` run before it answers the last one:
    the worker's connection dies while it waits for the SMTP server's 250."""

    def __init__(self, *, kill_after: int, on_kill):
        super().__init__()
        self.kill_after, self.on_kill = kill_after, on_kill
        self.killed = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        with self._lock:
            due = len(self.messages) >= self.kill_after and not self.killed.is_set()
        if due:
            self.on_kill()
            self.killed.set()
        return answer

    def message_ids(self) -> Counter:
        with self._lock:
            return Counter(m["Message-ID"] for m in self.messages)


def wait_until(check, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout}s: {what}")


def test_connections_killed_mid_campaign_lose_no_mail_and_the_pages_answer_after(
    site, worker_queue, media_root
):
    campaign = campaign_to_consenting_people(PEOPLE, email_prefix="fault")
    killed = {}

    def kill_the_sites_connections():
        with admin_connection() as admin:
            killed["web"] = terminate(admin, backends(admin, application=WEB))
            killed["worker"] = terminate(admin, backends(admin, application=WORKER))

    sink = KillingSink(kill_after=PEOPLE // 2, on_kill=kill_the_sites_connections)
    sink.start()
    worker = CeleryWorker(
        queue=worker_queue,
        database=dict(connection.settings_dict),
        redis_url=settings.REDIS_URL,
        email_url=f"smtp://127.0.0.1:{sink.port}",
        media_root=str(media_root),
        pool="prefork",
        extra_env={
            "DATABASE_URL": url_named(connection.settings_dict, WORKER),
            "OUTBOX_LEASE_SECONDS": "3",
            "OUTBOX_BATCH": "5",
        },
    )
    visitor = Visitor(site, sink.killed)
    try:
        worker.start()
        visitor.start()
        with admin_connection() as admin:
            wait_until(
                lambda: backends(admin, application=WEB), timeout=30, what="the web connected"
            )
        campaign_send(campaign=campaign, by=campaign.created_by)
        wait_until(lambda: campaign_finished(campaign), timeout=60, what="the campaign finished")
        after_kill = lambda: sum(after for after, _status in visitor.answers)  # noqa: E731
        wait_until(lambda: after_kill() >= 12, timeout=30, what="pages asked after the kill")
    finally:
        visitor.done.set()
        visitor.join(timeout=30)
        worker.stop()
        sink.stop()

    assert sink.killed.is_set()
    assert killed["web"] >= 1 and killed["worker"] >= 1
    expected = Counter(
        Delivery.objects.filter(campaign=campaign).values_list("message__message_id", flat=True)
    )
    assert len(expected) == PEOPLE
    assert sink.message_ids() == expected  # everyone once
    statuses = Counter(status for _after, status in visitor.answers)
    assert set(statuses) <= {200, 503}, statuses  # the one in flight may ask to try again
    assert {status for after, status in visitor.answers if after} == {200}


# --- 2. The request whose connection dies mid-query -----------------------------------------


def test_the_page_whose_connection_dies_mid_query_says_try_again_and_the_next_one_answers(
    site,
):
    assert get(site, "/privacy/")[0] == 200  # the web processes hold connections now
    table = PolicyVersion._meta.db_table
    answers = {}

    def ask():
        answers["killed"] = get(site, "/privacy/", language="ja")

    database = connection.settings_dict["NAME"]
    with admin_connection() as admin, admin_connection(database) as locker:
        # The page's query waits on a lock of the test's own; then its backend is killed.
        locker.execute("BEGIN")
        locker.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN ACCESS EXCLUSIVE MODE")
        asking = threading.Thread(target=ask)
        asking.start()
        waiting = []
        wait_until(
            lambda: (
                waiting.extend(backends(admin, application=WEB, waiting_on_lock=True)) or waiting
            ),
            timeout=20,
            what="the page's query waited on the lock",
        )
        assert terminate(admin, waiting) == len(waiting)
        locker.execute("ROLLBACK")
        asking.join(timeout=30)

    status, page = answers["killed"]
    assert status == 503
    assert "しばらくしてからもう一度お試しください" in page
    assert [get(site, "/privacy/", language="ja")[0] for _ in range(4)] == [200] * 4


# --- 3. Privacy requests: carried out in full or not at all ---------------------------------


def kill_own_connection():
    """Terminate this test's own backend from the admin connection, as a restart would."""
    pid = own_backend_pid()
    with admin_connection() as admin:
        assert terminate(admin, [pid]) == 1


@pytest.fixture
def killable():
    """A test that kills its own connection: the mail of a privacy request is sent
    in-process, into Django's test outbox, and the database is emptied afterwards on a
    new connection."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager
    connection.close()


def person_with_a_document(email: str):
    user = UserFactory(email=email)
    verification = identity_document_submit(
        user=user,
        document_type="passport",
        document=identity_png(),
        number_side=False,
    )
    return user, verification


def mail_to(address: str, subject_word: str) -> list:
    return [m for m in mail.outbox if address in m.to and subject_word in m.subject]


def test_an_erasure_whose_connection_dies_midway_keeps_everything_and_runs_again(
    killable, monkeypatch
):
    user, verification = person_with_a_document("erased@example.com")
    document = verification.document.name
    privacy_request = privacy_request_file(
        user=user, kind="deletion", identity_check="reauthentication"
    )
    staff = UserFactory(is_staff=True)
    erase_files = registry._erase_files

    def erase_files_then_lose_the_connection(entry, obj, report):
        erase_files(entry, obj, report)
        if report.files_deleted:
            kill_own_connection()

    monkeypatch.setattr(registry, "_erase_files", erase_files_then_lose_the_connection)
    with pytest.raises((OperationalError, InterfaceError)):
        privacy_request_decide(privacy_request=privacy_request, decision="fulfilled", by=staff)
    connection.close()

    privacy_request.refresh_from_db()
    verification.refresh_from_db()
    assert privacy_request.status == "received" and privacy_request.decision == ""
    assert get_user_model().objects.get(pk=user.pk).email == "erased@example.com"
    assert verification.document.name == document
    assert default_storage.exists(document)  # the row still names a file that is there
    assert mail_to("erased@example.com", "Fulfilled") == []

    monkeypatch.setattr(registry, "_erase_files", erase_files)
    privacy_request_decide(privacy_request=privacy_request, decision="fulfilled", by=staff)

    privacy_request.refresh_from_db()
    assert privacy_request.status == "closed"
    assert not default_storage.exists(document)
    assert not get_user_model().objects.filter(email="erased@example.com").exists()
    assert len(mail_to("erased@example.com", "Fulfilled")) == 1


def killing_first(function, *, when=lambda *args, **kwargs: True):
    def hooked(*args, **kwargs):
        if when(*args, **kwargs):
            kill_own_connection()
        return function(*args, **kwargs)

    return hooked


@pytest.mark.parametrize("moment", ["before the row is written", "before the link is mailed"])
def test_an_archive_whose_connection_dies_is_not_half_made_and_is_built_again(
    killable, monkeypatch, moment
):
    user = UserFactory(email="disclosed@example.com", first_name="Hinata")
    privacy_request = privacy_request_file(
        user=user, kind="disclosure", identity_check="reauthentication"
    )
    stored_before = set(archives_stored())
    with monkeypatch.context() as patch:
        if moment == "before the row is written":  # the zip is made, then stored
            patch.setattr(services, "ContentFile", killing_first(services.ContentFile))
        else:
            patch.setattr(
                services,
                "_request_mail",
                killing_first(services._request_mail, when=lambda r, t, **e: t == "archive_ready"),
            )
        with pytest.raises((OperationalError, InterfaceError)):
            services.privacy_archive_build(privacy_request=privacy_request)
    connection.close()

    privacy_request.refresh_from_db()
    assert not privacy_request.archive  # no link to an archive the person was never told of
    assert set(archives_stored()) == stored_before  # nor an archive no row names
    assert mail_to("disclosed@example.com", "archive is ready") == []

    services.privacy_archive_build(privacy_request=privacy_request)

    privacy_request.refresh_from_db()
    assert set(archives_stored()) - stored_before == {privacy_request.archive.name}
    assert len(mail_to("disclosed@example.com", "archive is ready")) == 1


def archives_stored() -> list[str]:
    folder = PrivacyRequest._meta.get_field("archive").upload_to
    folder = folder if isinstance(folder, str) else ""
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return [f"{folder.rstrip('/')}/{name}" for name in files]
