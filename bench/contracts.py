"""Contract pages, message threads and a host's lists against a bare Django view.

Seeds, through the services as users make them, one host with `--contracts`
contracts (one tenant each, ten to a listing on consecutive dates, nine in ten
signed, every other signed one with its first payment reconciled), a House
Guide in two versions on the first listing with `--views` logged views,
`--messages` messages in the first contract's thread and `--long-messages` in the
second's. `--scale N` multiplies all four. Then times each page as the party who
sees it, in this process through Django's test client, and prints p50 and p95 in
milliseconds, the p50 ratio to the bare view, the same for this process's CPU time
(steadier on a busy machine; the database's own work is not in it) and the queries of
one request.
`--profile` prints, for each page, where cProfile finds its time going.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kagu_bench_contracts \
        .venv/bin/python bench/contracts.py [--scale 1] [--requests 200] [--profile]
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

# The guide's PDF goes to a media folder of the bench's own.
os.environ.setdefault("MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "kagu_bench_media"))
# With DEBUG off the settings want the address mail links start with.
os.environ.setdefault("SITE_URL", "https://kaguaruoo.example")

# The rest of the environment (DEBUG off), the project on sys.path, django.setup().
from common import bare_view, database_reachable, django_setup, percentile
from common import database_prepare as bench_database_prepare

django_setup()

# isort: split
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

urlpatterns = [path("bench/bare/", bare_view), path("", include("kaguaruoo.urls"))]

HOST_EMAIL = "bench.contracts.host@example.com"
PER_LISTING = 10  # consecutive stays of 1-3 months: 19 months, within the two years ahead
DISCARD_MAIL = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
MESSAGE_PREFIX = "Bench message"


def bench_user(email: str, **fields):
    from tests.accounts.factories import UserFactory

    # No password: hashing one per user would be most of the seeding time.
    return UserFactory(email=email, password=None, **fields)


def messages_post(*, thread, count: int) -> None:
    from messaging.services import message_post

    for n in range(count):
        message_post(
            thread=thread,
            sender=thread.tenant if n % 2 == 0 else thread.host,
            body=f"{MESSAGE_PREFIX} {n}: when can we pick up the keys? " * 2,
            notify=False,
        )


def seed(*, contracts: int, messages: int, long_messages: int, views: int) -> None:
    from contracts.guides.services import house_guide_upload, house_guide_view_record
    from contracts.models import Contract
    from contracts.payments.services import commission_rate_set, payment_bank_transfer_record
    from tests.contracts.builders import listing_near_station, sent_contract, signed_contract
    from tests.contracts.stays import first_of_month_after
    from tests.messaging.builders import pdf_upload

    started = time.monotonic()
    staff = bench_user("bench.contracts.staff@example.com", is_staff=True)
    commission_rate_set(tenant_percent=5, host_percent=3, effective_from=timezone.now(), by=staff)
    host = bench_user(HOST_EMAIL, is_host=True)
    listing, move_in = None, None
    for n in range(contracts):
        if n % PER_LISTING == 0:
            listing = listing_near_station(host=host, title=f"Furnished 1K no. {n // PER_LISTING}")
            move_in = first_of_month_after(14)
        build = sent_contract if n % 10 == 9 else signed_contract
        contract = build(
            listing=listing,
            tenant=bench_user(f"bench.contracts.tenant{n}@example.com"),
            move_in=move_in,
            months=1 + n % 3,
        )
        move_in = contract.end_date
        if contract.status == Contract.Status.SIGNED and n % 2 == 0:
            payment_bank_transfer_record(
                payment=contract.payments.get(sequence=1), reference=f"BANK-{n}", by=staff
            )
        if (n + 1) % 50 == 0:
            print(f"  seeded {n + 1} contracts ({time.monotonic() - started:.0f} s)")
    first, second = Contract.objects.filter(host=host).order_by("pk")[:2]
    house_guide_upload(listing=first.listing, by=host, url="https://example.com/house-guide")
    guide = house_guide_upload(listing=first.listing, by=host, file=pdf_upload("house-guide.pdf"))
    messages_post(thread=first.thread, count=messages)
    messages_post(thread=second.thread, count=long_messages)
    readers = list(
        Contract.objects.filter(listing=first.listing, status=Contract.Status.SIGNED)
        .select_related("tenant")
        .order_by("pk")
    )
    for n in range(views):
        contract = readers[n % len(readers)]
        house_guide_view_record(
            guide=guide, contract=contract, viewer=contract.tenant, ip="203.0.113.9"
        )
    print(f"  seeded in {time.monotonic() - started:.0f} s")


def seeded(*, contracts: int, messages: int, long_messages: int, views: int):
    """The first two contracts of the bench host; None on an empty database, exit on another
    seed."""
    from accounts.models import User
    from contracts.models import Contract, HouseGuideView

    host = User.objects.filter(email=HOST_EMAIL).first()
    if host is None:
        return None
    first, second = Contract.objects.filter(host=host).order_by("pk")[:2]
    found = (
        Contract.objects.filter(host=host).count(),
        first.thread.messages.filter(body__startswith=MESSAGE_PREFIX).count(),
        second.thread.messages.filter(body__startswith=MESSAGE_PREFIX).count(),
        HouseGuideView.objects.filter(guide__listing=first.listing).count(),
    )
    if found != (contracts, messages, long_messages, views):
        sys.exit(
            "The database holds another seed (--contracts {} --messages {} --long-messages {} "
            "--views {}): run with those counts, or on a new database.".format(*found)
        )
    return first, second


def measure(client: Client, url: str, requests: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each request, after five to warm up.

    The CPU time is this process's alone (not the database's): on a busy machine it
    moves less than the wall clock, so it tells a page's own work apart from waiting.
    """
    for _ in range(5):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    wall, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def query_count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def profile(client: Client, url: str, requests: int, *, lines: int = 25) -> str:
    """The functions where `requests` requests of `url` spend their own time, dearest first."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(lines)
    stats.sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=200)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--long-messages", type=int, default=1000)
    parser.add_argument("--views", type=int, default=500)
    parser.add_argument("--scale", type=int, default=1, help="multiplies the four counts above")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print a profile of each page")
    args = parser.parse_args()
    if args.contracts * args.scale < 2:
        parser.error("--contracts must be at least 2")
    return args


def seed_once(counts: dict) -> tuple:
    """The bench host's first two contracts, seeded now unless the database holds them."""
    found = seeded(**counts)
    if found is not None:
        print("seed already in the database")
        return found
    from kaguaruoo.celery import app

    # Mail goes out in this process, into the void, even when REDIS_URL names a broker.
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with override_settings(MAILERS=DISCARD_MAIL), transaction.atomic():
            seed(**counts)
    finally:
        app.conf.task_always_eager = eager
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return seeded(**counts)


def main() -> None:
    args = arguments()
    database_reachable()
    bench_database_prepare(__name__)
    counts = {
        "contracts": args.contracts * args.scale,
        "messages": args.messages * args.scale,
        "long_messages": args.long_messages * args.scale,
        "views": args.views * args.scale,
    }
    first, second = seed_once(counts)

    tenant, host, long_tenant = Client(), Client(), Client()
    tenant.force_login(first.tenant)
    host.force_login(first.host)
    long_tenant.force_login(second.tenant)
    long = f"{counts['long_messages']:,} messages"
    pages = [
        ("bare view (template)", tenant, "/bench/bare/"),
        ("contract page (tenant)", tenant, first.get_absolute_url()),
        ("contract page (host)", host, first.get_absolute_url()),
        ("message thread (tenant)", tenant, first.thread.get_absolute_url()),
        ("message thread (host)", host, first.thread.get_absolute_url()),
        (f"thread of {long} (tenant)", long_tenant, second.thread.get_absolute_url()),
        (f"thread of {long} (host)", host, second.thread.get_absolute_url()),
        ("contracts list (host)", host, "/contracts/"),
        ("payouts (host)", host, "/contracts/payouts/"),
        ("House Guide management (host)", host, f"/contracts/house-guides/{first.listing_id}/"),
    ]
    results = [
        (name, measure(client, url, args.requests), query_count(client, url))
        for name, client, url in pages
    ]
    if args.profile:
        for name, client, url in pages[1:]:
            print(f"\n=== {name}: {url}\n{profile(client, url, max(args.requests // 4, 20))}")
    bare_p50 = percentile(results[0][1][0], 50)
    bare_cpu = percentile(results[0][1][1], 50)
    database = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(connection.vendor, "?")
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        f"\n{counts['contracts']} contracts, {counts['messages']} and {long} in two threads, "
        f"{counts['views']} guide views, {args.requests} requests each, {database}, {cache}"
    )
    print(
        f"{'page':36} {'p50 ms':>8} {'p95 ms':>8} {'p50 ratio':>10} "
        f"{'CPU p50':>8} {'CPU ratio':>10} {'queries':>8}"
    )
    for name, (timings, cpu), queries in results:
        p50, p95, cpu50 = percentile(timings, 50), percentile(timings, 95), percentile(cpu, 50)
        print(
            f"{name:36} {p50:8.2f} {p95:8.2f} {p50 / bare_p50:9.2f}x "
            f"{cpu50:8.2f} {cpu50 / bare_cpu:9.2f}x {queries:8}"
        )


if __name__ == "__main__":
    main()
