"""Reads of public pages from a PostgreSQL replica; everything else from the primary.

`DATABASE_REPLICA_URL` adds the database alias "replica" (settings.py). A view opts
in with `@replica_reads`: while it runs, the ORM's reads go to the replica. The
rest of the request (the session, the signed-in user, the access log, every
write) and every other view use "default", the primary.

A replica lags the primary by a moment, so a person never reads it right after
writing:
- within a request, the first write sends every later read to the primary;
- a request that wrote, or that was a POST (any unsafe method), sets a short-lived
  cookie, and while it lasts that browser's requests read the primary too, so a
  host who has just saved a listing sees the saved listing.
Without a replica configured, none of this does anything.
"""

import contextvars
import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# Set on a response after a write; while it lasts, that browser reads from the primary.
RECENT_WRITE_COOKIE = "kagu_primary"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


@dataclass
class RequestReads:
    """Where one request's reads may go, and whether it has written."""

    replica: bool = False
    wrote: bool = False


_request_reads: contextvars.ContextVar[RequestReads | None] = contextvars.ContextVar(
    "request_reads", default=None
)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _reads_fresh(request) -> bool:
    """Whether this request must see the primary's latest state."""
    return request.method not in {"GET", "HEAD"} or RECENT_WRITE_COOKIE in request.COOKIES


def replica_reads(view):
    """The view's reads may come from the replica (a GET or HEAD of a public page)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not replica_configured() or _reads_fresh(request):
            return view(request, *args, **kwargs)
        # Who is signed in is read from the primary: a session just created or ended
        # may not have reached the replica.
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 - loads the session and user now
        state = _request_reads.get()
        token = None
        if state is None:
            state = RequestReads()
            token = _request_reads.set(state)
        state.replica = not state.wrote
        try:
            return view(request, *args, **kwargs)
        finally:
            state.replica = False
            if token is not None:
                _request_reads.reset(token)

    return wrapper


class ReplicaRouter:
    """DATABASE_ROUTERS entry: the replica for reads inside `@replica_reads`, else the primary."""

    def db_for_read(self, model, **hints):
        state = _request_reads.get()
        if (
            state is not None
            and state.replica
            and replica_configured()
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        state = _request_reads.get()
        if state is not None:
            # Whatever this request reads from now on must include what it wrote.
            state.wrote = True
            state.replica = False
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read from one may point at
        # an object read from the other.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's schema through replication.
        return False if db == REPLICA else None


class RecentWriteMiddleware:
    """Marks a browser that has just written, so that it reads the primary for a while.

    Listed last in MIDDLEWARE, so that only what the view (and the middleware after
    authentication) wrote counts, not the session or the access-log row that every
    request writes on its way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        state = RequestReads()
        token = _request_reads.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request_reads.reset(token)
        if state.wrote or request.method not in SAFE_METHODS:
            response.set_cookie(
                RECENT_WRITE_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
