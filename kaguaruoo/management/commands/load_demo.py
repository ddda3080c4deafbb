from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from accounts import demo as accounts_demo
from campaigns import demo as campaigns_demo
from contracts import demo as contracts_demo
from listings import demo as listings_demo
from listings.models import Station
from messaging import demo as messaging_demo
from messaging.models import Thread
from privacy import demo as privacy_demo

DISCARD_MAIL = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}


class Command(BaseCommand):
    help = "Load the demo data (idempotent). Refuses to run with DEBUG off."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins.")

    def handle(self, *args, quiet_logins=False, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo only runs with DEBUG on: it sets known passwords.")
        if not Station.objects.exists():
            call_command("load_stations", stdout=self.stdout)
        # The demo users' mail (contract sent, signed...) would only flood the console.
        with override_settings(MAILERS=DISCARD_MAIL), transaction.atomic():
            logins = accounts_demo.load()
            privacy_demo.load()
            listings = listings_demo.load()
            messaging_demo.load()
            contracts = contracts_demo.load()
            campaigns = campaigns_demo.load()
            threads = Thread.objects.count()
        if quiet_logins:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {listings} listings, {threads} message threads, "
                f"{contracts} contracts, {campaigns} campaigns. "
                "Log in at /accounts/login/ with:"
            )
        )
        width = max(len(email) for email, _ in logins)
        for email, role in logins:
            self.stdout.write(f"  {email.ljust(width)}  {role}")
        self.stdout.write(f"  password for all: {accounts_demo.DEMO_PASSWORD}")
        self.stdout.write(
            "  staff second factor (TOTP secret for an authenticator app): "
            f"{accounts_demo.DEMO_STAFF_TOTP_SECRET}"
        )
