"""Abuse limits: a person or an address may do a thing so often, then waits; an
unreachable cache lets people through rather than stopping the site."""

import logging

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.test import RequestFactory
from django.utils import translation

from kaguaruoo.ratelimit import (
    RateLimited,
    RateLimitMiddleware,
    limit_hit,
    limit_who,
    limit_windows,
)
from tests.services import free_port


@pytest.fixture
def limits_unreachable(settings):
    """The limits cache on a Redis port nobody listens on."""
    settings.CACHES = {
        **settings.CACHES,
        "limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    yield
    caches["limits"].close()


def test_every_limit_in_settings_has_windows_a_person_never_meets_by_hand(settings):
    for name in settings.RATE_LIMITS:
        windows = limit_windows(name)
        assert windows
        assert all(window.count >= 10 for window in windows)


def test_a_limit_lets_its_number_through_then_refuses_with_the_seconds_left():
    allowed = limit_windows("postal_lookup")[0].count
    for _ in range(allowed):
        limit_hit(name="postal_lookup", who="ip:203.0.113.5")

    with pytest.raises(RateLimited) as refused:
        limit_hit(name="postal_lookup", who="ip:203.0.113.5")

    assert 1 <= refused.value.retry_after <= 60
    assert "You did this too many times in a short while" in refused.value.message
    assert "Please try again in" in refused.value.message


def test_each_window_counts_on_its_own(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "message": [(50, 60), (3, 3600)]}
    for _ in range(3):
        limit_hit(name="message", who="user:1")

    with pytest.raises(RateLimited) as refused:
        limit_hit(name="message", who="user:1")

    # The minute's window has room; the hour's is full.
    assert refused.value.retry_after <= 3600


def test_people_and_addresses_are_counted_apart():
    allowed = limit_windows("message")[0].count
    for _ in range(allowed):
        limit_hit(name="message", who="user:1")

    limit_hit(name="message", who="user:2")
    limit_hit(name="message", who="ip:203.0.113.5")
    with pytest.raises(RateLimited):
        limit_hit(name="message", who="user:1")


def test_a_signed_out_visitor_is_counted_by_address_and_a_person_by_account(django_user_model, db):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.8")
    request.user = django_user_model(pk=41)
    assert limit_who(request) == "user:41"

    request.user = AnonymousUser()
    assert limit_who(request) == "ip:203.0.113.8"


def test_the_refusal_reads_in_japanese_for_a_japanese_reader():
    with translation.override("ja"):
        refusal = RateLimited(retry_after=300)

    assert "5分後にもう一度お試しください" in refusal.message


def test_a_refusal_reaching_the_top_of_a_view_is_the_429_page_with_retry_after(rf, db):
    request = rf.get("/somewhere/", HTTP_REFERER="http://testserver/listings/")
    request.user = AnonymousUser()
    middleware = RateLimitMiddleware(lambda request: None)

    response = middleware.process_exception(request, RateLimited(retry_after=90))

    page = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "90"
    assert "no-store" in response["Cache-Control"]
    assert "Please wait a moment" in page
    assert "Please try again in 2 minutes." in page
    assert 'href="http://testserver/listings/"' in page


def test_when_the_limits_cache_is_unreachable_the_use_is_let_through_and_logged(
    limits_unreachable, caplog
):
    allowed = limit_windows("message")[0].count
    with caplog.at_level(logging.WARNING, logger="kaguaruoo.ratelimit"):
        for _ in range(allowed + 1):
            limit_hit(name="message", who="user:1")

    assert "rate limit message not counted" in caplog.text
