"""The shared cache on Redis keeps one client per connection pool, and answers as an
empty cache, without raising, while Redis is unreachable."""

import logging

import pytest
import redis
from django.conf import settings

from kaguaruoo import cache as cache_module
from kaguaruoo.cache import RedisCache, cache_known_down, cache_reachable
from tests.services import free_port


def unreachable_cache() -> RedisCache:
    """A cache whose Redis refuses every connection (nothing listens on the port)."""
    return RedisCache(
        f"redis://127.0.0.1:{free_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1}},
    )


@pytest.mark.integration
def test_the_cache_reuses_its_redis_client_and_still_reads_and_writes():
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-cache-client"})
    first = cache._cache.get_client(write=True)

    cache.set("greeting", "こんにちは", 30)

    assert cache._cache.get_client(write=True) is first
    assert cache.get("greeting") == "こんにちは"
    assert cache.get_many(["greeting", "missing"]) == {"greeting": "こんにちは"}
    cache.delete("greeting")
    assert cache.get("greeting") is None


def test_a_cache_whose_redis_is_unreachable_answers_as_an_empty_cache_that_forgets_at_once():
    cache = unreachable_cache()

    cache.set("greeting", "こんにちは", 30)

    assert cache.get("greeting") is None
    assert cache.get("greeting", "fallback") == "fallback"
    assert cache.get_many(["greeting", "other"]) == {}
    assert cache.has_key("greeting") is False
    assert cache.get_or_set("computed", lambda: 42) == 42
    # A lock taken with add is granted, a counter starts again: nothing waits or loops.
    assert cache.add("lock", 1) is True
    assert cache.incr("counter", 3) == 3
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.delete("greeting") is False
    cache.delete_many(["a", "b"])
    assert cache.touch("greeting") is False
    assert cache_reachable(cache) is False
    assert cache_known_down(cache) is True


def test_a_cache_whose_redis_is_unreachable_logs_it_once_not_per_call(caplog):
    cache = unreachable_cache()

    with caplog.at_level(logging.WARNING, logger="kaguaruoo.cache"):
        for n in range(20):
            cache.get(f"key-{n}")
            cache.set(f"key-{n}", n)

    assert len(caplog.records) == 1
    assert "answering as a miss" in caplog.records[0].getMessage()


def test_a_process_that_found_redis_down_asks_it_again_after_a_moment(monkeypatch):
    cache = unreachable_cache()
    cache.get("key")
    assert cache_known_down(cache)

    monkeypatch.setattr(cache_module.time, "monotonic", lambda: 10**9)

    assert not cache_known_down(cache)


@pytest.mark.integration
def test_a_value_whose_write_was_lost_while_redis_was_down_is_deleted_once_it_answers(
    monkeypatch, caplog
):
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-cache-stale"})
    cache.set("session", "signed in", 30)
    working_set = cache._cache.set

    def refused(*args, **kwargs):
        raise redis.ConnectionError("Connection refused")

    monkeypatch.setattr(cache._cache, "set", refused)
    cache.set("session", "signed out", 30)  # lost: Redis still holds "signed in"
    monkeypatch.setattr(cache._cache, "set", working_set)
    monkeypatch.setattr(cache._outage, "down_until", 0.0)

    with caplog.at_level(logging.WARNING, logger="kaguaruoo.cache"):
        cache.get("anything")  # the first answer from Redis deletes what went stale

    assert cache.get("session") is None
    assert "Cache answers again" in caplog.text
