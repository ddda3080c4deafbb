"""Free-text search matches descriptions too: the stored search text of every listing is
written again with them."""

from django.db import migrations


def search_text_rewrite(apps, schema_editor):
    from listings.services import search_text_for

    Listing = apps.get_model("listings", "Listing")
    ListingStation = apps.get_model("listings", "ListingStation")
    for listing in Listing.objects.iterator(chunk_size=500):
        rows = ListingStation.objects.filter(listing=listing).select_related("station")
        text = search_text_for(listing, [row.station for row in rows])
        Listing.objects.filter(pk=listing.pk).update(search_text=text)


class Migration(migrations.Migration):
    dependencies = [("listings", "0006_listing_hidden")]

    operations = [migrations.RunPython(search_text_rewrite, migrations.RunPython.noop)]
