"""Search, listing page and postal-code endpoint against a bare Django view.

Seeds 100,000 published listings into a PostgreSQL database of its own, then
times each page in this process through Django's test client (no HTTP server:
the bare view pays the same framework cost, so ratios compare the work each
page adds). Prints p50 and p95 in milliseconds and as a ratio to the bare view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kagu_bench \
        .venv/bin/python bench/search.py [--listings 100000] [--requests 200]
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaguaruoo.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
os.environ.setdefault("USE_HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

BARE_TEMPLATE = engines["django"].from_string(
    "<!DOCTYPE html><html><head><title>{{ title }}</title></head>"
    "<body><h1>{{ title }}</h1><ul>{% for n in numbers %}<li>{{ n }}</li>{% endfor %}</ul>"
    "</body></html>"
)


def bare_view(request):
    return HttpResponse(BARE_TEMPLATE.render({"title": "bare", "numbers": range(20)}, request))


urlpatterns = [path("bench/bare/", bare_view), path("", include("kaguaruoo.urls"))]


def seed(count: int) -> None:
    from accounts.models import User
    from listings.models import Listing, ListingItem, ListingStation, Station
    from listings.services import search_text_for
    from tests.listings.builders import listing_fields

    if Listing.objects.filter(status="published").count() >= count:
        print(f"{count} listings already seeded")
        return
    if not Station.objects.exists():
        call_command("load_stations")
    rng = random.Random(7)
    host, _ = User.objects.get_or_create(
        email="bench.host@example.com", defaults={"last_name": "Bench", "is_host": True}
    )
    tokyo = list(Station.objects.filter(prefecture="東京都", is_active=True)[:400])
    shibuya = list(Station.objects.filter(name="渋谷", is_active=True)[:1])
    stations = shibuya + tokyo
    base = listing_fields()
    base.update(prefecture_romaji="Tokyo-to", city_romaji="Shibuya-ku", town_romaji="Shibuya",
                area_kana="とうきょうと しぶやく しぶや")  # fmt: skip
    items = [c for c, _ in ListingItem.Item.choices]
    started = time.monotonic()
    batch = 5000
    today = timezone.localdate()
    for offset in range(0, count, batch):
        rows, picks = [], []
        for n in range(offset, min(offset + batch, count)):
            listing = Listing(host=host, status="published", published_at=timezone.now(), **base)
            listing.title = f"Furnished flat {n}"
            listing.rent = rng.randrange(50_000, 400_000, 1_000)
            listing.layout = rng.choice(["1R", "1K", "1DK", "1LDK", "2LDK"])
            listing.max_occupants = rng.randint(1, 4)
            listing.available_from = today + datetime.timedelta(days=rng.randint(0, 90))
            listing.viewing_possible = rng.random() < 0.5
            listing.year_built = rng.randint(1970, today.year)
            listing.floor_area_m2 = Decimal(rng.randrange(1500, 6000)) / 100
            near = rng.sample(stations, 2) if rng.random() > 0.1 else shibuya + rng.sample(tokyo, 1)
            distances = [rng.randint(50, 2500) for _ in near]
            listing.nearest_distance_m = min(distances)
            listing.search_text = search_text_for(listing, near)
            rows.append(listing)
            picks.append(list(zip(near, distances, strict=True)))
        Listing.objects.bulk_create(rows, batch_size=batch)
        ListingStation.objects.bulk_create(
            [ListingStation(listing=listing, station=s, distance_m=d)
             for listing, pick in zip(rows, picks, strict=True) for s, d in pick],
            batch_size=batch,
        )  # fmt: skip
        ListingItem.objects.bulk_create(
            [ListingItem(listing=listing, item=item)
             for listing in rows for item in rng.sample(items, 6)],
            batch_size=batch * 6,
        )  # fmt: skip
        print(f"  seeded {offset + len(rows)} listings ({time.monotonic() - started:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client: Client, url: str, requests: int, *, cold: bool = False) -> list[float]:
    """Timings in ms; `cold` retires cached search pages before each request."""
    from listings.search_cache import search_cache_invalidate

    for _ in range(5):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(requests):
        if cold:
            search_cache_invalidate()
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def bench_database_prepare(urlconf: str) -> None:
    """Serve `urlconf` with the production settings, then migrate the bench's database.

    Static files are the exception: there is no collectstatic manifest here.
    """
    override_settings(
        ROOT_URLCONF=urlconf,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/search.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    bench_database_prepare(__name__)
    seed(args.listings)

    from listings.models import Listing

    sample = Listing.objects.filter(status="published").order_by("id").first()
    move_in = (timezone.localdate() + datetime.timedelta(days=100)).isoformat()
    pages = [
        ("bare view (template)", "/bench/bare/"),
        ("search: text 'shibuya'", "/listings/?q=shibuya"),
        ("search: place '渋谷駅'", "/listings/?q=渋谷駅"),
        ("search: word of a title", "/listings/?q=furnished"),
        ("search: prefecture", "/listings/?prefecture=東京"),
        ("search: built within + area", "/listings/?built_within=10&area_min=20&area_max=40"),
        ("search: station + walk", "/listings/?station=渋谷&walk=10&sort=walk"),
        ("search: rent + dates", f"/listings/?rent_min=80000&rent_max=150000"
                                 f"&move_in={move_in}&months=3"),
        ("search: all filters", f"/listings/?q=shibuya&station=渋谷&walk=15&rent_min=60000"
                                f"&rent_max=300000&move_in={move_in}&months=3&layout=1K&layout=1LDK"
                                "&occupants=1&items=bed&items=wifi&viewing=on&built_within=30"
                                "&area_min=20&area_max=50&sort=rent"),
        ("listing page", sample.get_absolute_url()),
        ("postal endpoint", "/api/postal-codes/150-0002"),
    ]  # fmt: skip
    client = Client()
    results = [(name, measure(client, url, args.requests)) for name, url in pages]
    results += [
        (f"{name} (cache cold)", measure(client, url, args.requests, cold=True))
        for name, url in pages
        if name.startswith("search")
    ]
    bare_p50 = percentile(results[0][1], 50)
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"\n{args.listings} listings, {args.requests} requests each, PostgreSQL, {cache}")
    print(f"{'page':44} {'p50 ms':>8} {'p95 ms':>8} {'p50 ratio':>10}")
    for name, timings in results:
        p50, p95 = percentile(timings, 50), percentile(timings, 95)
        print(f"{name:44} {p50:8.2f} {p95:8.2f} {p50 / bare_p50:9.2f}x")


if __name__ == "__main__":
    main()
