"""What the access log costs a request: written at once, buffered in Redis, or not at all.

Times a bare Django view (a small template) through the site's whole middleware
stack with Django's test client, in three ways, in rounds that alternate so
that the machine's noise falls on all three alike:

- without AccessLogMiddleware (the reference, 1.00x);
- with the access log written at once (one INSERT per request, as without Redis);
- with the access log buffered (one RPUSH onto the Redis list per request).

Then it times the logging step alone (a push; an INSERT) and beat's drain of the
rows the buffered requests left, per row.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kagu_al_bench \\
        REDIS_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python bench/access_log.py [--requests 2000] [--rounds 10]
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bare_view, database_prepare, django_setup, percentile

django_setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

from privacy import access_log_buffer  # noqa: E402
from privacy.access_log import access_entry, access_entry_write  # noqa: E402
from privacy.models import AccessLog  # noqa: E402
from privacy.services import access_logs_drain  # noqa: E402

ACCESS_LOG_MIDDLEWARE = "privacy.middleware.AccessLogMiddleware"


urlpatterns = [path("bench/bare/", bare_view), path("", include("kaguaruoo.urls"))]


def prepare() -> None:
    """Serve this module's urls with production settings; migrate the bench's database."""
    database_prepare(__name__)
    AccessLog.objects.all().delete()
    access_log_buffer._client().delete(settings.ACCESS_LOG_BUFFER_KEY)


MODES = {
    "no access log": {"MIDDLEWARE": [m for m in settings.MIDDLEWARE if m != ACCESS_LOG_MIDDLEWARE]},
    "access log written at once": {"REDIS_URL": ""},
    "access log buffered in Redis": {},
}


def measure(mode: str, requests: int) -> list[float]:
    with override_settings(**MODES[mode]):
        client = Client()  # its handler builds the middleware chain of these settings
        for _ in range(5):
            assert client.get("/bench/bare/").status_code == 200
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get("/bench/bare/")
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def logging_step_alone(count: int) -> dict[str, list[float]]:
    """Building one row, its push and its INSERT, each timed on its own, in microseconds."""
    request = RequestFactory().get("/bench/bare/", HTTP_USER_AGENT="bench")
    request.user = None
    builds, pushes, inserts = [], [], []
    for _ in range(count):
        started = time.perf_counter()
        entry = access_entry(request=request, status=200)
        builds.append((time.perf_counter() - started) * 1e6)
        started = time.perf_counter()
        assert access_log_buffer.buffer_push(entry)
        pushes.append((time.perf_counter() - started) * 1e6)
        entry = access_entry(request=request, status=200)
        started = time.perf_counter()
        access_entry_write(entry)
        inserts.append((time.perf_counter() - started) * 1e6)
    return {
        "building the row (no I/O)": builds,
        "RPUSH onto the buffer": pushes,
        "INSERT at once": inserts,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000, help="per mode")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    if not settings.REDIS_URL:
        sys.exit("bench/access_log.py compares with the Redis buffer: set REDIS_URL=redis://...")
    prepare()
    assert access_log_buffer.buffering()

    timings = {mode: [] for mode in MODES}
    per_round = max(args.requests // args.rounds, 1)
    for _ in range(args.rounds):
        for mode in MODES:
            timings[mode] += measure(mode, per_round)
    buffered = access_log_buffer.buffer_length()
    written_at_once = AccessLog.objects.count()

    started = time.perf_counter()
    drained = 0
    while access_log_buffer.buffer_length():
        drained += access_logs_drain()
    drain_ms = (time.perf_counter() - started) * 1000

    alone = logging_step_alone(min(args.requests, 2000))
    access_logs_drain()

    reference = percentile(timings["no access log"], 50)
    at_once = percentile(timings["access log written at once"], 50)
    database = connection.vendor
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    total = per_round * args.rounds
    print(f"\n{total} requests a mode in {args.rounds} rounds, {database}, {cache}")
    print(f"{'bare view':36} {'p50 ms':>8} {'p95 ms':>8} {'p50 ratio':>10} {'vs at once':>11}")
    for mode, values in timings.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(f"{mode:36} {p50:8.3f} {p95:8.3f} {p50 / reference:9.2f}x {p50 / at_once:10.2f}x")
    print(f"\n{'logging step alone':36} {'p50 µs':>8} {'p95 µs':>8}")
    for step, values in alone.items():
        print(f"{step:36} {percentile(values, 50):8.1f} {percentile(values, 95):8.1f}")
    print(
        f"\nrows: {written_at_once} written at once, {buffered} left in the buffer; "
        f"the drain wrote {drained} in {drain_ms:.0f} ms "
        f"({drain_ms * 1000 / max(drained, 1):.1f} µs a row, "
        f"batches of {settings.ACCESS_LOG_DRAIN_BATCH})"
    )


if __name__ == "__main__":
    main()
