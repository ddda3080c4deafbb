"""The site under gunicorn, loaded by concurrent clients, against a bare Django view.

Seeds 100,000 listings (bench/seed_listings.py) and a signed contract's message
thread with 50 messages (bench/contracts.py's seed) into a PostgreSQL database of
its own, starts gunicorn with 2 sync workers on a free loopback port serving the
site with the bare view in front (bench/load_wsgi.py, DEBUG off), then keeps
`--clients` connections busy on each page for `--seconds` in all, in slices of
`--slice` seconds taken page after page, round after round (so that the other
load of a shared machine weighs on every page alike):

- bare view: /bench/bare/, a small template through the whole middleware stack;
- search, cold: every request a random filter combination (a Tokyo station, walk
  5-20 min, a rent range, a move-in date, layouts, ...), so the result cache
  rarely holds it; the cache is retired when the phase starts;
- listing page: one of 1,000 listings at random;
- message thread: the seeded contract's thread, signed in as its tenant;
- postal endpoint: one of ten postal codes at random.

Prints, per page, requests a second, p50 and p95 in milliseconds, errors (any
answer but 2xx, or no answer), the throughput and p95 as ratios to the bare
view's, and the CPU the gunicorn workers spent per request. Exits non-zero only
when it cannot run, never on a missed target.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kagu_bench_load \\
    REDIS_URL=redis://127.0.0.1:6379/10 .venv/bin/python bench/load.py [--seconds 60]
"""

import argparse
import datetime
import http.client
import importlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kagu_bench_load")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ.setdefault("SITE_URL", "http://127.0.0.1")
os.environ.setdefault("MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "kagu_bench_media"))
# Tasks the pages queue (with REDIS_URL) wait in a queue nobody serves, not the site's.
os.environ.setdefault("CELERY_QUEUE", "bench-load")

# The rest of the environment (DEBUG off), the project first on sys.path, django.setup().
from common import database_prepare, database_reachable, django_setup, percentile  # noqa: E402

django_setup()

from bench.seed_listings import seed as listings_seed  # noqa: E402

# isort: split
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

WORKERS = 2
THREAD_MESSAGES = 50
LISTING_PAGES = 1_000
POSTAL_CODES = [
    "150-0002", "100-0001", "160-0022", "530-0001", "060-0001",
    "810-0001", "600-8216", "106-0032", "113-0033", "220-0012",
]  # fmt: skip
LAYOUTS = ["1R", "1K", "1DK", "1LDK", "2LDK"]
SORTS = ["newest", "rent", "-rent", "walk"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def thread_seed():
    """The first contract of bench/contracts.py's seed, made with one contract if missing."""
    # bench.contracts, not contracts: that name is the app's.
    bench_contracts = importlib.import_module("bench.contracts")
    # Two contracts: the seed gives the second a thread of `long_messages`.
    counts = {"contracts": 2, "messages": THREAD_MESSAGES, "long_messages": 0, "views": 0}
    found = bench_contracts.seeded(**counts)
    if found is not None:
        return found[0]
    from kaguaruoo.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with override_settings(MAILERS=bench_contracts.DISCARD_MAIL), transaction.atomic():
            bench_contracts.seed(**counts)
    finally:
        app.conf.task_always_eager = eager
    return bench_contracts.seeded(**counts)[0]


def search_url_maker() -> Callable[[random.Random], str]:
    """A search a visitor might make: a random combination of realistic filters."""
    from listings.models import ListingItem, Station

    # The stations bench/search.py's seed puts listings near.
    stations = sorted(
        {s.name for s in Station.objects.filter(prefecture="東京都", is_active=True)[:400]}
    )
    items = [value for value, _ in ListingItem.Item.choices]
    today = timezone.localdate()

    def search_url(rng: random.Random) -> str:
        params: list[tuple[str, object]] = []
        if rng.random() < 0.75:
            params.append(("station", rng.choice(stations)))
            if rng.random() < 0.8:
                params.append(("walk", rng.randint(5, 20)))
        if rng.random() < 0.6:
            low = rng.randrange(50_000, 250_001, 5_000)
            params += [("rent_min", low), ("rent_max", low + rng.randrange(30_000, 200_001, 5_000))]
        if rng.random() < 0.4:
            move_in = today + datetime.timedelta(days=rng.randint(7, 120))
            params += [("move_in", move_in.isoformat()), ("months", rng.randint(1, 12))]
        if rng.random() < 0.35:
            params += [("layout", layout) for layout in rng.sample(LAYOUTS, rng.randint(1, 2))]
        if rng.random() < 0.2:
            params.append(("occupants", rng.randint(1, 3)))
        if rng.random() < 0.15:
            params += [("items", item) for item in rng.sample(items, rng.randint(1, 2))]
        if not params:
            params.append(("station", rng.choice(stations)))
        if rng.random() < 0.5:
            params.append(("sort", rng.choice(SORTS)))
        if rng.random() < 0.1:
            params.append(("page", 2))
        return "/listings/?" + urlencode(params)

    return search_url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_start(port: int, log: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "bench.load_wsgi:application",
        "--chdir", str(ROOT), "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS), "--worker-class", "sync", "--timeout", "60",
        "--log-level", "warning", "--error-logfile", str(log),
    ]  # fmt: skip
    server = subprocess.Popen(command, env=os.environ.copy())
    started = time.monotonic()
    while time.monotonic() - started < 60:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start-up:\n{log.read_text()}")
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", "/healthz")
            if probe.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.terminate()
    sys.exit(f"gunicorn did not answer /healthz within 60 s:\n{log.read_text()}")


def cpu_seconds(pid: str) -> float:
    """CPU time (user + system) of a process, from /proc; 0 once it has ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def workers_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time of the gunicorn master's worker processes."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return sum(cpu_seconds(pid) for pid in children)


class DatabaseCpu:
    """CPU time of the PostgreSQL backends connected to the bench's database.

    Sampled from /proc twice a second, as a backend may end mid-phase (connections
    live CONN_MAX_AGE = 60 s): one that ends loses at most its last half second.
    """

    def __init__(self, database: str):
        self.marker = f" {database} ".encode()
        self.before: dict[str, float] = {}
        self.latest: dict[str, float] = {}
        self.stop = threading.Event()

    def backends(self) -> dict[str, float]:
        found = {}
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and (entry / "comm").read_bytes() == b"postgres\n":
                    title = (entry / "cmdline").read_bytes()
                    if self.marker in title:
                        found[entry.name] = cpu_seconds(entry.name)
            except (FileNotFoundError, ProcessLookupError):
                continue
        return found

    def sample(self) -> None:
        while not self.stop.wait(0.5):
            self.latest.update(self.backends())

    def __enter__(self):
        self.before = self.backends()
        self.latest = dict(self.before)
        self.sampler = threading.Thread(target=self.sample, daemon=True)
        self.sampler.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.sampler.join()
        self.latest.update(self.backends())
        self.seconds = sum(cpu - self.before.get(pid, 0.0) for pid, cpu in self.latest.items())


@dataclass
class Page:
    name: str
    url: Callable[[random.Random], str]
    cookie: str = ""


@dataclass
class Outcome:
    latencies_ms: list[float]
    statuses: Counter
    urls: set[str]


@dataclass
class Result:
    page: Page
    seconds: float
    latencies_ms: list[float]
    statuses: Counter
    urls: set[str]
    server_cpu_s: float
    database_cpu_s: float
    client_cpu_s: float

    def __add__(self, other: "Result") -> "Result":
        return Result(
            page=self.page,
            seconds=self.seconds + other.seconds,
            latencies_ms=self.latencies_ms + other.latencies_ms,
            statuses=self.statuses + other.statuses,
            urls=self.urls | other.urls,
            server_cpu_s=self.server_cpu_s + other.server_cpu_s,
            database_cpu_s=self.database_cpu_s + other.database_cpu_s,
            client_cpu_s=self.client_cpu_s + other.client_cpu_s,
        )

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if not str(status).startswith("2"))


def client_run(port: int, page: Page, until: float, rng: random.Random) -> Outcome:
    """One client: a request, its whole answer read, the next, until `until`.

    Sync workers close the connection after each answer; http.client opens the next.
    """
    headers = {"Cookie": page.cookie} if page.cookie else {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    outcome = Outcome([], Counter(), set())
    while time.monotonic() < until:
        url = page.url(rng)
        started = time.perf_counter()
        try:
            conn.request("GET", url, headers=headers)
            response = conn.getresponse()
            response.read()
            status: object = response.status
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
            conn.close()
        outcome.latencies_ms.append((time.perf_counter() - started) * 1000)
        outcome.statuses[status] += 1
        outcome.urls.add(url)
    conn.close()
    return outcome


def page_check(port: int, page: Page, rng: random.Random) -> None:
    """A few requests first: the page answers 200, and the workers have it warm."""
    headers = {"Cookie": page.cookie} if page.cookie else {}
    for _ in range(10):
        url = page.url(rng)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", url, headers=headers)
        status = conn.getresponse().status
        conn.close()
        if status != 200:
            sys.exit(f"{page.name}: {url} answered {status}")


def page_load(
    port: int, page: Page, *, seconds: float, clients: int, server: subprocess.Popen, seed: int
) -> Result:
    cpu_before, client_before = workers_cpu_seconds(server), time.process_time()
    started = time.perf_counter()
    until = time.monotonic() + seconds
    with (
        DatabaseCpu(settings.DATABASES["default"]["NAME"]) as database,
        ThreadPoolExecutor(clients) as pool,
    ):
        outcomes = list(
            pool.map(
                lambda n: client_run(port, page, until, random.Random(seed * 1000 + n)),
                range(clients),
            )
        )
    elapsed = time.perf_counter() - started
    statuses: Counter = Counter()
    urls: set[str] = set()
    for outcome in outcomes:
        statuses.update(outcome.statuses)
        urls |= outcome.urls
    return Result(
        page=page,
        seconds=elapsed,
        latencies_ms=[ms for outcome in outcomes for ms in outcome.latencies_ms],
        statuses=statuses,
        urls=urls,
        server_cpu_s=workers_cpu_seconds(server) - cpu_before,
        database_cpu_s=database.seconds,
        client_cpu_s=time.process_time() - client_before,
    )


def pages_prepare() -> list[Page]:
    from listings.models import Listing

    first = thread_seed()
    tenant = Client()
    tenant.force_login(first.tenant)
    session = f"{settings.SESSION_COOKIE_NAME}={tenant.cookies[settings.SESSION_COOKIE_NAME].value}"
    listings = [
        listing.get_absolute_url()
        for listing in Listing.objects.filter(status="published").order_by("id")[:LISTING_PAGES]
    ]
    thread = first.thread.get_absolute_url()
    return [
        Page("bare view (template)", lambda rng: "/bench/bare/"),
        Page("search, cold (random filters)", search_url_maker()),
        Page(f"listing page (1 of {len(listings):,})", lambda rng: rng.choice(listings)),
        Page(f"message thread ({THREAD_MESSAGES} messages)", lambda rng: thread, session),
        Page("postal endpoint", lambda rng: f"/api/postal-codes/{rng.choice(POSTAL_CODES)}"),
    ]


def report(results: list[Result], *, clients: int, listings: int) -> None:
    bare = results[0]
    bare_p95 = percentile(bare.latencies_ms, 95)
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        f"\n{listings:,} listings, gunicorn {WORKERS} sync workers, {clients} clients, "
        f"{bare.seconds:.0f} s a page, PostgreSQL, {cache}, {os.cpu_count()} cores"
    )
    print(
        f"{'page':34} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6} "
        f"{'req/s ratio':>11} {'p95 ratio':>9} {'CPU ms/req: web':>15} {'db':>5} {'client':>6}"
    )
    for result in results:
        p50, p95 = percentile(result.latencies_ms, 50), percentile(result.latencies_ms, 95)
        print(
            f"{result.page.name:34} {result.per_second:7.1f} {p50:7.1f} {p95:7.1f} "
            f"{result.errors:6} {result.per_second / bare.per_second:10.2f}x "
            f"{p95 / bare_p95:8.2f}x {1000 * result.server_cpu_s / result.requests:15.2f} "
            f"{1000 * result.database_cpu_s / result.requests:5.2f} "
            f"{1000 * result.client_cpu_s / result.requests:6.2f}"
        )
    search = results[1]
    print(f"\nsearch: {len(search.urls):,} distinct queries in {search.requests:,} requests")
    for result in results:
        if result.errors:
            print(f"{result.page.name}: answers {dict(result.statuses)}")
    for result in results[1:3]:
        ratio = result.per_second / bare.per_second
        verdict = "met" if ratio >= 0.5 else "NOT met"
        print(f"target {result.page.name}: throughput {ratio:.2f}x >= 0.5x: {verdict}")
    errors = sum(result.errors for result in results)
    print(f"target errors: {errors} == 0: {'met' if errors == 0 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60, help="load time per page")
    parser.add_argument("--clients", type=int, default=6, help="concurrent connections")
    parser.add_argument(
        "--slice", type=float, default=10, help="seconds a page runs before the next page's turn"
    )
    parser.add_argument("--listings", type=int, default=100_000)
    args = parser.parse_args()
    database_reachable()
    if connection.vendor != "postgresql":
        sys.exit("bench/load.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    database_prepare("kaguaruoo.urls")
    listings_seed(args.listings)
    pages = pages_prepare()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()

    from listings.search_cache import search_cache_invalidate

    log = Path(tempfile.mkdtemp(prefix="kagu_bench_load_")) / "gunicorn.log"
    port = free_port()
    server = gunicorn_start(port, log)
    slices = max(1, round(args.seconds / args.slice))
    try:
        for number, page in enumerate(pages):
            page_check(port, page, random.Random(number))
        search_cache_invalidate()
        # Page after page in short slices, round after round: a machine whose other load
        # changes during the run changes it for every page alike.
        totals: list[Result | None] = [None] * len(pages)
        for round_number in range(slices):
            print(f"  round {round_number + 1} of {slices}", flush=True)
            for number, page in enumerate(pages):
                part = page_load(
                    port, page, seconds=args.seconds / slices, clients=args.clients,
                    server=server, seed=round_number * 100 + number,
                )  # fmt: skip
                totals[number] = part if totals[number] is None else totals[number] + part
        results = [total for total in totals if total is not None]
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(results, clients=args.clients, listings=args.listings)
    if log.read_text().strip():
        print(f"\ngunicorn's log ({log}):\n{log.read_text()[-3000:]}")


if __name__ == "__main__":
    main()
