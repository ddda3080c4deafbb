"""A listing's place keys as rows of their own, with a (key, published_at, listing) index.

A search for a place newest first walks the index of each of its keys in page order
and stops at a page: what it reads follows the page, not how many listings the place
has, and a rare place is an index lookup rather than a guess about a substring.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRES_BACKFILL = """
    INSERT INTO listings_listingplace (listing_id, key, published_at)
    SELECT DISTINCT l.id, k.key, l.published_at
    FROM listings_listing l, unnest(string_to_array(btrim(l.place_keys), ' ')) AS k(key)
    WHERE k.key <> ''
"""


def places_write(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKFILL)
        return
    Listing = apps.get_model("listings", "Listing")
    ListingPlace = apps.get_model("listings", "ListingPlace")
    for pk, keys, published_at in Listing.objects.values_list("pk", "place_keys", "published_at"):
        ListingPlace.objects.bulk_create(
            ListingPlace(listing_id=pk, key=key, published_at=published_at)
            for key in dict.fromkeys(keys.split())
        )


class Migration(migrations.Migration):
    dependencies = [("listings", "0010_listing_station_name")]

    operations = [
        migrations.CreateModel(
            name="ListingPlace",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200)),
                ("published_at", models.DateTimeField(null=True)),
                (
                    "listing",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="places",
                        to="listings.listing",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["key", "-published_at", "-listing"], name="listingplace_newest"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("listing", "key"), name="listing_place_once")
                ],
            },
        ),
        migrations.RunPython(places_write, migrations.RunPython.noop),
    ]
