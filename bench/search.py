"""Search, listing page and postal-code endpoint against a bare Django view.

Seeds published listings (bench/seed_listings.py: SQL set operations, a
million in minutes) into PostgreSQL databases of the benchmark's own, one per
size, then times each page through Django's test client in a process per size
(no HTTP server: the bare view pays the same framework cost, so ratios compare
the work each page adds). Prints p50 and p95 in milliseconds and as ratios to
the bare view measured in the same process, for every size, and the cold
search figures of the largest size against the smallest.

"Warm" repeats one search, which then comes from the result cache. "Cold"
retires the cached results before every request (a search nobody ran in the
last five minutes); "random mix" draws new filters for every request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kagu_bench REDIS_URL=redis://127.0.0.1:6379/10 \
        .venv/bin/python bench/search.py [--sizes 100000,1000000] [--requests 200]
"""

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bare_view, database_prepare, django_setup, percentile

FILTER_SETS = ["text", "station + walk", "rent + dates", "all filters", "random mix"]


def database_url_for(size: int) -> str:
    """The benchmark's database for `size` listings: DATABASE_URL's name, then the size."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit("DATABASE_URL must name a database with 'bench' in its name")
    return urlunsplit(parts._replace(path=f"/{name}_{size // 1000}k"))


def database_create(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = "SELECT 1 FROM pg_database WHERE datname = %s"
        if not connection.execute(exists, [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


# ---------------------------------------------------------------- one size, in its own process


def run_one(size: int, requests: int, out: str) -> None:
    django_setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import include, path

    from bench.search_filters import PLACES, fixed_filter_sets, random_filters
    from bench.seed_listings import seed
    from listings.models import Listing, Station
    from listings.search_cache import search_cache_invalidate

    module = type(sys)("bench_search_urls")
    module.urlpatterns = [path("bench/bare/", bare_view), path("", include("kaguaruoo.urls"))]
    sys.modules["bench_search_urls"] = module
    database_prepare("bench_search_urls")
    seed(size)

    rng = random.Random(size)
    today = datetime.date.today()
    fixed = fixed_filter_sets(today)
    tokyo = Station.objects.filter(prefecture="東京都", is_active=True)
    stations = sorted(set(tokyo.values_list("name", flat=True)))
    places = PLACES + rng.sample(stations, 20)
    mix = [random_filters(rng, today, places, stations) for _ in range(requests + 5)]
    sample = Listing.objects.filter(status="published").order_by("-published_at").first()

    client = Client()

    def url(filters: dict) -> str:
        return "/listings/?" + urlencode(filters, doseq=True)

    def measure(urls, *, cold: bool) -> list[float]:
        urls = list(urls)
        for warmup in urls[:5]:
            response = client.get(warmup)
            assert response.status_code == 200, (warmup, response.status_code)
        timings = []
        for target in urls[5:]:
            if cold:
                search_cache_invalidate()
            started = time.perf_counter()
            response = client.get(target)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (target, response.status_code)
        return timings

    def repeated(target: str) -> list[str]:
        return [target] * (requests + 5)

    results = {"bare view (template)": measure(repeated("/bench/bare/"), cold=False)}
    for name in FILTER_SETS:
        urls = [url(f) for f in mix] if name == "random mix" else repeated(url(fixed[name]))
        results[f"search: {name}, warm"] = measure(urls[:1] * len(urls), cold=False)
        results[f"search: {name}, cold"] = measure(urls, cold=True)
    results["listing page"] = measure(repeated(sample.get_absolute_url()), cold=False)
    results["postal endpoint"] = measure(repeated("/api/postal-codes/150-0002"), cold=False)
    results["bare view (again)"] = measure(repeated("/bench/bare/"), cold=False)
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    count = Listing.objects.filter(status="published").count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    Path(out).write_text(
        json.dumps({"size": count, "cache": cache, "database": version, "results": results})
    )


# ---------------------------------------------------------------- all sizes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/search.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    if args.one:
        run_one(args.one, args.requests, args.out)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = []
    for size in sizes:
        url = database_url_for(size)
        database_create(url)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run(
                [sys.executable, __file__, "--one", str(size), "--requests", str(args.requests),
                 "--out", out.name],
                env={**os.environ, "DATABASE_URL": url},
                check=True,
            )  # fmt: skip
            runs.append(json.loads(Path(out.name).read_text()))
    for run in runs:
        results = run["results"]
        bare = percentile(results["bare view (template)"], 50)
        print(f"\n{run['size']:,} listings, {args.requests} requests each, {run['database']}, "
              f"{run['cache']}")  # fmt: skip
        print(f"{'page':36} {'p50 ms':>8} {'p95 ms':>8} {'p50 ratio':>10} {'p95 ratio':>10}")
        for name, timings in results.items():
            p50, p95 = percentile(timings, 50), percentile(timings, 95)
            print(f"{name:36} {p50:8.2f} {p95:8.2f} {p50 / bare:9.2f}x {p95 / bare:9.2f}x")
    if len(runs) > 1:
        small, large = runs[0], runs[-1]
        print(f"\ncold search p50 at {large['size']:,} against {small['size']:,} listings")
        for name in FILTER_SETS:
            key = f"search: {name}, cold"
            a = percentile(small["results"][key], 50)
            b = percentile(large["results"][key], 50)
            print(f"{name:36} {a:8.2f} {b:8.2f} {b / a:9.2f}x")


if __name__ == "__main__":
    main()
