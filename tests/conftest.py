"""Shared fixtures: real services for integration tests, eager Celery for the rest."""

import importlib
import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import boto3
import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import translation
from moto.server import ThreadedMotoServer

from kaguaruoo.celery import app as celery_app
from tests.services import CeleryWorker, SmtpSink, static_collect

# Playwright's sync API runs an event loop in the test thread; the ORM calls made
# from that thread (live_server teardown, fixtures) are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"

# pytest-xdist names its worker processes gw0, gw1, ...; empty when the tests run in one.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def redis_url_for_worker(url: str, worker: str) -> str:
    """Worker gwN's Redis database: N below REDIS_URL's (with /15: gw0 on 15, gw1 on 14).

    Each test starts by clearing the cache, which on Redis empties the whole
    database: in a database shared between workers it would also empty the
    Celery queue and the rate limits of a test running in another worker.
    """
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) - int(worker.removeprefix("gw"))
    if database < 0:
        raise pytest.UsageError(
            f"REDIS_URL {url} leaves no Redis database for xdist worker {worker}: "
            "end REDIS_URL with a higher database (e.g. /15) or run fewer workers"
        )
    return urlunsplit(parts._replace(path=f"/{database}"))


def pytest_configure(config):
    """Each xdist worker keeps its cache and Celery broker in a Redis database of its own.

    The settings are read before this runs; nothing has connected to Redis yet.
    """
    if XDIST_WORKER and settings.REDIS_URL:
        url = redis_url_for_worker(settings.REDIS_URL, XDIST_WORKER)
        settings.REDIS_URL = url
        settings.CACHES["default"]["LOCATION"] = url
        settings.CACHES["limits"]["LOCATION"] = url
        settings.CELERY_BROKER_URL = url
        celery_app.conf.broker_url = url


def integration_services_configured() -> bool:
    engine = settings.DATABASES["default"]["ENGINE"]
    return engine.endswith("postgresql") and bool(settings.REDIS_URL)


def pytest_collection_modifyitems(config, items):
    """Integration tests run where PostgreSQL and Redis are configured, as in CI's second run."""
    if integration_services_configured():
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("integration") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def pytest_report_header(config):
    if integration_services_configured():
        return "integration tests: on (PostgreSQL and Redis)"
    return (
        "integration tests: deselected; set DATABASE_URL=postgres://... and "
        "REDIS_URL=redis://... to run them"
    )


@pytest.fixture(scope="session")
def media_root(tmp_path_factory):
    """Uploaded files of the test session (of this xdist worker), Celery worker included,
    land here, not in var/."""
    return tmp_path_factory.mktemp("media")


# Almost every test makes users and signs them in; hashing their passwords
# properly is not what is tested, and on 2 cores it would take most of the run.
TEST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _test_settings(settings, media_root):
    settings.MEDIA_ROOT = str(media_root)
    settings.PASSWORD_HASHERS = TEST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _isolated_cache_and_eager_tasks(request):
    """Each test starts with empty caches (allauth counts rate limits in the default one,
    the site's own limits have theirs).

    Tests that are not integration tests run Celery tasks in-process, even when
    REDIS_URL is set, so that they need no worker.
    """
    cache.clear()
    caches["limits"].clear()
    eager = celery_app.conf.task_always_eager
    if not request.node.get_closest_marker("integration"):
        celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request in another language (a visitor's
    browser, a person's saved choice) leaves it active in the thread that ran it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _privacy_policy_published(request):
    """Tests on a flushed database (transactional ones) still find policy version 1.

    Its data migration publishes it once, and a TransactionTestCase flush removes it.
    """
    if request.node.get_closest_marker("django_db") is None and not {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames):
        return
    request.getfixturevalue(
        "db" if "transactional_db" not in request.fixturenames else "transactional_db"
    )
    from django.apps import apps

    migration = importlib.import_module("privacy.migrations.0002_policy_version_1")
    migration.publish_version_1(apps, None)
    japanese = importlib.import_module("privacy.migrations.0015_policy_in_japanese")
    japanese.add_japanese_to_version_1(apps, None)


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker, media_root):
    """`load_demo` run once for a module's tests, in a transaction rolled back after them.

    Loading the stations and the demo on an empty database takes seconds; each test of
    the module runs in a savepoint inside this transaction (pytest-django's `django_db`),
    so each starts from the demo as that first run left it.
    """
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # as for each test that is not an integration one
    with (
        django_db_blocker.unblock(),
        override_settings(
            DEBUG=True, MEDIA_ROOT=str(media_root), PASSWORD_HASHERS=TEST_PASSWORD_HASHERS
        ),
        translation.override(settings.LANGUAGE_CODE),
        transaction.atomic(),
    ):
        call_command("load_demo", quiet_logins=True)
        yield
        transaction.set_rollback(True)
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def demo(demo_loaded, db):
    """The demo data as `load_demo` leaves it on an empty database, with DEBUG on (as
    `load_demo` wants) for the whole test.

    Until the module's last test has run, its other tests find the demo data too: a
    module that uses this fixture uses it in every test.
    """
    with override_settings(DEBUG=True):
        yield


@pytest.fixture
def officer_client(client, db):
    """A privacy officer signed in to the staff site with password and second factor."""
    from tests.privacy.helpers import officer_create, sign_in_with_second_factor

    client.officer = officer_create()
    sign_in_with_second_factor(client, client.officer)
    return client


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server on loopback: a real HTTP endpoint speaking the S3 protocol."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, monkeypatch):
    """An empty "kagu-media" bucket on the S3 server; its boto3 client."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="ap-northeast-1")
    client.create_bucket(
        Bucket="kagu-media", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"}
    )
    yield client
    for item in client.list_objects_v2(Bucket="kagu-media").get("Contents", []):
        client.delete_object(Bucket="kagu-media", Key=item["Key"])
    client.delete_bucket(Bucket="kagu-media")


@pytest.fixture
def media_on_s3(settings, s3_endpoint, bucket):
    """Media on moto's S3 server, configured as the settings do when a bucket is named."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "kagu-media",
                "endpoint_url": s3_endpoint,
                "region_name": "ap-northeast-1",
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 300,
                "signature_version": "s3v4",
                "file_overwrite": False,
            },
        },
    }
    storages._storages.pop("default", None)
    yield bucket
    storages._storages.pop("default", None)


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """A VAR_DIR holding the collected static files (whitenoise's manifest) that the sites
    the tests start with DEBUG off serve: collected once per test session (xdist worker)."""
    return static_collect(tmp_path_factory.mktemp("collected-static"))


@pytest.fixture(scope="session")
def smtp_sink():
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def celery_queue():
    """A queue of this test session's own (of this xdist worker's), so that no other worker
    takes its tasks."""
    queue = f"test-{XDIST_WORKER or 'main'}-{uuid.uuid4().hex[:12]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    yield queue
    celery_app.conf.task_default_queue = previous


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, smtp_sink, celery_queue, media_root):
    """A real Celery worker process on Redis, using the test database and the SMTP sink."""
    with django_db_blocker.unblock():
        database = dict(connection.settings_dict)
    worker = CeleryWorker(
        queue=celery_queue,
        database=database,
        redis_url=settings.REDIS_URL,
        email_url=f"smtp://127.0.0.1:{smtp_sink.port}",
        media_root=str(media_root),
    )
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def worker_queue():
    """For a test that starts Celery workers of its own: a queue no other worker consumes,
    and tasks sent to it rather than run in-process."""
    queue = f"test-own-{uuid.uuid4().hex[:10]}"
    previous, eager = celery_app.conf.task_default_queue, celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue = queue
    celery_app.conf.task_always_eager = False
    yield queue
    celery_app.conf.task_default_queue = previous
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def live_worker(celery_worker, transactional_db, smtp_sink):
    """For one integration test: tasks go to the real worker, and the sink starts empty."""
    celery_app.conf.task_always_eager = False
    smtp_sink.clear()
    return celery_worker
