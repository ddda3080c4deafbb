"""The outbox sends each row once: claims, leases, retries and the SMTP server's answers."""

import datetime
import email
import email.policy
import threading

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone

from kaguaruoo.celery import app as celery_app
from kaguaruoo.outbox.models import OutboxMessage
from kaguaruoo.outbox.services import (
    Lease,
    outbox_add,
    outbox_claim,
    outbox_drain,
    outbox_group_hold,
    outbox_group_release,
    outbox_retry,
)
from kaguaruoo.outbox.tasks import outbox_drain as outbox_drain_task
from tests.accounts.factories import UserFactory
from tests.services import free_port

pytestmark = pytest.mark.django_db

State = OutboxMessage.State


def plain_mail(key: str, address: str = "reader@example.com", **extra) -> OutboxMessage:
    return outbox_add(
        kind="mail",
        key=key,
        group="test",
        address=address,
        payload={"subject": f"Hello {key}", "body": "Body text", **extra},
    )


def test_a_row_added_twice_is_one_row_and_one_mail():
    first = plain_mail("welcome:1")
    again = plain_mail("welcome:1")

    outbox_drain()
    outbox_drain()

    assert first.pk == again.pk
    assert [m.subject for m in mail.outbox] == ["Hello welcome:1"]
    row = OutboxMessage.objects.get()
    assert row.state == State.SENT
    assert row.smtp_response.startswith("250")
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id


def test_the_message_id_is_the_same_for_the_same_key_and_differs_between_keys():
    one = plain_mail("a:1")
    two = plain_mail("a:2")
    OutboxMessage.objects.all().delete()
    again = plain_mail("a:1")

    assert one.message_id == again.message_id
    assert one.message_id != two.message_id


def test_a_drain_run_again_after_it_finished_sends_nothing_more():
    """A drain task the broker hands out a second time (acks_late) finds nothing due."""
    plain_mail("twice:1")

    first = outbox_drain()
    second = outbox_drain()

    assert (first.sent, second.sent) == (1, 0)
    assert len(mail.outbox) == 1


def test_a_claimed_row_is_not_taken_by_another_worker_while_its_lease_runs():
    plain_mail("lease:1")
    _claim, taken = outbox_claim(worker="w1", limit=10, lease_seconds=60)
    _claim, again = outbox_claim(worker="w2", limit=10, lease_seconds=60)

    assert len(taken) == 1
    assert again == []


def test_an_expired_lease_is_taken_by_another_worker_and_the_first_lets_the_row_go():
    plain_mail("lease:2")
    claim, (row,) = outbox_claim(worker="w1", limit=10, lease_seconds=60)
    first = Lease(claim=claim, messages=[row], seconds=60)
    OutboxMessage.objects.update(lease_until=timezone.now() - datetime.timedelta(seconds=1))

    _claim, (taken,) = outbox_claim(worker="w2", limit=10, lease_seconds=60)
    first.renewed -= 60  # the first worker stalled past a third of its lease

    assert first.holds(row) is False
    assert taken.pk == row.pk
    assert OutboxMessage.objects.get().worker == "w2"


def test_a_running_lease_is_renewed_before_it_runs_out():
    plain_mail("lease:3")
    claim, (row,) = outbox_claim(worker="w1", limit=10, lease_seconds=60)
    lease = Lease(claim=claim, messages=[row], seconds=60)
    OutboxMessage.objects.update(lease_until=timezone.now() + datetime.timedelta(seconds=5))
    lease.renewed -= 30

    assert lease.holds(row) is True
    assert OutboxMessage.objects.get().lease_until > timezone.now() + datetime.timedelta(seconds=50)


def test_a_held_group_waits_until_released():
    plain_mail("held:1")
    outbox_group_hold(group="test")

    outbox_drain()
    assert mail.outbox == []

    outbox_group_release(group="test")
    outbox_drain()
    assert len(mail.outbox) == 1


def test_a_user_row_remembers_its_recipient():
    user = UserFactory(email="person@example.com")
    row = outbox_add(
        kind="mail",
        key="user:1",
        group="test",
        address=user.email,
        recipient=user,
        payload={"subject": "S", "body": "B"},
    )
    assert row.recipient == user


class AnsweringServer:
    """An SMTP server on loopback that answers each message with the next code given."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.received = []
        self.port = free_port()
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            answer = self.answers.pop(0) if self.answers else "250 OK"
            if answer.startswith("250"):
                self.received.append(
                    email.message_from_bytes(envelope.content, policy=email.policy.default)
                )
        return answer


@pytest.fixture
def answering_server(settings):
    servers = []

    def start(*answers):
        server = AnsweringServer(answers)
        server.controller.start()
        servers.append(server)
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
            }
        }
        return server

    yield start
    for server in servers:
        server.controller.stop()


def test_a_temporary_smtp_error_is_tried_again_later_and_then_sent(answering_server):
    server = answering_server("451 4.3.0 Try again later")
    plain_mail("temp:1")

    outbox_drain()
    row = OutboxMessage.objects.get()
    assert row.state == State.PENDING
    assert row.not_before > timezone.now()
    assert "451" in row.smtp_response
    assert server.received == []

    OutboxMessage.objects.update(not_before=timezone.now())
    outbox_drain()
    row.refresh_from_db()
    assert row.state == State.SENT
    assert row.smtp_response.startswith("250")
    (received,) = server.received
    assert received["Message-ID"] == row.message_id
    assert received["Subject"] == "Hello temp:1"


def test_a_permanent_smtp_error_marks_the_row_failed_with_the_answer(answering_server):
    server = answering_server("550 5.1.1 No such mailbox")
    plain_mail("perm:1")

    outbox_drain()
    outbox_drain()

    row = OutboxMessage.objects.get()
    assert row.state == State.FAILED
    assert "550" in row.smtp_response
    assert server.received == []


def test_an_unreachable_smtp_server_leaves_the_row_to_try_again(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    plain_mail("down:1")

    outbox_drain()

    row = OutboxMessage.objects.get()
    assert row.state == State.PENDING
    assert row.attempts == 1
    assert row.smtp_response


def test_a_row_its_kind_cannot_prepare_fails_with_the_error_and_the_others_go_out():
    from kaguaruoo.outbox.kinds import Prepared, outbox_kind_register

    @outbox_kind_register("test_fragile")
    def fragile(message):
        if message.payload.get("broken"):
            raise KeyError("subject")
        return Prepared(subject="Fine", body="Body")

    for key, broken in (("fragile:1", False), ("fragile:2", True), ("fragile:3", False)):
        outbox_add(kind="test_fragile", key=key, group="t", address="a@example.com",
                   payload={"broken": broken})  # fmt: skip

    report = outbox_drain()

    assert (report.sent, report.failed) == (2, 1)
    failed = OutboxMessage.objects.get(state=State.FAILED)
    assert failed.key == "fragile:2"
    assert "could not be prepared" in failed.smtp_response


class PipeliningServer(AnsweringServer):
    """Offers PIPELINING (RFC 2920) and refuses one mailbox at RCPT."""

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == "gone@example.com":
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_server_offering_pipelining_gets_commands_in_one_write_and_answers_each(settings):
    server = PipeliningServer([])
    server.controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    try:
        plain_mail("pipe:1", address="one@example.com", body=".A line with a dot\nSecond")
        plain_mail("pipe:2", address="gone@example.com")
        plain_mail("pipe:3", address="three@example.com", subject="Café ☕ 予約")
        report = outbox_drain()
    finally:
        server.controller.stop()

    assert (report.sent, report.failed) == (2, 1)
    assert "550" in OutboxMessage.objects.get(key="pipe:2").smtp_response
    one, three = server.received
    assert one.get_content().startswith(".A line with a dot")
    assert three["Subject"] == "Café ☕ 予約"
    assert three["Message-ID"] == OutboxMessage.objects.get(key="pipe:3").message_id


def test_rows_added_in_one_transaction_start_the_drains_once(
    django_capture_on_commit_callbacks, monkeypatch, settings
):
    asked = []
    celery_app.conf.task_always_eager = False  # the autouse fixture puts it back
    monkeypatch.setattr(outbox_drain_task, "apply_async", lambda **options: asked.append(options))

    with django_capture_on_commit_callbacks(execute=False):
        plain_mail("many:0")
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(1, 4):
            plain_mail(f"many:{number}")

    assert len(asked) == settings.OUTBOX_PARALLEL


def test_a_broker_out_of_reach_at_commit_is_logged_and_the_row_waits_for_the_sweep(
    django_capture_on_commit_callbacks, caplog
):
    celery_app.conf.task_always_eager = False
    broker = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens
    celery_app._pool = celery_app.amqp._producer_pool = None
    try:
        with django_capture_on_commit_callbacks(execute=True):
            plain_mail("outage:1")
    finally:
        celery_app.conf.broker_url = broker
        celery_app._pool = celery_app.amqp._producer_pool = None

    assert OutboxMessage.objects.get(key="outage:1").state == State.PENDING
    assert "could not reach the broker" in caplog.text
    assert mail.outbox == []


def test_staff_retry_sends_a_failed_row_again_with_a_full_set_of_tries():
    row = plain_mail("failed:1")
    OutboxMessage.objects.filter(pk=row.pk).update(
        state=State.FAILED, attempts=8, smtp_response="550 no such mailbox"
    )
    plain_mail("sent:1")
    outbox_drain()

    assert outbox_retry(messages=OutboxMessage.objects.all()) == 1
    outbox_drain()

    row.refresh_from_db()
    assert row.state == State.SENT
    assert row.attempts == 1
    assert [m.subject for m in mail.outbox] == ["Hello sent:1", "Hello failed:1"]
