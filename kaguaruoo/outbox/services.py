"""The life of an outbox row: added, claimed under a lease, sent once, recorded.

pending --claim--> claimed --SMTP OK--> sent
                          --5xx or too many tries--> failed
                          --4xx / connection lost--> pending again, later (backoff)
                          --preparer says Skip--> skipped
                          --preparer says Hold--> pending, held until released
claimed, lease expired --claim by another worker--> claimed

A claim is `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (each worker takes rows no
other worker holds) followed by a compare-and-swap `UPDATE` that names the claim, so
two workers never hold one row even on SQLite, which has no row locks. The worker
renews the lease of its claim before a third of it is gone (`Lease`); a row whose
lease ran out while the worker stalled, and which another worker took, is no longer
renewed and no longer sent by the first. The rows of a claim are prepared together
right before they go out (`kinds.py`), and again when something a preparer reads
changed meanwhile (`outbox_changed`).

The one window left: the SMTP server has answered 250 for a message and the worker
dies before the `UPDATE … SET state = 'sent'` commits. That message is sent again
when its lease expires. The update is one autocommit statement issued right after
the answer, so the window is the round trip of that statement (well under a
millisecond on loopback); the repeated message carries the same Message-ID, so a
receiving server or mail client that de-duplicates by Message-ID shows it once. A
worker that lives on but lost its database connection in that moment (a database
restart, a failover) records the answer on a new connection: see `_finish`.
"""

import contextlib
import datetime
import hashlib
import logging
import os
import re
import smtplib
import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Case, Count, F, Q, When
from django.utils import timezone

from kaguaruoo.mail import mail_message
from kaguaruoo.outbox.kinds import Hold, Prepared, Skip, outbox_kind
from kaguaruoo.outbox.mime import mime_bytes
from kaguaruoo.outbox.models import OutboxMessage

State = OutboxMessage.State
logger = logging.getLogger(__name__)

# A held row waits until its group is released (a paused campaign).
HELD_UNTIL = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)


def _setting(name: str, default):
    return getattr(settings, name, default)


def message_id_for(key: str) -> str:
    """The same key always gives the same Message-ID."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY[:16]}:{key}".encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "kaguaruoo.jp"
    return f"<{digest}@{domain}>"


def outbox_add(
    *,
    kind: str,
    key: str,
    group: str,
    address: str,
    recipient=None,
    payload: dict | None = None,
    not_before: datetime.datetime | None = None,
) -> OutboxMessage:
    """Decide a mail: one row per key, whatever calls this twice. Sent after commit."""
    message, _created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "group": group,
            "address": address,
            "recipient": recipient,
            "payload": payload or {},
            "not_before": not_before or timezone.now(),
            "message_id": message_id_for(key),
        },
    )
    outbox_kick(rows=[message.pk])
    return message


def outbox_add_many(rows: list[dict]) -> list[OutboxMessage]:
    """Many rows at once (a campaign's audience); keys already there are left alone.

    Each dict holds kind, key, group, address and optionally recipient and payload.
    Returns the rows of those keys, new and old, in the order given.
    """
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                kind=row["kind"],
                key=row["key"],
                group=row["group"],
                address=row["address"],
                recipient=row.get("recipient"),
                payload=row.get("payload") or {},
                not_before=row.get("not_before") or now,
                message_id=message_id_for(row["key"]),
            )
            for row in rows
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    by_key = OutboxMessage.objects.in_bulk([row["key"] for row in rows], field_name="key")
    return [by_key[row["key"]] for row in rows]


# One quick retry, then give up: a request never waits for a broker that is down (kombu's
# own reconnection, `retry=False`, takes seconds), and the sweep is the real retry.
KICK_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}


def _drains_enqueue() -> None:
    """Ask the workers for drains. A broker out of reach is logged, never raised: the
    rows are committed, and beat's sweep (`outbox_recover`) sends them once it is back."""
    from kaguaruoo.outbox.tasks import outbox_drain

    try:
        for _ in range(_setting("OUTBOX_PARALLEL", 2)):
            outbox_drain.apply_async(retry=True, retry_policy=KICK_RETRY_POLICY)
    except Exception:
        logger.warning("outbox: could not reach the broker; the sweep will send", exc_info=True)


class _Kick:
    """What rows added in one transaction ask for once it commits: drains, once for all
    of them. Each `outbox_kick` registers its own `_KickPart`; the parts of one
    transaction share a `_Kick`, and the first part to run enqueues the drains.

    Without a broker (development, tests) each part drains its own rows here, at once:
    a mail goes out exactly when its after-commit callback runs (a test running
    callbacks without committing leaves earlier ones listed and unrun).
    """

    def __init__(self):
        self.enqueued = False


class _KickPart:
    def __init__(self, kick: _Kick, rows: list[int] | None):
        self.kick, self.rows, self.ran = kick, rows, False

    def __call__(self):
        from kaguaruoo.outbox.tasks import outbox_drain

        self.ran = True
        if outbox_drain.app.conf.task_always_eager:
            outbox_drain.delay(only=self.rows)
        elif not self.kick.enqueued:
            self.kick.enqueued = True
            _drains_enqueue()


def outbox_kick(*, rows: list[int] | None = None) -> None:
    """Have workers drain the outbox once the current transaction commits: once per
    transaction, however many rows it adds (a drain sends every row that is due).
    `rows`: the ids of the rows the caller added (None: any row due)."""
    pending = transaction.get_connection().run_on_commit
    part = next(
        (part for _s, part, _r in pending if isinstance(part, _KickPart) and not part.ran), None
    )
    transaction.on_commit(_KickPart(part.kick if part else _Kick(), rows))


def outbox_group_hold(*, group: str) -> int:
    """Nothing more of the group goes out until it is released (a paused campaign)."""
    return OutboxMessage.objects.filter(group=group, state=State.PENDING).update(
        not_before=HELD_UNTIL
    )


def outbox_group_release(*, group: str) -> int:
    released = OutboxMessage.objects.filter(
        group=group, state=State.PENDING, not_before=HELD_UNTIL
    ).update(not_before=timezone.now())
    outbox_kick()
    return released


def outbox_skip(*, reason: str, **filters) -> int:
    """Pending rows matching `filters` are never sent (a cancelled campaign, a withdrawn
    consent). Rows being sent right now are caught by their preparer's own check."""
    return OutboxMessage.objects.filter(state=State.PENDING, **filters).update(
        state=State.SKIPPED, smtp_response=reason[:500], finished_at=timezone.now()
    )


def outbox_retry(*, messages) -> int:
    """Failed rows of `messages` (a queryset) go out again, with a full set of tries: a
    staff member fixed what made them fail (a mailbox, the relay). Returns how many."""
    ids = list(messages.filter(state=State.FAILED).values_list("pk", flat=True))
    retried = OutboxMessage.objects.filter(pk__in=ids, state=State.FAILED).update(
        state=State.PENDING,
        not_before=timezone.now(),
        attempts=0,
        claim="",
        lease_until=None,
        finished_at=None,
    )
    if retried:
        outbox_kick(rows=ids)
    return retried


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _due(now: datetime.datetime) -> Q:
    return Q(state=State.PENDING, not_before__lte=now) | Q(state=State.CLAIMED, lease_until__lt=now)


def outbox_claim(
    *, worker: str, limit: int, lease_seconds: int, only: list[int] | None = None
) -> tuple[str, list[OutboxMessage]]:
    """Take up to `limit` due rows (of `only`, if given) for `worker`; returns the claim
    and the rows."""
    now = timezone.now()
    claim = uuid.uuid4().hex
    due = OutboxMessage.objects.filter(_due(now))
    if only is not None:
        due = due.filter(pk__in=only)
    with transaction.atomic():
        ids = list(
            due.select_for_update(skip_locked=True)
            # A person's own mail (a password reset, a receipt) before a campaign's rows.
            .order_by(Case(When(kind="mail", then=0), default=1), "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return claim, []
        # The state test again: on SQLite, which locks no rows, another worker may
        # have taken some of them since the SELECT.
        OutboxMessage.objects.filter(_due(now), pk__in=ids).update(
            state=State.CLAIMED,
            claim=claim,
            worker=worker[:120],
            lease_until=now + datetime.timedelta(seconds=lease_seconds),
            attempts=F("attempts") + 1,
        )
    return claim, list(OutboxMessage.objects.filter(claim=claim, state=State.CLAIMED))


class Lease:
    """A worker's hold on the rows of one claim, renewed before a third of it is gone.

    A renewal names the claim; a row another worker took after the lease ran out (this
    worker stalled longer than the lease) is no longer renewed and no longer sent here.
    """

    def __init__(self, *, claim: str, messages: list[OutboxMessage], seconds: int):
        self.claim, self.seconds = claim, seconds
        self.held = {message.pk for message in messages}
        self.renewed = time.monotonic()

    def holds(self, message: OutboxMessage) -> bool:
        if time.monotonic() - self.renewed > self.seconds / 3:
            self._renew()
        return message.pk in self.held

    def _renew(self) -> None:
        rows = OutboxMessage.objects.filter(claim=self.claim, state=State.CLAIMED)
        renewed = rows.update(lease_until=timezone.now() + datetime.timedelta(seconds=self.seconds))
        if renewed < len(self.held):
            self.held = set(rows.values_list("pk", flat=True))
        self.renewed = time.monotonic()

    def release(self, message: OutboxMessage) -> None:
        self.held.discard(message.pk)


_FINISH_SQL = None


def _finish(message: OutboxMessage, *, state: str, answer: str) -> None:
    """Record how a row ended: one short statement, committed at once (autocommit).

    Written as SQL: it runs once per mail, right after the SMTP server's answer, and is
    the window the module docstring names, so it is kept as short as it can be.
    """
    global _FINISH_SQL
    if _FINISH_SQL is None:
        table = connection.ops.quote_name(OutboxMessage._meta.db_table)
        # The table's own name; every value is a parameter.
        _FINISH_SQL = (
            f"UPDATE {table} SET state = %s, smtp_response = %s, finished_at = %s, "  # noqa: S608
            "lease_until = NULL WHERE id = %s AND claim = %s"
        )
    values = [state, answer[:1000], timezone.now(), message.pk, message.claim]
    try:
        with connection.cursor() as cursor:
            cursor.execute(_FINISH_SQL, values)
    except (OperationalError, InterfaceError):
        # The connection was lost while the SMTP server answered (a database restart, a
        # failover, an idle connection cut): record the answer on a new one, or the
        # message would go again once the lease ends. The statement may already have
        # committed; running it again writes the same row.
        if connection.in_atomic_block:
            raise
        logger.warning("outbox: database connection lost; recording row %s again", message.pk)
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(_FINISH_SQL, values)


def _retry_later(message: OutboxMessage, *, answer: str) -> str:
    tries = message.attempts
    if tries >= _setting("OUTBOX_MAX_ATTEMPTS", 8):
        _finish(message, state=State.FAILED, answer=f"gave up after {tries} tries: {answer}")
        return State.FAILED
    backoff = min(30 * 2 ** (tries - 1), 3600)
    OutboxMessage.objects.filter(pk=message.pk, claim=message.claim).update(
        state=State.PENDING,
        smtp_response=answer[:1000],
        not_before=timezone.now() + datetime.timedelta(seconds=backoff),
        lease_until=None,
        claim="",
    )
    return State.PENDING


def _hold(message: OutboxMessage) -> str:
    OutboxMessage.objects.filter(pk=message.pk, claim=message.claim).update(
        state=State.PENDING, not_before=HELD_UNTIL, lease_until=None, claim=""
    )
    return State.PENDING


def email_for(message: OutboxMessage, prepared: Prepared) -> EmailMultiAlternatives:
    """The mail as a Django message, for the development and test mail backends."""
    return mail_message(
        subject=prepared.subject,
        body=prepared.body,
        html=prepared.html,
        to=message.address,
        headers={**prepared.headers, "Message-ID": message.message_id},
        from_email=prepared.from_email,
    )


_LEADING_DOT = re.compile(rb"(?m)^\.")


class Sender:
    """One SMTP connection held open over a drain; the server's answer of each message.

    With an SMTP mailer the message's bytes are built by `mime.mime_bytes` and sent with
    MAIL, RCPT and DATA, keeping the server's answer; with Django's console or memory
    backend (development, tests) the Django message goes to the backend.
    """

    def __init__(self):
        self.backend = mailers.default
        self.smtp = None
        self.pipelining = False
        self.is_smtp = hasattr(self.backend, "host")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.smtp.quit()
            self.smtp = None

    def _open(self):
        backend = self.backend
        smtp_class = smtplib.SMTP_SSL if backend.use_ssl else smtplib.SMTP
        self.smtp = smtp_class(backend.host, backend.port, timeout=backend.timeout or 30)
        if backend.use_tls:
            self.smtp.starttls()
        if backend.username and backend.password:
            self.smtp.login(backend.username, backend.password)
        self.smtp.ehlo_or_helo_if_needed()
        # RFC 2920: a server that offers it takes MAIL, RCPT and DATA in one write.
        self.pipelining = self.smtp.has_extn("pipelining")

    def send(self, message: OutboxMessage, prepared: Prepared) -> str:
        """Send one message; returns the server's answer. Raises smtplib errors."""
        if not self.is_smtp:
            self.backend.send_messages([email_for(message, prepared)])
            return f"250 accepted by {type(self.backend).__module__}"
        sender = prepared.from_email or settings.DEFAULT_FROM_EMAIL
        data = mime_bytes(
            from_email=sender,
            to=message.address,
            subject=prepared.subject,
            text=prepared.body,
            html=prepared.html,
            headers={**prepared.headers, "Message-ID": message.message_id},
        )
        if self.smtp is None:
            self._open()
        try:
            code, answer = self._transaction(parseaddr(sender)[1], message.address, data)
        except smtplib.SMTPServerDisconnected:
            self.smtp = None
            raise
        return f"{code} {answer.decode(errors='replace')}"

    def _transaction(self, envelope_from: str, to: str, data: bytes) -> tuple[int, bytes]:
        smtp = self.smtp
        if self.pipelining:
            smtp.send(f"MAIL FROM:<{envelope_from}>\r\nRCPT TO:<{to}>\r\nDATA\r\n")
            mail, rcpt, ready = smtp.getreply(), smtp.getreply(), smtp.getreply()
        else:
            mail = smtp.mail(envelope_from)
            rcpt = smtp.rcpt(to) if mail[0] == 250 else (503, b"")
            ready = smtp.docmd("DATA") if rcpt[0] in (250, 251) else (503, b"")
        if mail[0] != 250:
            smtp.rset()
            raise smtplib.SMTPSenderRefused(*mail, envelope_from)
        if rcpt[0] not in (250, 251):
            smtp.rset()
            raise smtplib.SMTPRecipientsRefused({to: rcpt})
        if ready[0] != 354:
            smtp.rset()
            raise smtplib.SMTPDataError(*ready)
        # Lines that begin with a dot get another (RFC 5321 4.5.2), then the end mark.
        smtp.send(_LEADING_DOT.sub(b"..", data).rstrip(b"\r\n") + b"\r\n.\r\n")
        code, answer = smtp.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, answer)
        return code, answer


def _smtp_code(error: Exception) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return next(iter(error.recipients.values()))[0]
    return getattr(error, "smtp_code", None)


def outbox_deliver(message: OutboxMessage, *, sender: Sender, prepared) -> str:
    """Send and record one claimed row whose preparer answered `prepared`."""
    if isinstance(prepared, Skip):
        _finish(message, state=State.SKIPPED, answer=prepared.reason)
        return State.SKIPPED
    if isinstance(prepared, Hold):
        return _hold(message)
    if isinstance(prepared, Exception):
        _finish(message, state=State.FAILED, answer=f"could not be prepared: {prepared!r}")
        return State.FAILED
    try:
        answer = sender.send(message, prepared)
    except (smtplib.SMTPException, OSError, ValueError) as error:
        code = _smtp_code(error)
        text = f"{code or ''} {error}".strip()
        if isinstance(error, ValueError) or (code is not None and 500 <= code < 600):
            _finish(message, state=State.FAILED, answer=text)
            return State.FAILED
        sender.close()
        return _retry_later(message, answer=text)
    # The window: the server has the message; commit "sent" at once.
    _finish(message, state=State.SENT, answer=answer)
    _forget_once_sent(message)
    return State.SENT


def _forget_once_sent(message: OutboxMessage) -> None:
    """A person's own mail (kind `mail`) keeps its text only until it is sent: it may
    hold a signing code or a message. Sent by address alone (a staff mailbox, the
    account being closed), it keeps no address either; an account's rows keep theirs
    until the account is erased. Failed rows keep everything, for a retry."""
    if message.kind != "mail":
        return
    address = "" if message.recipient_id is None else message.address
    OutboxMessage.objects.filter(pk=message.pk, state=State.SENT).update(
        payload={}, address=address
    )


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retried: int = 0
    groups: set = field(default_factory=set)

    def count(self, state: str) -> None:
        name = {
            State.SENT: "sent",
            State.FAILED: "failed",
            State.SKIPPED: "skipped",
            State.PENDING: "retried",
        }.get(state)
        if name:
            setattr(self, name, getattr(self, name) + 1)


def _pace(rate: float) -> None:
    """At most `rate` messages a second across every worker: a counter per second in
    the cache (Redis in production), which all workers share."""
    if rate <= 0:
        return
    while True:
        second = int(time.time())
        key = f"outbox:rate:{second}"
        cache.add(key, 0, timeout=5)
        try:
            count = cache.incr(key)
        except ValueError:
            continue
        if count <= rate:
            return
        time.sleep(max(0.0, second + 1 - time.time()))


REVISION_KEY = "outbox:revision"
# How often a drain looks whether something its preparers read has changed.
REVISION_CHECK_SECONDS = 0.1


def outbox_changed() -> None:
    """Something preparers read changed (a consent withdrawn, a campaign paused): drains
    prepare the rest of their batch again within a tenth of a second. A cache that
    is down only means they notice at their next batch."""
    try:
        if cache.add(REVISION_KEY, 1, timeout=None):
            return
        cache.incr(REVISION_KEY)
    except Exception:
        logger.warning("outbox: could not note a change in the cache", exc_info=True)


def _revision():
    try:
        return cache.get(REVISION_KEY, 0)
    except Exception:
        return None


def _prepared_for(messages: list[OutboxMessage]) -> dict:
    """Each row's preparer answer, asked of its kind once for all of the kind's rows."""
    answers = {}
    by_kind: dict[str, list[OutboxMessage]] = {}
    for message in messages:
        by_kind.setdefault(message.kind, []).append(message)
    for name, rows in by_kind.items():
        kind = outbox_kind(name)
        try:
            answers |= kind.prepare_batch(rows)
        except Exception:
            # One row the preparer cannot render must not hold up the others: ask row by
            # row, and a row that still fails ends as failed with the error, for staff.
            logger.exception("outbox: preparing a batch of %s failed", name)
            for message in rows:
                try:
                    answers[message.pk] = kind.prepare(message)
                except Exception as error:
                    answers[message.pk] = error
    return answers


def outbox_drain(
    *,
    worker: str | None = None,
    batch: int | None = None,
    deadline: float | None = None,
    only: list[int] | None = None,
) -> DrainReport:
    """Send what is due (of the rows `only`, if given) until nothing is left (or the
    deadline passes).

    Each claimed batch is prepared at once (its kinds read consents and render in a few
    queries for all its rows), right before its messages go out one by one.
    """
    worker = worker or worker_name()
    batch = batch or _setting("OUTBOX_BATCH", 50)
    seconds = _setting("OUTBOX_LEASE_SECONDS", 120)
    rate = float(_setting("OUTBOX_RATE", 0))
    report = DrainReport()
    with Sender() as sender:
        while deadline is None or time.monotonic() < deadline:
            claim, messages = outbox_claim(
                worker=worker, limit=batch, lease_seconds=seconds, only=only
            )
            if not messages:
                break
            lease = Lease(claim=claim, messages=messages, seconds=seconds)
            revision, checked = _revision(), time.monotonic()
            prepared = _prepared_for(messages)
            for position, message in enumerate(messages):
                report.groups.add((message.kind, message.group))
                if not lease.holds(message):
                    continue
                if time.monotonic() - checked > REVISION_CHECK_SECONDS:
                    checked, now = time.monotonic(), _revision()
                    if now != revision:
                        revision = now
                        rest = [m for m in messages[position:] if m.pk in lease.held]
                        prepared |= _prepared_for(rest)
                _pace(rate)
                report.count(outbox_deliver(message, sender=sender, prepared=prepared[message.pk]))
                lease.release(message)
    outbox_groups_settle(groups=report.groups)
    return report


def outbox_drain_threads(
    *, threads: int, deadline: float | None = None, only: list[int] | None = None
) -> DrainReport:
    """`outbox_drain` in `threads` threads of this process, each with its own SMTP and
    database connection: while one waits for the SMTP server's or the database's answer,
    another sends. SQLite (development) drains in one thread."""
    if threads <= 1 or connection.vendor == "sqlite":
        return outbox_drain(deadline=deadline, only=only)

    def drain(number: int) -> DrainReport:
        try:
            return outbox_drain(worker=f"{worker_name()}/{number}", deadline=deadline, only=only)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        reports = list(pool.map(drain, range(threads)))
    merged = DrainReport()
    for report in reports:
        for name in ("sent", "failed", "skipped", "retried"):
            setattr(merged, name, getattr(merged, name) + getattr(report, name))
        merged.groups |= report.groups
    return merged


def outbox_groups_settle(*, groups) -> None:
    """Tell each kind of the groups with nothing left to send."""
    for kind_name, group in groups:
        kind = outbox_kind(kind_name)
        if kind.on_group_done is None:
            continue  # a person's own mail: its group only names its template
        busy = OutboxMessage.objects.filter(
            group=group, state__in=[State.PENDING, State.CLAIMED]
        ).exists()
        if not busy:
            kind.on_group_done(group)


def outbox_due_count() -> int:
    return OutboxMessage.objects.filter(_due(timezone.now())).count()


def outbox_progress(*, group: str) -> dict[str, int]:
    """How many rows of the group are in each state."""
    counts = dict.fromkeys(State.values, 0)
    rows = OutboxMessage.objects.filter(group=group).values("state").order_by()
    for row in rows.annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    return counts
