import pytest

from kaguaruoo.celery import app as celery_app
from tests.services import free_port

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_part_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "eager"}


def test_healthz_names_the_broker_when_it_is_down(client):
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    # Port 9 (discard) has no listener here: a real refused connection.
    conf.broker_url, conf.task_always_eager = "redis://127.0.0.1:9/0", False
    try:
        response = client.get("/healthz")
    finally:
        conf.broker_url, conf.task_always_eager = saved

    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


@pytest.mark.integration
def test_healthz_reaches_real_postgres_redis_and_broker(client, celery_queue):
    celery_app.conf.task_always_eager = False

    response = client.get("/healthz")

    assert response.json() == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_healthz_names_the_cache_when_its_redis_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "kaguaruoo.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["cache"] == "down"
    assert response.json()["database"] == "ok"
