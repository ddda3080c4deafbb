"""Each listing's station rows carry the station's name, and a (name, distance, listing)
index: a search nearest first from 渋谷 walks one index range for all of its lines."""

from django.db import migrations, models

BACKFILL = (
    "UPDATE listings_listingstation SET station_name = "
    "(SELECT name FROM listings_station WHERE listings_station.id = station_id)"
)


class Migration(migrations.Migration):
    dependencies = [("listings", "0009_search_covering_index")]

    operations = [
        migrations.AddField(
            model_name="listingstation",
            name="station_name",
            field=models.CharField(
                default="", editable=False, max_length=100, verbose_name="station name"
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="listingstation",
            index=models.Index(
                fields=["station_name", "distance_m", "listing"], name="listingstation_name_walk"
            ),
        ),
    ]
