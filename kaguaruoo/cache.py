"""The shared cache on Redis: one redis-py client per connection pool, and a cache
that degrades instead of failing when Redis is unreachable.

Django's Redis backend builds a new client object for every cache operation
(`RedisCacheClient.get_client`); building one sets up its reply callbacks,
which costs more than a GET on loopback, and a search page makes several. The
client objects are thread-safe and hold nothing but their pool (which redis-py
renews after a fork), so each pool keeps one.

When Redis does not answer (refused, timed out, or an error reply), every
operation answers as an empty cache that forgets at once would: a read is a
miss, a write is dropped (`add` answers True, as if the value were stored and
evicted at once; `incr` answers `delta`, as a counter starting again), so a page
computes what it would have read and nothing waits on a lock. The process then
remembers for DOWN_SECONDS that Redis is down and does not ask it at all, so a
request that makes several cache calls waits on a dead Redis once at most (each
wait is bounded by the socket timeouts in settings). A failure is logged once
per LOG_EVERY_SECONDS, not per call, and Redis answering again once.

A write that did not reach Redis leaves the value Redis held before (a session
that was signed out, a search generation that should have moved on), which a
Redis that kept its data would serve again once it is back. The process
remembers those keys and deletes them at its first operation that reaches Redis
again.

Anything that must hold while Redis is down (an abuse limit, a lock) uses a
cache that raises instead (settings.CACHES' other aliases), and `cache_reachable`
tells a view whether this one is really answering.
"""

import logging
import threading
import time

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import transaction

logger = logging.getLogger(__name__)

# After a failure, how long the process answers from "Redis is down" without asking.
DOWN_SECONDS = 2.0
LOG_EVERY_SECONDS = 60.0
# Keys whose write was lost, deleted once Redis answers again; beyond this many the
# oldest are forgotten (and expire on their own).
STALE_KEYS_MAX = 10_000


class ReusedClientRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        if index not in clients:
            clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return clients[index]


class _Outage:
    """What one process knows of its cache's Redis: down until when, what to delete."""

    def __init__(self):
        self.down_until = 0.0
        self.logged_at = -LOG_EVERY_SECONDS
        self.failures = 0
        self.failing_since = 0.0
        self.stale: dict[str, None] = {}
        self.lock = threading.Lock()

    def known_down(self) -> bool:
        return time.monotonic() < self.down_until

    def failed(self, error: Exception, *, unreachable: bool) -> None:
        now = time.monotonic()
        with self.lock:
            if unreachable:
                self.down_until = now + DOWN_SECONDS
            self.failing_since = self.failing_since or now
            self.failures += 1
            if now - self.logged_at < LOG_EVERY_SECONDS:
                return
            self.logged_at, failures, self.failures = now, self.failures, 0
        logger.warning(
            "Cache unavailable, answering as a miss (%d failure(s) since the last report): %r",
            failures,
            error,
        )

    def answered(self) -> None:
        """Redis answered after failures: say so once."""
        with self.lock:
            since, self.failing_since = self.failing_since, 0.0
        if since:
            logger.warning("Cache answers again after %.0f s", time.monotonic() - since)

    def stale_note(self, keys) -> None:
        with self.lock:
            for key in keys:
                self.stale.pop(key, None)
                self.stale[key] = None
            while len(self.stale) > STALE_KEYS_MAX:
                del self.stale[next(iter(self.stale))]

    def stale_take(self) -> list[str]:
        with self.lock:
            keys, self.stale = list(self.stale), {}
        return keys


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._outage = _Outage()

    def _attempt(self, call, fallback, *, writes=()):
        """call() against Redis, or `fallback` when Redis is down; `writes` are the
        (made) keys the call would change, to delete once Redis is back if it fails."""
        import redis

        if self._outage.known_down():
            self._outage.stale_note(writes)
            return fallback
        try:
            result = call()
        except redis.RedisError as error:
            self._outage.failed(error, unreachable=not isinstance(error, redis.ResponseError))
            self._outage.stale_note(writes)
            return fallback
        if self._outage.failing_since:
            self._outage.answered()
        if self._outage.stale:
            self._stale_delete()
        return result

    def _stale_delete(self) -> None:
        import redis

        keys = self._outage.stale_take()
        if not keys:
            return
        try:
            self._cache.delete_many(keys)
        except redis.RedisError as error:
            self._outage.failed(error, unreachable=not isinstance(error, redis.ResponseError))
            self._outage.stale_note(keys)
            return
        logger.info("Cache answers again; %d key(s) written during the outage deleted", len(keys))

    def _made(self, key, version) -> str:
        return self.make_and_validate_key(key, version=version)

    def known_down(self) -> bool:
        """Whether this process found Redis down a moment ago (asks nothing)."""
        return self._outage.known_down()

    def cache_reachable(self) -> bool:
        """Whether Redis answers now (a PING unless it was found down a moment ago)."""
        client = self._cache.get_client(write=True)
        return self._attempt(lambda: bool(client.ping()), False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        writes = [self._made(key, version)]
        return self._attempt(
            lambda: super(RedisCache, self).add(key, value, timeout, version), True, writes=writes
        )

    def get(self, key, default=None, version=None):
        return self._attempt(lambda: super(RedisCache, self).get(key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        writes = [self._made(key, version)]
        self._attempt(
            lambda: super(RedisCache, self).set(key, value, timeout, version), None, writes=writes
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(lambda: super(RedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        writes = [self._made(key, version)]
        return self._attempt(
            lambda: super(RedisCache, self).delete(key, version), False, writes=writes
        )

    def get_many(self, keys, version=None):
        return self._attempt(lambda: super(RedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._attempt(lambda: super(RedisCache, self).has_key(key, version), False)

    def incr(self, key, delta=1, version=None):
        writes = [self._made(key, version)]
        return self._attempt(
            lambda: super(RedisCache, self).incr(key, delta, version), delta, writes=writes
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        writes = [self._made(key, version) for key in data]
        return self._attempt(
            lambda: super(RedisCache, self).set_many(data, timeout, version),
            list(data),
            writes=writes,
        )

    def delete_many(self, keys, version=None):
        writes = [self._made(key, version) for key in keys]
        self._attempt(
            lambda: super(RedisCache, self).delete_many(keys, version), None, writes=writes
        )

    def clear(self):
        return self._attempt(super().clear, False)


def cache_reachable(cache) -> bool:
    """Whether `cache` answers now; a cache without Redis (development) always does."""
    probe = getattr(cache, "cache_reachable", None)
    return True if probe is None else probe()


def cache_known_down(cache) -> bool:
    """Whether `cache` was found down a moment ago: a caller that talks to the same
    Redis by another client can skip it, rather than wait on it too."""
    known_down = getattr(cache, "known_down", None)
    return False if known_down is None else known_down()


def cache_forget(*keys: str) -> None:
    """Delete kept answers that a change makes stale: at once, so that the rest of this
    request (or a test's transaction) reads afresh, and again when the change commits,
    so that a request that read the old state meanwhile and kept it again is undone.
    Outside a transaction the second delete runs at once too."""
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
