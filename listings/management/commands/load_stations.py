import time

from django.core.management.base import BaseCommand

from listings.stations import stations_load


class Command(BaseCommand):
    help = "Create or update railway lines and stations from the packaged data; safe to rerun."

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = stations_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {counts.lines} lines and {counts.stations} stations "
                f"({counts.in_service} in service, {counts.groups} station groups) "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
