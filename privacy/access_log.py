"""The access log (policy 1.2.3): what is written per request, and reverse DNS.

A request's row goes onto a Redis list (privacy.access_log_buffer) when the site
runs with Redis and Celery beat, which drains the list into the table every few
seconds; without them, or when Redis does not answer, the row is written at once.
"""

import datetime
import socket
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.core.cache import cache
from django.utils import timezone

from kaguaruoo.net import client_ip
from kaguaruoo.requestlog import path_for_log
from privacy import access_log_buffer
from privacy.models import AccessLog

NOT_LOGGED_PREFIXES = ("/static/", "/media/", "/healthz", "/favicon")
DNS_TIMEOUT_SECONDS = 2.0
DNS_CACHE_SECONDS = 24 * 3600


def looked_up_at_once() -> bool:
    """Whether rows get their domain as they are written.

    Celery beat resolves the domains every five minutes (privacy.tasks); without a
    broker (development: tasks run in-process) there is no beat, so nothing would
    ever look the rows up: the lookup then happens here, once a day per address.
    """
    from kaguaruoo.celery import app

    return bool(app.conf.task_always_eager)


def access_record(*, request, status: int) -> None:
    """Log one request: onto the buffer when there is one, else (or if it fails) at once."""
    if request.path.startswith(NOT_LOGGED_PREFIXES):
        return
    entry = access_entry(request=request, status=status)
    if access_log_buffer.buffer_push(entry):
        return
    access_entry_write(entry)


def access_entry(*, request, status: int) -> dict:
    """The row of one request as JSON-ready values; its key makes writing it idempotent."""
    user = getattr(request, "user", None)
    return {
        "key": uuid.uuid4().hex,
        "at": timezone.now().isoformat(),
        "user": user.pk if user is not None and user.is_authenticated else None,
        "method": request.method[:10],
        "path": path_for_log(request.path),
        "status": status,
        "ip": client_ip(request),
        "agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


def access_log_row(entry: dict) -> AccessLog:
    return AccessLog(
        key=uuid.UUID(entry["key"]),
        at=datetime.datetime.fromisoformat(entry["at"]),
        user_id=entry["user"],
        method=entry["method"],
        path=entry["path"],
        status=entry["status"],
        ip_address=entry["ip"],
        user_agent=entry["agent"],
    )


def access_entry_write(entry: dict) -> AccessLog:
    """Write one row now, looking its domain up at once where no beat task would."""
    row = access_log_row(entry)
    if row.ip_address and looked_up_at_once():
        row.domain, row.domain_resolved = reverse_dns(row.ip_address), True
    row.save(force_insert=True)
    return row


_dns_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="reverse-dns")


def reverse_dns(
    ip: str,
    *,
    resolver: Callable[[str], tuple] = socket.gethostbyaddr,
    timeout: float = DNS_TIMEOUT_SECONDS,
) -> str:
    """The host name of an address, '' when there is none or the lookup is too slow.

    Answers are cached (also the empty ones), so each address is looked up once a day.
    """
    key = f"privacy:rdns:{ip}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    future = _dns_pool.submit(resolver, ip)
    try:
        name = future.result(timeout=timeout)[0]
    except (FutureTimeout, OSError):
        name = ""
    cache.set(key, name, DNS_CACHE_SECONDS)
    return name
