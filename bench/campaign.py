"""Campaign mail through the outbox and a real Celery worker, against a plain smtplib loop.

Recreates its own PostgreSQL database (the one DATABASE_URL names, which must have
"bench" in its name), seeds people with the marketing consent and sends a campaign
to all of them through a real `celery worker` (prefork, 2 processes, on Redis, its
own queue) into a local aiosmtpd server that counts messages by Message-ID. Then:

- the same rendered messages (built as the outbox builds them) go to the same server
  through one smtplib connection in a process of their own: the baseline;
- a second campaign to the same people, with the worker's process group SIGKILLed
  at a random moment about half way and a new worker started: duplicates and missing
  messages counted at the SMTP server.

Prints messages per second and the ratio to the baseline. Not a test: a missed
target exits 0; only a crash exits non-zero.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kagu_bench_campaign \
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/campaign.py [--people 10000]
"""

import argparse
import contextlib
import logging
import os
import pickle
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUEUE = f"bench-campaign-{uuid.uuid4().hex[:8]}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaguaruoo.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
os.environ.setdefault("USE_HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SITE_URL", "https://kaguaruoo.example")
os.environ.setdefault("COMPANY_ADDRESS", "KaguAruoo, 1-2-3 Shibuya, Shibuya-ku, Tokyo")
os.environ["CELERY_QUEUE"] = QUEUE  # what outbox_kick enqueues here goes to our worker only

import django  # noqa: E402
import redis  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from tests.services import CeleryWorker, free_port  # noqa: E402

LEASE_SECONDS = 5
MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]*>)", re.MULTILINE | re.IGNORECASE)
HEADER_END = re.compile(rb"\r?\n\r?\n")
TICK = os.sysconf("SC_CLK_TCK")

# The baseline, run by a fresh interpreter: nothing but smtplib over one connection.
SMTPLIB_LOOP = """
import pickle, smtplib, sys, time
messages = pickle.load(open(sys.argv[1], "rb"))
smtp = smtplib.SMTP("127.0.0.1", int(sys.argv[2]), timeout=30)
smtp.ehlo()
started, cpu = time.perf_counter(), time.process_time()
for sender, recipient, data in messages:
    smtp.sendmail(sender, [recipient], data)
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
smtp.quit()
print(elapsed, cpu)
"""


def cpu_seconds(pid: int, tid: int | None = None) -> float | None:
    """User + system CPU of a process (or one of its threads) so far, from /proc."""
    path = f"/proc/{pid}/task/{tid}/stat" if tid else f"/proc/{pid}/stat"
    try:
        fields = Path(path).read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK


def process_group(pgid: int) -> list[int]:
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                fields = Path(f"/proc/{name}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:
                pids.append(int(name))
    return pids


def database_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


class CpuMeter:
    """CPU seconds a changing set of processes use over a phase, sampled while it runs:
    a process that exits between two samples loses what it used since the last one."""

    def __init__(self, find):
        self.find = find
        self.start: dict[int, float] = {}
        self.last: dict[int, float] = {}
        for pid in find():
            value = cpu_seconds(pid)
            if value is not None:
                self.start[pid] = self.last[pid] = value

    def sample(self) -> None:
        for pid in self.find():
            value = cpu_seconds(pid)
            if value is not None:
                self.start.setdefault(pid, 0.0)  # born during the phase
                self.last[pid] = value

    @property
    def seconds(self) -> float:
        return sum(self.last[pid] - self.start[pid] for pid in self.last)


class CountingSink:
    """An aiosmtpd server on loopback that counts what it receives by Message-ID.

    Only the header block is scanned (no full parse), so the server costs the same
    little per message whoever sends. Counting happens in the server's thread; the
    counts are read from others under a lock.
    """

    def __init__(self):
        self.port = free_port()
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.thread_id = None  # the server's thread, known once a message arrives
        self.reset()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        """Offers PIPELINING (RFC 2920), as the relays a site sends through do (Postfix,
        Amazon SES, SendGrid); plain smtplib, the baseline, does not use it."""
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        head = HEADER_END.split(content, maxsplit=1)[0]
        found = MESSAGE_ID.search(head)
        key = found.group(1).decode() if found else "(none)"
        now = time.perf_counter()
        self.thread_id = threading.get_native_id()
        with self._lock:
            self._counts[key] += 1
            self._total += 1
            self._first = self._first or now
            self._last = now
        return "250 Message accepted for delivery"

    def start(self):
        self._controller.start()

    def stop(self):
        self._controller.stop()

    def reset(self):
        with self._lock:
            self._counts, self._total, self._first, self._last = Counter(), 0, None, None

    def cpu(self) -> float:
        """CPU seconds of the server's thread so far."""
        return (cpu_seconds(os.getpid(), self.thread_id) or 0.0) if self.thread_id else 0.0

    @property
    def total(self) -> int:
        with self._lock:
            return self._total

    def snapshot(self) -> tuple[Counter, float | None, float | None]:
        with self._lock:
            return Counter(self._counts), self._first, self._last


def database_recreate() -> None:
    """Drop and create the database DATABASE_URL names, before Django connects to it."""
    import psycopg
    from psycopg import sql

    values = connection.settings_dict
    name = values["NAME"]
    if "bench" not in name:
        sys.exit(f"bench/campaign.py drops its database: name one with 'bench' in it, not {name!r}")
    maintenance = psycopg.connect(
        host=values.get("HOST") or "127.0.0.1",
        port=values.get("PORT") or 5432,
        user=values.get("USER") or None,
        password=values.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    with maintenance:
        maintenance.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def seed(people: int):
    """`people` users with the marketing consent (one in three reads Japanese), a staff
    member; the consent rows are written directly, as consent_record would write them."""
    from accounts.models import User
    from privacy.models import Consent, PolicyVersion

    policy = PolicyVersion.objects.get(version=1)
    now = timezone.now()
    staff = User.objects.create(email="bench.staff@example.com", is_staff=True, last_name="Staff")
    batch = 2000
    for offset in range(0, people, batch):
        users = User.objects.bulk_create(
            [
                User(
                    email=f"person{n}@example.com",
                    first_name=f"Person{n}",
                    last_name="Bench" if n % 3 else "山田",
                    last_name_visibility="all",
                    language="ja" if n % 3 == 0 else "en",
                    password="!unusable",  # noqa: S106
                )
                for n in range(offset, min(offset + batch, people))
            ]
        )
        Consent.objects.bulk_create(
            [
                Consent(
                    user=user,
                    purpose=Consent.Purpose.MARKETING,
                    granted=True,
                    recorded_at=now,
                    ip_address="192.0.2.1",
                    policy_version=policy,
                    source=Consent.Source.SIGNUP,
                )
                for user in users
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return staff


def campaign_new(*, name: str, staff):
    from campaigns.core.models import Campaign

    return Campaign.objects.create(
        name=name,
        subject_en="Spring rooms for {{ name }}",
        subject_ja="{{ name }}様へ 春のお部屋",
        body_en=(
            "Hello {{ name }},\n\nNew furnished rooms for April: https://kaguaruoo.example/spring."
            "\n\nQuestions? https://kaguaruoo.example/faq"
        ),
        body_ja=(
            "{{ name }}様\n\n4月の家具付きのお部屋: https://kaguaruoo.example/spring 。"
            "\n\nよくある質問 https://kaguaruoo.example/faq"
        ),
        audience=Campaign.Audience.EVERYONE,
        created_by=staff,
    )


def worker_new(sink: CountingSink, media_root: str) -> CeleryWorker:
    return CeleryWorker(
        queue=QUEUE,
        database=dict(connection.settings_dict),
        redis_url=settings.REDIS_URL,
        email_url=f"smtp://127.0.0.1:{sink.port}",
        media_root=media_root,
        pool="prefork",
        concurrency=2,
        extra_env={
            "DEBUG": "false",  # CeleryWorker defaults to true; measure as production runs
            "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        },
    )


def campaign_status(campaign) -> str:
    campaign.refresh_from_db(fields=["status"])
    return campaign.status


def wait_finished(campaign, *, timeout: float, meters=()) -> float | None:
    """perf_counter when the campaign was seen FINISHED (polled every 20 ms), or None.
    The CPU meters are sampled every quarter of a second meanwhile."""
    from campaigns.core.models import Campaign

    deadline = time.perf_counter() + timeout
    sampled = 0.0
    while time.perf_counter() < deadline:
        if campaign_status(campaign) == Campaign.Status.FINISHED:
            return time.perf_counter()
        if time.perf_counter() - sampled > 0.25:
            for meter in meters:
                meter.sample()
            sampled = time.perf_counter()
        time.sleep(0.02)
    return None


def expected_ids(campaign) -> set[str]:
    from kaguaruoo.outbox.models import OutboxMessage

    return set(
        OutboxMessage.objects.filter(group=campaign.outbox_group).values_list(
            "message_id", flat=True
        )
    )


def states(campaign) -> dict:
    from kaguaruoo.outbox.services import outbox_progress

    return {k: v for k, v in outbox_progress(group=campaign.outbox_group).items() if v}


def tally(sink: CountingSink, expected: set[str]) -> dict:
    counts, first, last = sink.snapshot()
    return {
        "received": sum(counts.values()),
        "duplicates": sum(n - 1 for n in counts.values() if n > 1),
        "missing": len(expected - set(counts)),
        "strangers": len(set(counts) - expected),
        "first": first,
        "last": last,
    }


def campaign_run(*, campaign, staff, sink: CountingSink, worker, timeout: float) -> dict:
    """Send, and time it until the campaign is FINISHED; CPU of the worker's processes,
    of the database's backends and of the SMTP server meanwhile."""
    from campaigns.core.services import campaign_send

    sink.reset()
    meters = (CpuMeter(lambda: process_group(worker.process.pid)), CpuMeter(database_backends))
    sink_cpu = sink.cpu()
    started = time.perf_counter()
    campaign_send(campaign=campaign, by=staff)
    handed = time.perf_counter()
    done = wait_finished(campaign, timeout=timeout, meters=meters)
    for meter in meters:
        meter.sample()
    result = tally(sink, expected_ids(campaign))
    result.update(started=started, handed=handed, done=done, states=states(campaign))
    result.update(cpu_worker=meters[0].seconds, cpu_database=meters[1].seconds,
                  cpu_sink=sink.cpu() - sink_cpu)  # fmt: skip
    return result


def baseline_run(*, campaign, sink: CountingSink) -> dict:
    """The campaign's own messages, prepared in batches and built into bytes exactly as the
    outbox does, then sent by a plain smtplib loop over one connection in a process of its
    own; only the loop is timed."""
    from django.conf import settings

    from campaigns.core.services import campaign_prepare_many
    from kaguaruoo.outbox.mime import mime_bytes
    from kaguaruoo.outbox.models import OutboxMessage

    rows = list(OutboxMessage.objects.filter(group=campaign.outbox_group).order_by("pk"))
    started = time.perf_counter()
    messages = []
    for start in range(0, len(rows), 50):
        batch = rows[start : start + 50]
        answers = campaign_prepare_many(batch)
        for row in batch:
            prepared = answers[row.pk]
            data = mime_bytes(
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=row.address,
                subject=prepared.subject,
                text=prepared.body,
                html=prepared.html,
                headers={**prepared.headers, "Message-ID": row.message_id},
            )
            messages.append((settings.DEFAULT_FROM_EMAIL, row.address, data))
    render_seconds = time.perf_counter() - started
    size = sum(len(data) for *_, data in messages) / max(len(messages), 1)
    sink.reset()
    sink_cpu = sink.cpu()
    with tempfile.NamedTemporaryFile(suffix=".pickle") as file:
        pickle.dump(messages, file)
        file.flush()
        out = subprocess.run(
            [sys.executable, "-c", SMTPLIB_LOOP, file.name, str(sink.port)],
            check=True,
            capture_output=True,
            text=True,
        )
    seconds, cpu = (float(value) for value in out.stdout.split())
    result = tally(sink, {row.message_id for row in rows})
    result.update(seconds=seconds, render_seconds=render_seconds, size=size, count=len(rows))
    result.update(cpu_client=cpu, cpu_sink=sink.cpu() - sink_cpu)
    return result


def kill_run(*, campaign, staff, sink, worker, media_root, people, timeout) -> dict:
    """The campaign with the worker SIGKILLed at a random moment about half way through,
    then a new worker; duplicates and missing are counted at the SMTP server."""
    from campaigns.core.services import campaign_send
    from kaguaruoo.outbox.models import OutboxMessage

    rng = random.Random()
    threshold = int(people * rng.uniform(0.45, 0.55))
    sink.reset()
    started = time.perf_counter()
    campaign_send(campaign=campaign, by=staff)
    deadline = time.perf_counter() + timeout
    while sink.total < threshold and time.perf_counter() < deadline:
        time.sleep(rng.uniform(0.0005, 0.003))
    time.sleep(rng.uniform(0, 0.01))
    worker.kill()
    killed_at = time.perf_counter()
    at_kill, *_ = sink.snapshot()
    # Rows the server has but whose "sent" never committed: the window of the outbox
    # docstring (or the same thing seen from the server: stored, answer not yet read).
    claimed = list(
        OutboxMessage.objects.filter(
            group=campaign.outbox_group, state=OutboxMessage.State.CLAIMED
        ).values_list("message_id", flat=True)
    )
    in_window = sum(1 for mid in claimed if mid in at_kill)
    states_at_kill = states(campaign)
    second = worker_new(sink, media_root)
    second.start()
    restarted = time.perf_counter()
    done = wait_finished(campaign, timeout=timeout)
    result = tally(sink, expected_ids(campaign))
    result.update(
        started=started,
        done=done,
        killed_after=killed_at - started,
        restart_seconds=restarted - killed_at,
        received_at_kill=sum(at_kill.values()),
        claimed_at_kill=len(claimed),
        in_window=in_window,
        states_at_kill=states_at_kill,
        states=states(campaign),
        worker=second,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument(
        "--timeout", type=float, default=0, help="seconds per phase (default scales)"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        sys.exit("bench/campaign.py needs DATABASE_URL=postgres://... and REDIS_URL=redis://...")
    timeout = args.timeout or 120 + args.people / 20

    clock = time.perf_counter()
    database_recreate()
    call_command("migrate", verbosity=0)
    staff = seed(args.people)
    print(
        f"database {connection.settings_dict['NAME']} recreated, migrated, "
        f"{args.people} people seeded ({time.perf_counter() - clock:.1f} s)"
    )

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line a connection
    sink = CountingSink()
    sink.start()
    media_root = tempfile.mkdtemp(prefix="kagu-bench-media-")
    workers = []
    try:
        worker = worker_new(sink, media_root)
        workers.append(worker)
        worker.start()
        print(f"worker up: prefork 2, queue {QUEUE}, log {worker.log_path}")

        first = campaign_new(name="Bench throughput", staff=staff)
        run = campaign_run(campaign=first, staff=staff, sink=sink, worker=worker, timeout=timeout)
        print(f"campaign: {run['states']}")
        base = baseline_run(campaign=first, sink=sink)
        print(
            f"baseline: {base['count']} messages of {base['size']:.0f} bytes on average, "
            f"rendered in {base['render_seconds']:.1f} s in this process "
            f"({base['render_seconds'] / max(base['count'], 1) * 1000:.2f} ms each)"
        )

        second = campaign_new(name="Bench kill and resume", staff=staff)
        kill = kill_run(
            campaign=second,
            staff=staff,
            sink=sink,
            worker=worker,
            media_root=media_root,
            people=args.people,
            timeout=timeout,
        )
        workers.append(kill["worker"])
        print(
            f"kill: SIGKILL after {kill['killed_after']:.2f} s with {kill['received_at_kill']} "
            f"received; outbox then {kill['states_at_kill']}; {kill['claimed_at_kill']} rows "
            f"claimed, {kill['in_window']} of them already at the server (the window); "
            f"new worker answered in {kill['restart_seconds']:.1f} s; finally {kill['states']}"
        )
    finally:
        for each in workers:
            each.stop()
        sink.stop()
        with contextlib.suppress(redis.RedisError):
            redis.Redis.from_url(settings.REDIS_URL).delete(QUEUE)

    base_rate = base["count"] / base["seconds"]

    def rate_row(name, count, seconds, data):
        rate = count / seconds if seconds else 0
        return (
            name,
            f"{count}",
            f"{seconds:.2f}",
            f"{rate:.0f}",
            f"{rate / base_rate:.2f}x",
            f"{data['received']}",
            f"{data['duplicates']}",
            f"{data['missing']}",
        )

    rows = [rate_row("smtplib loop, 1 connection (baseline)", base["count"], base["seconds"], base)]
    if run["done"] is None:
        rows.append(
            (
                "campaign: did not finish in time",
                "",
                "",
                "",
                "",
                f"{run['received']}",
                f"{run['duplicates']}",
                f"{run['missing']}",
            )
        )
    else:
        rows.append(
            rate_row("campaign: send -> finished", args.people, run["done"] - run["started"], run)
        )
        if run["first"] and run["last"] and run["last"] > run["first"]:
            rows.append(
                rate_row(
                    "campaign: first -> last at the server",
                    run["received"],
                    run["last"] - run["first"],
                    run,
                )
            )
    finished = "finished" if kill["done"] else "did not finish in time"
    span = (kill["done"] or time.perf_counter()) - kill["started"]
    rows.append(rate_row(f"kill and resume ({finished})", args.people, span, kill))

    headers = ("run", "messages", "seconds", "msg/s", "ratio", "received", "dupl.", "missing")
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    print(
        f"\n{args.people} people, worker prefork x2 on Redis, aiosmtpd on loopback, "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores"
    )
    for row in [headers, *rows]:
        print(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    sent = max(run["received"], 1)
    per = {
        "sender": (base["cpu_client"] / base["count"], run["cpu_worker"] / sent),
        "PostgreSQL": (0.0, run["cpu_database"] / sent),
        "SMTP server": (base["cpu_sink"] / base["count"], run["cpu_sink"] / sent),
    }
    cores = os.cpu_count() or 1
    print(f"\nCPU ms per message   {'baseline':>9} {'campaign':>9}")
    for name, (plain, outbox) in per.items():
        print(f"  {name:18} {plain * 1000:9.2f} {outbox * 1000:9.2f}")
    totals = [sum(column) for column in zip(*per.values(), strict=True)]
    print(f"  {'total':18} {totals[0] * 1000:9.2f} {totals[1] * 1000:9.2f}")
    if totals[1]:
        print(
            f"  with nothing else running, {cores} cores busy with the campaign's work alone "
            f"would send at most {cores / totals[1]:.0f} msg/s"
        )
    print(
        f"\ncampaign_send itself (deliveries and outbox rows for everyone): "
        f"{run['handed'] - run['started']:.2f} s"
    )
    print(
        f"kill: {kill['in_window']} message(s) were at the server but not yet marked sent "
        f"when the worker died (the one window); duplicates seen: {kill['duplicates']}"
    )


if __name__ == "__main__":
    main()
