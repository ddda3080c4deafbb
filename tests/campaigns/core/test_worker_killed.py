"""A real Celery worker (2 pool processes on Redis) is killed with SIGKILL in the middle of
a campaign and started again: everyone is mailed, nobody twice, counted at the SMTP server."""

import asyncio
import threading
import time
from collections import Counter

import pytest
from django.db import connection

from campaigns.core.models import Delivery
from campaigns.core.services import campaign_send
from kaguaruoo.outbox.models import OutboxMessage
from tests.campaigns.builders import campaign_finished, campaign_to_consenting_people
from tests.services import CeleryBeat, CeleryWorker, SmtpSink

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PEOPLE = 120


class StoppableSink(SmtpSink):
    """Keeps every message; after `stop_after` messages it has `on_stop` kill the worker.

    `where="rcpt"`: outside the window. A sender waiting for its RCPT answer triggers it;
    from then on no message gets its 250 (each waits at a gate), every message already
    answered is let through to its `sent` commit (`settled()`), and only then is the
    worker killed; the messages that waited at the gate are refused, not kept.
    `where="data"`: inside the window: a message is kept and the worker is killed
    before the server answers 250.
    """

    def __init__(self, *, stop_after: int, where: str, on_stop, settled=None):
        super().__init__()
        self.stop_after, self.where, self.on_stop = stop_after, where, on_stop
        self.settled = settled
        self.stopped = threading.Event()
        self.gate_closed = False
        self.refusing = False

    def _should_stop(self) -> bool:
        with self._lock:
            once = not self.gate_closed and not self.stopped.is_set()
            return once and len(self.messages) >= self.stop_after

    def _settle_and_kill(self):
        deadline = time.monotonic() + 30
        while self.settled is not None and not self.settled(len(self.messages)):
            if time.monotonic() > deadline:
                raise AssertionError("the answered messages were not marked sent")
            time.sleep(0.01)
        self.on_stop()
        self.refusing = True
        self.stopped.set()

    def reopen(self):
        self.gate_closed = self.refusing = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.where == "rcpt" and self._should_stop():
            self.gate_closed = True
            await asyncio.get_running_loop().run_in_executor(None, self._settle_and_kill)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.gate_closed:
            while not self.refusing:
                await asyncio.sleep(0.005)
            return "451 4.3.0 Not now"
        answer = await super().handle_DATA(server, session, envelope)
        if self.where == "data" and self._should_stop():
            self.gate_closed = True
            self.on_stop()
            self.refusing = True
            self.stopped.set()
        return answer

    def message_ids(self) -> Counter:
        with self._lock:
            return Counter(m["Message-ID"] for m in self.messages)


def new_worker(queue, sink, settings, media_root, *, concurrency, threads=2):
    return CeleryWorker(
        queue=queue,
        database=dict(connection.settings_dict),
        redis_url=settings.REDIS_URL,
        email_url=f"smtp://127.0.0.1:{sink.port}",
        media_root=str(media_root),
        pool="prefork",
        concurrency=concurrency,
        extra_env={
            "OUTBOX_LEASE_SECONDS": "3",
            "OUTBOX_BATCH": "5",
            # The window test wants one message in flight: one thread per process.
            "OUTBOX_THREADS": str(threads),
            # Beat's sweep, which sends the rows the dead worker held once their lease
            # has run out, comes every 2 s here (15 s in production).
            "OUTBOX_SWEEP_SECONDS": "2",
        },
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


def sent_at_least(count: int) -> bool:
    """From the sink's thread: every message the server answered is marked sent."""
    try:
        return OutboxMessage.objects.filter(state="sent").count() >= count
    finally:
        connection.close()


def run_kill_and_resume(*, where, concurrency, settings, media_root, queue, workdir):
    campaign = campaign_to_consenting_people(PEOPLE, email_prefix="person")
    holder = {}
    sink = StoppableSink(
        stop_after=PEOPLE // 2,
        where=where,
        on_stop=lambda: holder["w"].kill(),
        settled=sent_at_least,
    )
    sink.start()
    try:
        threads = 1 if where == "data" else 2
        first = holder["w"] = new_worker(
            queue, sink, settings, media_root, concurrency=concurrency, threads=threads
        )
        first.start()
        campaign_send(campaign=campaign, by=campaign.created_by)
        wait_until(sink.stopped.is_set, what="the worker reached half the campaign")
        wait_until(lambda: first.process.poll() is not None, what="the worker died")
        assert not campaign_finished(campaign)
        assert OutboxMessage.objects.filter(state="claimed").exists()

        sink.reopen()
        second = new_worker(
            queue, sink, settings, media_root, concurrency=concurrency, threads=threads
        )
        second.start()
        # As in production, beat runs beside the workers.
        beat = CeleryBeat(worker=second, workdir=workdir)
        beat.start()
        try:
            wait_until(
                lambda: campaign_finished(campaign), what="the campaign finished after the restart"
            )
        finally:
            beat.stop()
            second.stop()
        expected = set(
            Delivery.objects.filter(campaign=campaign).values_list("message__message_id", flat=True)
        )
        return expected, sink.message_ids()
    finally:
        sink.stop()


def test_a_worker_killed_mid_campaign_and_started_again_mails_everyone_once(
    settings, media_root, worker_queue, tmp_path
):
    expected, received = run_kill_and_resume(
        where="rcpt",
        concurrency=2,
        settings=settings,
        media_root=media_root,
        queue=worker_queue,
        workdir=tmp_path,
    )

    duplicates = {mid: n for mid, n in received.items() if n > 1}
    missing = expected - set(received)
    assert len(expected) == PEOPLE
    assert duplicates == {}
    assert missing == set()
    assert OutboxMessage.objects.filter(state="sent").count() == PEOPLE


def test_a_kill_between_the_servers_ok_and_the_commit_repeats_only_that_message(
    settings, media_root, worker_queue, tmp_path
):
    """The one window the outbox names: the server has the message, the row is not yet
    marked sent. That one message goes out again, with the same Message-ID."""
    expected, received = run_kill_and_resume(
        where="data",
        concurrency=1,
        settings=settings,
        media_root=media_root,
        queue=worker_queue,
        workdir=tmp_path,
    )

    duplicates = {mid: n for mid, n in received.items() if n > 1}
    assert expected == set(received)
    assert list(duplicates.values()) == [2]
