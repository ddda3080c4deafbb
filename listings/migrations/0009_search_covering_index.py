"""The newest-first search reads its place keys from the index, not from the table.

A search for a place walks the published listings newest first until it has a
page and its count; with the place keys (and the version the result cards are
kept under) in the index, each listing it passes costs an index entry rather
than a row of some fifty columns. It replaces the newest-first index of 0002.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS listing_published_newest_places ON listings_listing "
            "(published_at DESC, id DESC) INCLUDE (place_keys, updated_at) "
            "WHERE status = 'published'"
        )
        schema_editor.execute("DROP INDEX IF EXISTS listing_published_newest")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS listing_published_newest ON listings_listing "
            "(published_at DESC, id DESC) WHERE status = 'published'"
        )
        schema_editor.execute("DROP INDEX IF EXISTS listing_published_newest_places")


class Migration(migrations.Migration):
    dependencies = [("listings", "0008_listing_place_keys")]

    operations = [migrations.RunPython(create, drop)]
