"""A place word in the search is one substring test on `place_keys`.

The keys of every listing are written from its address and stations; on
PostgreSQL a trigram index lets a rare place be found without reading every
listing, while a common one is read in the order of the page.
"""

from django.db import migrations, models


def place_keys_write(apps, schema_editor):
    from listings.services import place_keys_for

    Listing = apps.get_model("listings", "Listing")
    ListingStation = apps.get_model("listings", "ListingStation")
    for listing in Listing.objects.iterator(chunk_size=500):
        rows = ListingStation.objects.filter(listing=listing).select_related("station")
        keys = place_keys_for(listing, [row.station for row in rows])
        Listing.objects.filter(pk=listing.pk).update(place_keys=keys)


def trigram_index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS listing_place_keys_trgm ON listings_listing "
            "USING gin (place_keys gin_trgm_ops) WHERE status = 'published'"
        )


def trigram_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS listing_place_keys_trgm")


class Migration(migrations.Migration):
    dependencies = [("listings", "0007_search_text_descriptions")]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="place_keys",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(place_keys_write, migrations.RunPython.noop),
        migrations.RunPython(trigram_index_create, trigram_index_drop),
    ]
