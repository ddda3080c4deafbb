"""Abuse limits: how often one person or address may do a thing, counted in a shared cache.

Each limit is named in `settings.RATE_LIMITS` as a list of (count, seconds) windows:
`"message": [(15, 60), (200, 3600)]` lets a person post 15 messages a minute and 200
an hour. Counts are fixed windows in the `limits` cache (Redis when `REDIS_URL` is
set, so every web process shares them; process memory in development). A window opens
with a person's first use and closes `seconds` later: `add` creates its counter with
that expiry, `incr` counts atomically, so two processes never both take the last place.

The `limits` cache is Django's stock backend, which raises when Redis cannot be
reached (the default cache is allowed to swallow such errors). A limit that cannot be
counted lets the request through and logs it: these limits hold back floods, and a
person should not lose a message because the cache is down. The signing code, whose
guessing must stay bounded, is counted in the database instead
(contracts/booking/services.py).

A refusal is `RateLimited`, with the seconds until the window ends.
`RateLimitMiddleware` answers it with the 429 page; a form view puts it on its form
(`form_limit_apply`), so that nothing the person typed is lost.
"""

import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from redis.exceptions import RedisError

from kaguaruoo.net import client_ip, referer_on_site

logger = logging.getLogger(__name__)

CACHE_ALIAS = "limits"
FORM_ERROR_CODE = "rate_limited"


class RateLimited(Exception):
    """A limit refused the request; `retry_after` seconds until it is let through again."""

    def __init__(self, *, retry_after: int, message: str = ""):
        self.retry_after = max(1, int(retry_after))
        self.message = message or limit_message(self.retry_after)
        super().__init__(self.message)


@dataclass(frozen=True)
class Window:
    count: int
    seconds: int


def limit_windows(name: str) -> list[Window]:
    """The windows of the limit `name` in settings; an unknown name is a programming error."""
    return [Window(count, seconds) for count, seconds in settings.RATE_LIMITS[name]]


def limit_who(request: HttpRequest) -> str:
    """Whom a limit counts: the signed-in person, or else the client's address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request) or 'unknown'}"


def limit_hit(*, name: str, who: str) -> None:
    """Count one use of `name` by `who`; RateLimited if a window of the limit is full.

    Every window counts the use, refused or not: hammering a refused action uses up the
    longer windows too. When the cache cannot be reached the use is let through.
    """
    windows = limit_windows(name)
    cache = caches[CACHE_ALIAS]
    now = time.time()
    refused_for = 0
    try:
        for window in windows:
            used, opened = _window_count(cache, f"rl:{name}:{window.seconds}:{who}", window, now)
            if used > window.count:
                refused_for = max(refused_for, math.ceil(opened + window.seconds - now))
    except (RedisError, OSError):
        logger.warning("rate limit %s not counted: its cache is unreachable", name, exc_info=True)
        return
    if refused_for:
        raise RateLimited(retry_after=refused_for)


def _window_count(cache, key: str, window: Window, now: float) -> tuple[int, float]:
    """Count one use in the window of `key`, opening the window if there is none: the uses
    so far and when the window opened."""
    cache.add(key, 0, timeout=window.seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # the window closed between add and incr
        cache.set(key, 1, timeout=window.seconds)
        used = 1
    if used == 1:
        # This use opens the window. Redis's INCR recreates, without an expiry, a counter
        # that expired just before it: the window's expiry is set here whatever happened.
        cache.touch(key, window.seconds)
        cache.set(f"{key}:opened", now, timeout=window.seconds)
        return used, now
    if used <= window.count:
        return used, now
    return used, cache.get(f"{key}:opened", now)


def limit_request(request: HttpRequest, name: str) -> None:
    """`limit_hit` for whoever sent `request`."""
    limit_hit(name=name, who=limit_who(request))


def limit_message(retry_after: int) -> str:
    """What a refused person reads: what happened, and when to try again."""
    minutes = math.ceil(retry_after / 60)
    if retry_after < 60:
        wait = ngettext("in %(seconds)d second", "in %(seconds)d seconds", retry_after) % {
            "seconds": retry_after
        }
    else:
        wait = ngettext("in %(minutes)d minute", "in %(minutes)d minutes", minutes) % {
            "minutes": minutes
        }
    return _(
        "You did this too many times in a short while, so it is paused for now. "
        "Please try again %(wait)s."
    ) % {"wait": wait}


def limit_headers(response: HttpResponse, refusal: RateLimited) -> HttpResponse:
    """Status 429 with Retry-After, on a response that must never be cached."""
    response.status_code = 429
    response["Retry-After"] = str(refusal.retry_after)
    response["Cache-Control"] = "private, no-store"
    return response


def limit_page(request: HttpRequest, refusal: RateLimited) -> HttpResponse:
    """The 429 page."""
    response = render(request, "429.html", {"refusal": refusal, "back": referer_on_site(request)})
    return limit_headers(response, refusal)


def form_limit_hit(request: HttpRequest, form, name: str) -> bool:
    """Count `name` for a valid bound form; a refusal goes on top of the form.

    True if the form may go ahead. Call it once the form is valid, so that a form sent
    back for a mistake does not use up the person's allowance.
    """
    try:
        limit_request(request, name)
    except RateLimited as refusal:
        kept = _("What you wrote is still in the form below: send it again then.")
        form.add_error(None, f"{refusal.message} {kept}")
        form.rate_limited = refusal
        return False
    return True


def form_limit_apply(response: HttpResponse, form) -> HttpResponse:
    """The form's page as a 429 if a limit refused it; otherwise unchanged."""
    refusal = getattr(form, "rate_limited", None)
    return limit_headers(response, refusal) if refusal else response


class RateLimitMiddleware:
    """A RateLimited that reaches the top of a view becomes the 429 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            return limit_page(request, exception)
        return None
