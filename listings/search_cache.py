"""Search results kept in the shared cache (Redis in production).

A page of results is stored as its listings' ids and versions, the match count and
the stations searched for, under a key
made of the filters, the page number and a generation number. Any change that
can alter a result (a listing saved, published or paused; a photo added,
processed, reordered or deleted) bumps the generation, so stale pages are never
read again and expire on their own.
"""

import hashlib
import json
import time

from django.core.cache import cache

GENERATION_KEY = "listings:search-generation"
RESULT_TTL_SECONDS = 300


def search_cache_invalidate() -> None:
    """Retire every cached search page; called by the services that change listings."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # The number was evicted or flushed: start from one never used before.
        cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)


def _fresh_generation() -> int:
    return time.time_ns()


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY) or _fresh_generation()
    return generation


def search_cache_key(*, filters: dict, page: str) -> str:
    canonical = json.dumps(filters, sort_keys=True, default=str, ensure_ascii=False)
    digest = hashlib.sha256(f"{canonical}|{page}".encode()).hexdigest()[:32]
    return f"listings:search:{_generation()}:{digest}"


def search_cache_get(key: str) -> dict | None:
    return cache.get(key)


def search_cache_set(key: str, page: dict) -> None:
    cache.set(key, page, RESULT_TTL_SECONDS)
