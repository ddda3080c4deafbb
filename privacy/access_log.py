"""The access log (policy 1.2.3): what is written per request, and reverse DNS."""

import re
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.core.cache import cache
from django.utils import timezone

from kaguaruoo.net import client_ip
from privacy.models import AccessLog

NOT_LOGGED_PREFIXES = ("/static/", "/media/", "/healthz", "/favicon")
# Paths whose segments are secrets: e-mail confirmation keys, password-reset keys,
# archive links and tracking tokens.
SECRET_PATHS = [
    re.compile(r"^(/accounts/confirm-email/)[^/]+"),
    re.compile(r"^(/accounts/password/reset/key/)[^/]+"),
    re.compile(r"^(/privacy/archives/)[^/]+"),
    re.compile(r"^(/t/)[^/]+"),
    re.compile(r"^(/u/)[^/]+"),
    re.compile(r"^(/q/)[^/]+"),
    re.compile(r"^(/gifts/confirm/)[^/]+"),
]
# Any other long, random-looking segment is treated as a token too.
TOKEN_LIKE = re.compile(r"(?<=/)[A-Za-z0-9_\-:.=]{24,}(?=/|$)")
MASK = "[masked]"
DNS_TIMEOUT_SECONDS = 2.0
DNS_CACHE_SECONDS = 24 * 3600


def path_for_log(path: str) -> str:
    for pattern in SECRET_PATHS:
        path = pattern.sub(lambda match: match.group(1) + MASK, path)
    return TOKEN_LIKE.sub(MASK, path)[:500]


def looked_up_at_once() -> bool:
    """Whether rows get their domain as they are written.

    Celery beat resolves the domains every five minutes (privacy.tasks); without a
    broker (development: tasks run in-process) there is no beat, so nothing would
    ever look the rows up: the lookup then happens here, once a day per address.
    """
    from kaguaruoo.celery import app

    return bool(app.conf.task_always_eager)


def access_record(*, request, status: int) -> AccessLog | None:
    if request.path.startswith(NOT_LOGGED_PREFIXES):
        return None
    user = getattr(request, "user", None)
    ip = client_ip(request)
    lookup = {}
    if ip and looked_up_at_once():
        lookup = {"domain": reverse_dns(ip), "domain_resolved": True}
    return AccessLog.objects.create(
        at=timezone.now(),
        user=user if user is not None and user.is_authenticated else None,
        method=request.method[:10],
        path=path_for_log(request.path),
        status=status,
        ip_address=ip,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        **lookup,
    )


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
