"""The access log's buffer: a Redis list between a request and the table.

A web process appends each request's row with one RPUSH, so a request pays one
round trip to Redis instead of an INSERT, and the row is in Redis before the
response leaves: stopping a web process, SIGTERM or worse, loses no row (Redis
itself keeps an append-only file in docker-compose.yml). Celery beat's drain
(privacy.tasks.access_logs_drain) moves the rows into the table in batches.

The list is a plain Redis key, not a cache entry: it has no expiry, so a Redis that
evicts only keys with one (the default is to evict nothing) never drops it.

One drain at a time holds a lock: a key holding the drain's token, with an expiry
so that a drain that died frees it. A drain reads a batch from the head of the
list, writes it, and only then trims it off, with a script that trims only while
the lock is still the drain's own. A drain that dies between its write and its
trim leaves the batch in place; the next drain writes it again, and each row's
unique key makes that second write a no-op. Rows arrive at the tail only, so the
head the drain read is the head it trims. A trim waits for the commit of the
batch's INSERT (see buffer_drain), so a rolled-back write leaves its rows listed.
"""

import functools
import json
import logging
import time
import uuid
from collections.abc import Callable

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from kaguaruoo.cache import cache_known_down

logger = logging.getLogger(__name__)

LOCK_SECONDS = 60
# A drain stops after this long (and beat starts the next), well inside the lock and
# Celery's time limits.
DRAIN_BUDGET_SECONDS = 20
REDIS_TIMEOUT_SECONDS = 1.0

TRIM_WHILE_HOLDING = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
    return 0
end
redis.call('LTRIM', KEYS[1], ARGV[2], -1)
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
"""
RELEASE_IF_HOLDING = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""

_clients: dict[str, redis.Redis] = {}


class BufferBusy(RuntimeError):
    """Another drain held the buffer for longer than a flush may wait."""


def _client() -> redis.Redis | None:
    url = settings.REDIS_URL
    if not url:
        return None
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
    return client


def _keys() -> tuple[str, str]:
    key = settings.ACCESS_LOG_BUFFER_KEY
    return key, f"{key}:drain"


def buffering() -> bool:
    """Whether requests go onto the buffer: with Redis, and a beat that drains it.

    Without a broker, tasks run in-process and there is no beat (development):
    rows are then written as requests end.
    """
    from kaguaruoo.celery import app

    return bool(settings.REDIS_URL) and not app.conf.task_always_eager


def buffer_push(entry: dict) -> bool:
    """Append one row; False when there is no buffer or Redis did not take it."""
    if not buffering() or cache_known_down(cache):
        return False
    try:
        _client().rpush(_keys()[0], json.dumps(entry, separators=(",", ":")))
    except redis.RedisError as error:
        logger.warning("Access log buffer unavailable, row written at once: %s", error)
        return False
    return True


def buffer_length() -> int:
    client = _client()
    return 0 if client is None else client.llen(_keys()[0])


def buffer_drain(
    write: Callable[[list[dict]], None],
    *,
    batch: int,
    wait: float = 0.0,
    queued_only: bool = False,
    budget: float = DRAIN_BUDGET_SECONDS,
) -> int:
    """Hand the buffered rows to `write` a batch at a time; the number handed over.

    Returns 0 at once when another drain holds the lock, unless `wait` gives it that
    long to finish (BufferBusy if it does not). `queued_only` stops at the rows that
    were there when the lock was taken, so a flush ends however busy the site is.

    Rows leave the list only once what `write` did is committed. Inside a transaction
    (a deletion decided in admin) the trims and the lock's release wait for its
    commit; if it rolls back, the rows stay and the lock lapses after LOCK_SECONDS.
    """
    client = _client()
    if client is None:
        return 0
    drain = _Drain(client)
    if not drain.lock_take(wait=wait):
        if wait:
            raise BufferBusy(f"the access log buffer stayed locked for {wait:.0f}s")
        return 0
    try:
        drained = drain.run(write, batch=batch, queued_only=queued_only, budget=budget)
    except BaseException:
        drain.release()
        raise
    if drained:
        transaction.on_commit(drain.release, robust=True)
    else:
        drain.release()
    return drained


class _Drain:
    """One drain's lock token and its count of rows written and trimmed.

    Rows written but not trimmed yet (their transaction has not committed) stay at
    the head of the list, so the next batch is read after them.
    """

    def __init__(self, client: redis.Redis):
        self.client = client
        self.key, self.lock = _keys()
        self.token = uuid.uuid4().hex
        self.written = self.trimmed = 0
        self.lost = False

    def lock_take(self, *, wait: float) -> bool:
        deadline = time.monotonic() + wait
        while not self.client.set(self.lock, self.token, nx=True, px=LOCK_SECONDS * 1000):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def run(self, write, *, batch: int, queued_only: bool, budget: float) -> int:
        end = self.client.llen(self.key) if queued_only else None
        deadline = float("inf") if queued_only else time.monotonic() + budget
        while not self.lost and time.monotonic() < deadline:
            size = batch if end is None else min(batch, end - self.written)
            offset = self.written - self.trimmed
            raw = self.client.lrange(self.key, offset, offset + size - 1) if size > 0 else []
            if not raw:
                break
            write(_decoded(raw))
            self.written += len(raw)
            transaction.on_commit(functools.partial(self.trim, len(raw)), robust=True)
        return self.written

    def trim(self, count: int) -> None:
        script = self.client.register_script(TRIM_WHILE_HOLDING)
        if script(keys=[self.key, self.lock], args=[self.token, count, LOCK_SECONDS * 1000]):
            self.trimmed += count
        else:
            # Another drain took over after the lock lapsed; it writes these rows again
            # (their keys make that a no-op) and trims them.
            self.lost = True
            logger.warning("Access log drain lost its lock; the next drain goes on")

    def release(self) -> None:
        self.client.register_script(RELEASE_IF_HOLDING)(keys=[self.lock], args=[self.token])


def _decoded(raw: list[bytes]) -> list[dict]:
    entries = []
    for item in raw:
        try:
            entries.append(json.loads(item))
        except ValueError:
            logger.error("Access log buffer: unreadable entry dropped: %r", item[:200])
    return entries
