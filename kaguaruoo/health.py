"""The state of the parts a web process depends on, for /healthz."""

import secrets

from django.core.cache import cache
from django.db import connection

from kaguaruoo.cache import cache_reachable
from kaguaruoo.celery import app as celery_app

OK = "ok"
DOWN = "down"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return DOWN
    return OK


def cache_state() -> str:
    # The cache answers a miss rather than raise when Redis is down: ask it directly.
    if not cache_reachable(cache):
        return DOWN
    probe = secrets.token_hex(8)
    try:
        cache.set("healthz-probe", probe, timeout=10)
        return OK if cache.get("healthz-probe") == probe else DOWN
    except Exception:
        return DOWN


def broker_state() -> str:
    if celery_app.conf.task_always_eager:
        return "eager"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception:
        return DOWN
    return OK


def system_state() -> dict[str, str]:
    return {"database": database_state(), "cache": cache_state(), "broker": broker_state()}
