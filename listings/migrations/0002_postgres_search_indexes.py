"""Indexes that keep search fast on PostgreSQL at 100,000 listings.

The free-text search is a substring match on `search_text`, which a trigram
GIN index answers; the other indexes are partial, on published listings only,
in the orders the search page sorts by. SQLite (development) gets none of them.
"""

from django.db import migrations

POSTGRES_INDEXES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS listing_search_trgm ON listings_listing "
    "USING gin (search_text gin_trgm_ops) WHERE status = 'published'",
    "CREATE INDEX IF NOT EXISTS listing_published_newest ON listings_listing "
    "(published_at DESC, id DESC) WHERE status = 'published'",
    "CREATE INDEX IF NOT EXISTS listing_published_rent ON listings_listing "
    "(rent, id) WHERE status = 'published'",
    "CREATE INDEX IF NOT EXISTS listing_published_walk ON listings_listing "
    "(nearest_distance_m, id) WHERE status = 'published'",
    "CREATE INDEX IF NOT EXISTS listingstation_station_distance ON listings_listingstation "
    "(station_id, distance_m, listing_id)",
]
DROP = [
    "DROP INDEX IF EXISTS listing_search_trgm",
    "DROP INDEX IF EXISTS listing_published_newest",
    "DROP INDEX IF EXISTS listing_published_rent",
    "DROP INDEX IF EXISTS listing_published_walk",
    "DROP INDEX IF EXISTS listingstation_station_distance",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_INDEXES:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("listings", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
