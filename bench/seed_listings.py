"""Published listings for the benchmarks, seeded with SQL set operations.

One listing is made through the ORM as a template; the rest are copies of its
row made by `INSERT … SELECT … FROM generate_series`, with the columns a search
filters on drawn at random (seeded, so two runs give the same table). Each
listing is near two stations, one in the city it is in and its neighbour on the
same line, so place, station and text searches find the same listings a real
site would. A million listings take a few minutes.
"""

import re
import time
from collections import defaultdict

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from listings.japanese import search_normalise
from listings.models import Listing, ListingItem, Station
from listings.services import place_keys_for

CITY = re.compile(r"^(.+?[都道府県])((?:.+?郡)?.+?[市区町村])")
# A share of the listings are in Tokyo and near Shibuya, as on a site like ours.
TOKYO_SHARE = 0.4
SHIBUYA_SHARE = 0.01
SEEDED_TABLES = ("listings_listing", "listings_listingstation", "listings_listingitem",
                 "listings_listingbooking", "listings_listingplace")  # fmt: skip
DEFER_INDEXES_FROM = 200_000


def _romaji(word: str, kakasi) -> str:
    return "".join(part["hepburn"].capitalize() for part in kakasi.convert(word))


def _station_rows() -> list[tuple]:
    """For each station listings use: its id, prefecture, city, city romaji, normalised
    names, and the place keys (listings.services.place_keys_for) of its area and of itself.
    """
    import pykakasi

    kakasi = pykakasi.kakasi()
    suffix = {"市": "-shi", "区": "-ku", "町": "-machi", "村": "-mura"}
    rows, romaji = [], {}
    stations = Station.objects.filter(is_active=True).exclude(address="").order_by("id")
    for station in stations:
        pk, address, name, kana, name_romaji = (
            station.pk,
            station.address,
            station.name,
            station.name_kana,
            station.name_romaji,
        )
        match = CITY.match(address)
        if not match:
            continue
        prefecture, city = match.groups()
        if city not in romaji:
            stem = city.split("郡")[-1]
            romaji[city] = _romaji(stem[:-1], kakasi) + suffix[stem[-1]]
        words = " ".join(search_normalise(w) for w in (name, kana, name_romaji) if w)
        area = Listing(prefecture=prefecture, city=city, city_romaji=romaji[city])
        keys = place_keys_for(area, []).strip(), place_keys_for(Listing(), [station]).strip()
        rows.append((pk, prefecture, city, romaji[city], words, *keys))
    return rows


def seed(count: int, *, verbose: bool = True, vacuum: bool = True) -> None:
    """`count` published listings (on top of the template), unless there are that many.

    `vacuum` off (inside a transaction, as in a test) only analyses the tables.
    """
    if Listing.objects.filter(status="published").count() >= count:
        if verbose:
            print(f"{count:,} listings already seeded")
        return
    from accounts.models import User
    from tests.listings.builders import listing_fields

    started = time.monotonic()
    if not Station.objects.exists():
        call_command("load_stations", verbosity=0)
    host, _ = User.objects.get_or_create(
        email="bench.host@example.com", defaults={"last_name": "Bench", "is_host": True}
    )
    items = [code for code, _ in ListingItem.Item.choices]
    template = Listing.objects.create(
        host=host, status="published", published_at=timezone.now(), **listing_fields()
    )
    stations = _station_rows()
    tokyo = [row for row in stations if row[1] == "東京都"]
    shibuya = [row for row in stations if row[4].startswith("渋谷 ")]
    by_city = defaultdict(list)
    for row in stations:
        by_city[row[2]].append(row[0])
    columns = [f.column for f in Listing._meta.concrete_fields if f.column != "id"]
    drawn = {
        "title": "'Furnished ' || p.layout || ' flat ' || p.g",
        "status": "'published'",
        "rent": "p.rent",
        "layout": "p.layout",
        "max_occupants": "1 + mod(p.g, 4)",
        "available_from": "current_date + p.from_days",
        "available_until": "CASE WHEN mod(p.g, 5) = 0 THEN current_date + p.from_days + 400 END",
        "min_months": "1 + mod(p.g, 3)",
        "max_months": "12 + mod(p.g, 13)",
        "viewing_possible": "mod(p.g, 2) = 0",
        "year_built": "1970 + mod(p.g, 56)",
        "floor_area_m2": "15 + mod(p.g * 7, 4500) / 100.0",
        "prefecture": "s.prefecture",
        "city": "s.city",
        "town": "''",
        "prefecture_romaji": "''",
        "city_romaji": "s.city_romaji",
        "town_romaji": "''",
        "area_kana": "''",
        "nearest_distance_m": "least(p.d1, p.d2)",
        "place_keys": "' ' || s.area_keys || ' ' || s.station_keys || ' ' || n.station_keys || ' '",
        "published_at": "now() - p.age",
        "created_at": "now() - p.age",
        "search_text": "'furnished ' || lower(p.layout) || ' flat ' || p.g || ' a furnished flat. '"
        " || s.prefecture || ' ' || s.city || ' ' || lower(s.city_romaji) || ' ' || s.words"
        " || ' ' || n.words",
    }
    select = ", ".join(drawn.get(column, f"t.{column}") for column in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        # Indexes are built once after the rows are in, which is several times faster
        # than keeping them up to date row by row (constraints stay).
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [list(SEEDED_TABLES)],
        )
        indexes = cursor.fetchall() if count >= DEFER_INDEXES_FROM else []
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("CREATE TEMP TABLE bench_station "
                       "(n int PRIMARY KEY, id bigint, prefecture text, city text, "
                       "city_romaji text, words text, area_keys text, station_keys text, "
                       "neighbour bigint)")  # fmt: skip
        neighbour = {}
        for city_ids in by_city.values():
            for i, pk in enumerate(city_ids):
                neighbour[pk] = city_ids[(i + 1) % len(city_ids)]
        cursor.executemany(
            "INSERT INTO bench_station VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [(n, *row, neighbour[row[0]]) for n, row in enumerate(stations, 1)],
        )
        first_tokyo = 1 + stations.index(tokyo[0])
        cursor.execute("SELECT setseed(0.7)")
        shibuya_n = 1 + stations.index(shibuya[0])
        cursor.execute(
            f"""
            CREATE TEMP TABLE bench_pick AS
            SELECT g,
                   CASE WHEN r < {SHIBUYA_SHARE} THEN {shibuya_n}
                        WHEN r < {TOKYO_SHARE} THEN {first_tokyo} + floor(random() * {len(tokyo)})
                        ELSE 1 + floor(random() * {len(stations)}) END::int AS n,
                   50 + floor(random() * 1950)::int AS d1,
                   50 + floor(random() * 2450)::int AS d2,
                   (50 + floor(random() * 350)::int) * 1000 AS rent,
                   (ARRAY['1R','1K','1DK','1LDK','2LDK'])[1 + floor(random() * 5)] AS layout,
                   floor(random() * 90)::int AS from_days,
                   random() * interval '365 days' AS age
            FROM (SELECT g, random() AS r FROM generate_series(1, %s) g) drawn
            """,  # noqa: S608 (our own constants)
            [count],
        )
        cursor.execute("SELECT max(id) FROM listings_listing")
        base = cursor.fetchone()[0]
        cursor.execute(
            f"""
            INSERT INTO listings_listing (id, {", ".join(columns)})
            SELECT {base} + p.g, {select}
            FROM bench_pick p
            JOIN bench_station s ON s.n = p.n
            JOIN bench_station n ON n.id = s.neighbour
            CROSS JOIN (SELECT * FROM listings_listing WHERE id = %s) t
            """,  # noqa: S608 (column names and constants of ours)
            [template.pk],
        )
        cursor.execute(
            f"""
            INSERT INTO listings_listingstation (listing_id, station_id, station_name, distance_m)
            SELECT {base} + p.g, s.id, named.name, p.d1 FROM bench_pick p
            JOIN bench_station s ON s.n = p.n JOIN listings_station named ON named.id = s.id
            UNION ALL
            SELECT {base} + p.g, s.neighbour, named.name, p.d2 FROM bench_pick p
            JOIN bench_station s ON s.n = p.n JOIN listings_station named ON named.id = s.neighbour
            WHERE s.neighbour <> s.id
            """  # noqa: S608 (an id of ours)
        )
        # Each place key a row (listings.services._places_write).
        cursor.execute(
            f"""
            INSERT INTO listings_listingplace (listing_id, key, published_at)
            SELECT DISTINCT l.id, k.key, l.published_at FROM listings_listing l,
            unnest(string_to_array(btrim(l.place_keys), ' ')) AS k(key)
            WHERE l.id > {base} AND k.key <> ''
            """  # noqa: S608 (an id of ours)
        )
        # About six of the items for each listing, drawn for each listing and item.
        cursor.execute(
            f"""
            INSERT INTO listings_listingitem (listing_id, item, provided_by)
            SELECT {base} + p.g, item, 'host'
            FROM bench_pick p CROSS JOIN unnest(%s::text[]) item
            WHERE random() < 6.0 / %s
            """,  # noqa: S608 (an id of ours)
            [items, len(items)],
        )
        # A signed stay of one to six months for one listing in three.
        cursor.execute(
            f"""
            INSERT INTO listings_listingbooking (listing_id, start_date, end_date, reference)
            SELECT {base} + p.g, current_date + p.from_days + mod(p.g, 60),
                   current_date + p.from_days + mod(p.g, 60) + 30 * (1 + mod(p.g, 6)),
                   'bench-' || p.g
            FROM bench_pick p WHERE mod(p.g, 3) = 0
            """  # noqa: S608 (an id of ours)
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('listings_listing', 'id'), "
            "(SELECT max(id) FROM listings_listing))"
        )
        cursor.execute("DROP TABLE bench_pick, bench_station")
        # The foreign keys are checked at commit; an index is built only once they are.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in indexes:
            cursor.execute(definition)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    if verbose:
        print(f"seeded {count:,} listings in {time.monotonic() - started:.0f} s")
