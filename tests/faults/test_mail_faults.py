"""Mail survives its parts failing: Redis (the broker) stopped while mail is asked for, a
Celery worker killed with SIGKILL while it sends, a Stripe webhook during an outage.

Each test runs a stack of its own: a redis-server on its own port (the test process and
the worker use it as their broker; the shared Redis is never stopped), a real Celery
worker (prefork, one process) and beat, and an SMTP server. Mail is counted where a
person would see it, at the SMTP server, and told apart by its Message-ID.
"""

import asyncio
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager

import pytest
from django.db import connection
from django.urls import reverse

from contracts.models import Payment
from kaguaruoo.celery import app as celery_app
from kaguaruoo.outbox.models import OutboxMessage
from messaging.models import Message
from tests.accounts.factories import UserFactory
from tests.contracts.payments.builders import (
    WEBHOOK_SECRET,
    checkout_completed_event,
    post_webhook,
    signed_contract_at,
)
from tests.messaging.builders import start_thread
from tests.services import CeleryBeat, CeleryWorker, RedisServer, SmtpSink

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# Short enough for a test: a mail held by a dead worker goes again after 3 s, and beat
# sweeps every second (the site's defaults: 120 s and 15 s).
WORKER_ENV = {"OUTBOX_LEASE_SECONDS": "3", "OUTBOX_SWEEP_SECONDS": "1"}
# After the first copy arrived, how long nothing more may arrive: past a lease and
# several sweeps, so a second copy, if the outbox were to send one, would be seen.
QUIET_SECONDS = 6


class HesitantSink(SmtpSink):
    """An SMTP server that, when told to, holds the first message's DATA unanswered until
    `release()`, then refuses it: that message was never delivered."""

    def __init__(self, *, hesitate: bool = False):
        super().__init__()
        self.hesitate = hesitate
        self.holding = threading.Event()
        self.released = threading.Event()
        self.held_ids = []

    async def handle_DATA(self, server, session, envelope):
        if self.hesitate:
            self.hesitate = False
            self.held_ids.append(_message_id(envelope.content))
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)

    def release(self):
        self.released.set()

    def message_ids(self, recipient: str) -> Counter:
        with self._lock:
            return Counter(m["Message-ID"] for m in self.messages if recipient in m["To"])


def _message_id(content: bytes) -> str:
    for line in content.split(b"\r\n"):
        if line.lower().startswith(b"message-id:"):
            return line.split(b":", 1)[1].strip().decode()
    return ""


@contextmanager
def broker_at(url: str, queue: str):
    """The test process publishes to `url`, on `queue`, as a web process configured so would."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_default_queue, conf.task_always_eager

    def reset_pools():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    conf.broker_url, conf.task_default_queue, conf.task_always_eager = url, queue, False
    reset_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.task_default_queue, conf.task_always_eager = saved
        reset_pools()


class Stack:
    """Redis, a worker and beat of one test, the SMTP server they send to."""

    def __init__(self, *, workdir, media_root, sink: HesitantSink):
        self.workdir, self.media_root, self.sink = workdir, media_root, sink
        self.queue = f"test-mail-faults-{uuid.uuid4().hex[:10]}"
        self.redis = RedisServer(workdir / "redis")
        self.worker = self.beat = None

    def worker_start(self) -> CeleryWorker:
        self.worker = CeleryWorker(
            queue=self.queue,
            database=dict(connection.settings_dict),
            redis_url=self.redis.url(),
            email_url=f"smtp://127.0.0.1:{self.sink.port}",
            media_root=str(self.media_root),
            pool="prefork",
            concurrency=1,
            extra_env=WORKER_ENV,
        )
        self.worker.start()
        return self.worker

    def stop(self):
        for part in (self.beat, self.worker):
            if part is not None:
                part.stop()
        self.redis.stop()
        self.sink.stop()


@pytest.fixture
def stack_of(tmp_path, media_root):
    stacks = []

    @contextmanager
    def running(*, hesitate=False):
        sink = HesitantSink(hesitate=hesitate)
        sink.start()
        stack = Stack(workdir=tmp_path, media_root=media_root, sink=sink)
        stacks.append(stack)
        stack.redis.start()
        with broker_at(stack.redis.url(), stack.queue):
            stack.worker_start()
            stack.beat = CeleryBeat(worker=stack.worker, workdir=tmp_path)
            stack.beat.start()
            yield stack

    yield running
    for stack in stacks:
        stack.sink.release()
        stack.stop()


def all_mail_settled() -> bool:
    return not OutboxMessage.objects.filter(state__in=["pending", "claimed"]).exists()


def wait_until(check, *, timeout=30.0, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    states = Counter(OutboxMessage.objects.values_list("state", flat=True))
    raise AssertionError(f"not within {timeout}s: {what}; outbox: {dict(states)}")


def settled_and_quiet():
    """Every row sent, and then long enough without anything more for a copy to show."""
    wait_until(all_mail_settled, what="every mail sent")
    time.sleep(QUIET_SECONDS)


def test_mail_asked_for_while_redis_is_down_arrives_once_after_it_is_back(stack_of, client):
    forgetful = UserFactory(email="forgetful@example.com")
    thread = start_thread(tenant=UserFactory(email="asking.tenant@example.com"), notify=False)
    client.force_login(thread.host)
    with stack_of() as stack:
        stack.redis.stop()

        reply = client.post(
            reverse("messaging:message_create", args=[thread.pk]), {"body": "Yes, it is free."}
        )
        client.logout()
        reset = client.post(reverse("account_reset_password"), {"email": forgetful.email})

        assert reply.status_code == 302
        assert reset.status_code == 302
        assert Message.objects.filter(body="Yes, it is free.").exists()
        stack.redis.start()
        [notification] = stack.sink.wait_for("asking.tenant@example.com")
        [reset_mail] = stack.sink.wait_for(forgetful.email)
        settled_and_quiet()

        assert "Yes, it is free." in notification.get_body(("plain",)).get_content()
        assert "password" in reset_mail["Subject"].lower()
        assert len(stack.sink.wait_for("asking.tenant@example.com")) == 1
        assert len(stack.sink.wait_for(forgetful.email)) == 1


def test_a_worker_killed_while_it_sends_leaves_the_mail_to_the_next_one_sent_once(stack_of, client):
    forgetful = UserFactory(email="killed.mid.send@example.com")
    with stack_of(hesitate=True) as stack:
        client.post(reverse("account_reset_password"), {"email": forgetful.email})
        wait_until(stack.sink.holding.is_set, what="the worker sending the mail")
        row = OutboxMessage.objects.get(address=forgetful.email)

        stack.worker.kill()
        stack.sink.release()
        stack.worker_start()
        [delivered] = stack.sink.wait_for(forgetful.email)
        settled_and_quiet()

        assert stack.sink.held_ids == [row.message_id]
        assert stack.sink.message_ids(forgetful.email) == Counter({row.message_id: 1})
        assert delivered["Message-ID"] == row.message_id
        row.refresh_from_db()
        assert row.state == OutboxMessage.State.SENT
        assert row.attempts == 2


def test_a_paid_checkout_reported_while_redis_is_down_is_paid_once_and_mailed_once(
    stack_of, client, settings
):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    # Built before the stack, its mail sent in-process: not what this test counts.
    celery_app.conf.task_always_eager = True
    contract = signed_contract_at()
    celery_app.conf.task_always_eager = False
    payment = contract.payments.get(sequence=1)
    tenant = contract.tenant.email
    event = checkout_completed_event(payment, event_id="evt_outage")
    with stack_of() as stack:
        stack.redis.stop()

        answer = post_webhook(client, event)

        assert answer.status_code == 200
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        stack.redis.start()
        [receipt] = stack.sink.wait_for(tenant)
        assert "Receipt" in receipt["Subject"]

        replay = post_webhook(client, event)
        settled_and_quiet()

        assert replay.status_code == 200
        assert len(stack.sink.wait_for(tenant)) == 1
        assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID
