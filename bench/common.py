"""What the benchmarks share: production settings from the environment, the bare view
every page is measured against, the database made ready, and percentiles.

    from common import django_setup
    django_setup()  # DEBUG off; the project first on sys.path; django.setup()
"""

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE_TEMPLATE = (
    "<!DOCTYPE html><html><head><title>{{ title }}</title></head>"
    "<body><h1>{{ title }}</h1><ul>{% for n in numbers %}<li>{{ n }}</li>{% endfor %}"
    "</ul></body></html>"
)


def django_setup() -> None:
    """Production settings (DEBUG off) from the environment, with a benchmark's defaults."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaguaruoo.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("USE_HTTPS", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SITE_URL", "http://testserver")
    import django

    django.setup()
    _quiet_request_log()
    _limits_raised()


def _quiet_request_log() -> None:
    """Every request still formats its log line (kaguaruoo/requestlog.py), as in
    production, but the lines go to /dev/null instead of flooding the figures."""
    import logging

    sink = open(os.devnull, "w")  # noqa: SIM115 - open for the life of the process
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(sink)


def _limits_raised() -> None:
    """A benchmark's clients are one address, which the abuse limits (kaguaruoo/ratelimit.py)
    would stop within a minute; every use is still counted, as in production."""
    from django.conf import settings

    settings.RATE_LIMITS = {name: [(10**9, 60)] for name in settings.RATE_LIMITS}


def bare_view(request):
    """A Django view that renders a small template: what every page is measured against."""
    from django.http import HttpResponse
    from django.template import engines

    template = engines["django"].from_string(BARE_TEMPLATE)
    return HttpResponse(template.render({"title": "bare", "numbers": range(20)}, request))


def database_reachable() -> None:
    """Exit with the command that creates the database if it cannot be reached."""
    from django.conf import settings
    from django.db import OperationalError, connection

    try:
        connection.ensure_connection()
    except OperationalError as error:
        name = settings.DATABASES["default"]["NAME"]
        sys.exit(
            f"{error}\nCreate the database first, e.g. createdb -h 127.0.0.1 -U postgres {name}"
        )


def database_prepare(urlconf: str) -> None:
    """Serve `urlconf` with the production settings, then migrate the benchmark's database.

    Static files are the exception: there is no collectstatic manifest here.
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    override_settings(
        ROOT_URLCONF=urlconf,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    call_command("migrate", verbosity=0)


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]
