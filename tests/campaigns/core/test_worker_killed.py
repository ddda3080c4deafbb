"""A real Celery worker (2 pool processes on Redis) is killed with SIGKILL in the middle of
a campaign and started again: everyone is mailed, nobody twice, counted at the SMTP server."""

import threading
import time
import uuid
from collections import Counter

import pytest
from django.db import connection

from campaigns.core.models import Campaign, Delivery
from campaigns.core.services import campaign_send
from kaguaruoo.celery import app as celery_app
from kaguaruoo.outbox.models import OutboxMessage
from tests.campaigns.builders import campaign_build, consenting_user
from tests.services import CeleryWorker, SmtpSink

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PEOPLE = 120


class StoppableSink(SmtpSink):
    """Keeps every message; after `stop_after` messages it calls `on_stop` once, either
    while a client waits for its RCPT answer (`where="rcpt"`: outside the window) or after
    a message was stored and before the 250 answer (`where="data"`: inside it).

    `on_stop` runs in the server's event loop, so no other session moves meanwhile; a
    message whose data reached the server from a client that was being killed is then
    refused, not kept, until `reopen()`: the kill lands outside every window but the one
    the test chose.
    """

    def __init__(self, *, stop_after: int, where: str, on_stop):
        super().__init__()
        self.stop_after, self.where, self.on_stop = stop_after, where, on_stop
        self.stopped = threading.Event()
        self.refusing = False

    def _should_stop(self) -> bool:
        with self._lock:
            return len(self.messages) >= self.stop_after and not self.stopped.is_set()

    def _stop(self):
        self.refusing = True
        self.on_stop()
        self.stopped.set()

    def reopen(self):
        self.refusing = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.where == "rcpt" and self._should_stop():
            self._stop()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 4.3.0 Not now"
        answer = await super().handle_DATA(server, session, envelope)
        if self.where == "data" and self._should_stop():
            self._stop()
        return answer

    def message_ids(self) -> Counter:
        with self._lock:
            return Counter(m["Message-ID"] for m in self.messages)


@pytest.fixture
def worker_queue():
    queue = f"test-kill-{uuid.uuid4().hex[:10]}"
    previous = celery_app.conf.task_default_queue
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue = queue
    celery_app.conf.task_always_eager = False
    yield queue
    celery_app.conf.task_default_queue = previous
    celery_app.conf.task_always_eager = eager


def new_worker(queue, sink, settings, media_root, *, concurrency):
    return CeleryWorker(
        queue=queue,
        database=dict(connection.settings_dict),
        redis_url=settings.REDIS_URL,
        email_url=f"smtp://127.0.0.1:{sink.port}",
        media_root=str(media_root),
        pool="prefork",
        concurrency=concurrency,
        extra_env={"OUTBOX_LEASE_SECONDS": "3", "OUTBOX_BATCH": "5"},
    )


def wait_until(check, *, timeout=90.0, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    states = Counter(OutboxMessage.objects.values_list("state", flat=True))
    answers = set(OutboxMessage.objects.values_list("smtp_response", flat=True)[:3])
    raise AssertionError(f"not within {timeout}s: {what}; outbox: {dict(states)} {answers}")


def campaign_to_everyone() -> Campaign:
    for number in range(PEOPLE):
        consenting_user(email=f"person{number}@example.com")
    return campaign_build()


def finished(campaign) -> bool:
    campaign.refresh_from_db()
    return campaign.status == Campaign.Status.FINISHED


def run_kill_and_resume(*, where, concurrency, settings, media_root, queue):
    campaign = campaign_to_everyone()
    holder = {}
    sink = StoppableSink(stop_after=PEOPLE // 2, where=where, on_stop=lambda: holder["w"].kill())
    sink.start()
    try:
        first = holder["w"] = new_worker(queue, sink, settings, media_root, concurrency=concurrency)
        first.start()
        campaign_send(campaign=campaign, by=campaign.created_by)
        wait_until(sink.stopped.is_set, what="the worker reached half the campaign")
        wait_until(lambda: first.process.poll() is not None, what="the worker died")
        assert not finished(campaign)
        assert OutboxMessage.objects.filter(state="claimed").exists()

        sink.reopen()
        second = new_worker(queue, sink, settings, media_root, concurrency=concurrency)
        second.start()
        try:
            wait_until(lambda: finished(campaign), what="the campaign finished after the restart")
        finally:
            second.stop()
        expected = set(
            Delivery.objects.filter(campaign=campaign).values_list("message__message_id", flat=True)
        )
        return expected, sink.message_ids()
    finally:
        sink.stop()


def test_a_worker_killed_mid_campaign_and_started_again_mails_everyone_once(
    settings, media_root, worker_queue
):
    expected, received = run_kill_and_resume(
        where="rcpt", concurrency=2, settings=settings, media_root=media_root, queue=worker_queue
    )

    duplicates = {mid: n for mid, n in received.items() if n > 1}
    missing = expected - set(received)
    assert len(expected) == PEOPLE
    assert duplicates == {}
    assert missing == set()
    assert OutboxMessage.objects.filter(state="sent").count() == PEOPLE


def test_a_kill_between_the_servers_ok_and_the_commit_repeats_only_that_message(
    settings, media_root, worker_queue
):
    """The one window the outbox names: the server has the message, the row is not yet
    marked sent. That one message goes out again, with the same Message-ID."""
    expected, received = run_kill_and_resume(
        where="data", concurrency=1, settings=settings, media_root=media_root, queue=worker_queue
    )

    duplicates = {mid: n for mid, n in received.items() if n > 1}
    assert expected == set(received)
    assert list(duplicates.values()) == [2]
