"""The shared cache on Redis keeps one client per connection pool."""

import pytest
from django.conf import settings

from kaguaruoo.cache import RedisCache


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
