"""The search's query plans on PostgreSQL: every filter set is answered through an index.

A table of 30,000 listings seeded as the benchmark seeds them (bench/seed_listings.py)
is large enough for the planner to choose as it would at 100,000; a sequential scan
of the listings table in any plan fails here, so an index the search stops using is
caught in CI, not in production.

The random searches' free text is drawn from the places many listings share and
from rare ones (a ward, stations of a few listings): a place word is a lookup of
its keys (listings.models.ListingPlace), whose counts PostgreSQL knows per key.
"""

import random

import pytest
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from bench.search_filters import PLACES, fixed_filter_sets, random_filters
from bench.seed_listings import seed
from listings import selectors
from listings.forms import SearchForm
from listings.models import Station

pytestmark = pytest.mark.django_db

LISTINGS = 30_000
# Places the seed puts many listings in or near, and a word of every title.
COMMON_PLACES = ["渋谷", "shinjuku", "新宿区", "大阪", "furnished"]
RANDOM_SETS = 40


def search_filters(values: dict) -> dict:
    query = QueryDict(mutable=True)
    for name, value in values.items():
        query.setlist(name, value if isinstance(value, list) else [str(value)])
    form = SearchForm(query)
    assert form.is_valid(), (values, form.errors)
    return form.filters()


def search_sql(values: dict, limit: int = 101) -> tuple[str, list] | None:
    """The search's query; None when it needs none (a station or place no listing has)."""
    rows = selectors.search_ids_queryset(filters=search_filters(values), limit=limit)
    try:
        return rows.query.sql_with_params()
    except EmptyResultSet:
        return None


def plan_of(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def listing_rows_read(sql: str, params) -> int:
    """Rows of the listings table the query read, from EXPLAIN ANALYZE: what each scan
    of the table returned and what its filter removed, times its loops."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()[0]

    def read(node: dict) -> int:
        own = 0
        if node.get("Relation Name") == "listings_listing":
            rows = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
            own = rows * node["Actual Loops"]
        return own + sum(read(child) for child in node.get("Plans", []))

    return read(plan["Plan"])


def sequential_scans_of_listings(plan: str) -> list[str]:
    return [line.strip() for line in plan.splitlines() if "Seq Scan on listings_listing " in line]


@pytest.mark.integration
def test_no_search_reads_the_listings_table_from_end_to_end():
    assert connection.vendor == "postgresql"
    seed(LISTINGS, verbose=False, vacuum=False)
    today = timezone.localdate()
    rng = random.Random(13)
    stations = sorted(
        set(Station.objects.filter(prefecture="東京都").values_list("name", flat=True))
    )
    places = COMMON_PLACES + PLACES + rng.sample(stations, 10)
    filter_sets = dict(fixed_filter_sets(today))
    for n in range(RANDOM_SETS):
        filter_sets[f"random {n}"] = random_filters(rng, today, places, stations)
    filter_sets["page 50 of a broad search"] = {"sort": "rent"}

    scanned, walked = {}, {}
    for name, values in filter_sets.items():
        limit = 50 * 20 + 1 if name.startswith("page 50") else 101
        query = search_sql(values, limit)
        plan = plan_of(*query) if query is not None else ""
        if sequential_scans_of_listings(plan):
            scanned[name] = (values, plan)
        # An index walked from end to end is no better than the table read: a station
        # or a place PostgreSQL guessed wrong reads a page by reading every listing.
        if query is not None and (read := listing_rows_read(*query)) > LISTINGS // 3:
            walked[name] = (values, read)

    assert not scanned, "\n\n".join(
        f"{name}: {values}\n{plan}" for name, (values, plan) in scanned.items()
    )
    assert not walked, walked


@pytest.mark.integration
def test_the_check_sees_a_sequential_scan_when_the_index_is_gone():
    """Without the index on published listings by newest, a plain search reads the table."""
    assert connection.vendor == "postgresql"
    seed(3_000, verbose=False, vacuum=False)
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX listing_published_newest_places")
        cursor.execute("DROP INDEX listings_listing_published_at_36a0ce43")

    plan = plan_of(*search_sql({}))

    assert sequential_scans_of_listings(plan), plan


def test_the_filter_sets_are_valid_search_forms():
    today = timezone.localdate()
    rng = random.Random(1)
    sets = [*fixed_filter_sets(today).values()]
    sets += [random_filters(rng, today, PLACES, ["渋谷", "新宿"]) for _ in range(20)]
    for values in sets:
        search_filters(values)
