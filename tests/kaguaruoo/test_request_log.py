"""One JSON line per request with its id, no personal data, and the id in task logs."""

import io
import json
import logging
import time

import pytest
from celery import signals

from kaguaruoo.celery import app as celery_app
from kaguaruoo.requestlog import TASK_HEADER, JsonFormatter, RequestIdFilter
from tests.accounts.factories import PASSWORD, UserFactory


@pytest.fixture
def log_lines():
    """What the console handler of settings.LOGGING writes in production, as parsed lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)

    def lines(logger=None):
        parsed = [json.loads(line) for line in stream.getvalue().splitlines()]
        return [line for line in parsed if logger is None or line["logger"] == logger]

    yield lines
    root.removeHandler(handler)
    root.setLevel(previous)


@pytest.mark.django_db
def test_a_signed_in_search_is_one_line_with_its_fields_and_no_personal_data(client, log_lines):
    user = UserFactory(email="hanako.private@example.com", first_name="Hanako")
    client.login(email=user.email, password=PASSWORD)

    response = client.get("/listings/?q=hanako.private@example.com&place=Shibuya")

    [line] = log_lines("kaguaruoo.request")
    assert response.status_code == 200
    assert line["request_id"] == response["X-Request-ID"]
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["path"] == "/listings/"
    assert line["route"] == "listings:search"
    assert line["status"] == 200
    assert line["user_id"] == user.pk
    assert line["bytes"] == len(response.content)
    assert line["duration_ms"] >= 0
    assert line["time"].endswith("Z")
    everything = json.dumps(log_lines())
    for personal in ("hanako.private", "Hanako", user.last_name, "Shibuya", "q="):
        assert personal not in everything


@pytest.mark.django_db
def test_the_token_of_an_unsubscribe_link_is_masked_in_the_line(client, log_lines):
    token = "eyJ1IjoxMjN9:1vQx7Z:abcdefghijklmnopqrstuvwxyz0123"

    client.get(f"/u/{token}/")

    [line] = log_lines("kaguaruoo.request")
    assert line["path"] == "/u/[masked]/"
    assert line["route"] == "campaigns:unsubscribe"
    assert line["user_id"] is None
    assert token not in json.dumps(log_lines())


@pytest.mark.django_db
def test_a_well_formed_proxy_request_id_is_kept_and_echoed(client, log_lines):
    response = client.get("/terms/", headers={"X-Request-ID": "4bf92f3577b34da6a3ce929d0e0e4736"})

    assert response["X-Request-ID"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    [line] = log_lines("kaguaruoo.request")
    assert line["request_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "offered", ["short", "has spaces in it", 'x" injected="1', "a" * 65, "id\nforged line"]
)
def test_a_malformed_request_id_is_replaced_by_a_new_one(client, log_lines, offered):
    response = client.get("/terms/", headers={"X-Request-ID": offered})

    assert response["X-Request-ID"] != offered
    assert len(response["X-Request-ID"]) == 32
    [line] = log_lines("kaguaruoo.request")
    assert line["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_every_answer_carries_an_id_even_a_404(client):
    first = client.get("/no-such-page/")
    second = client.get("/no-such-page/")

    assert first.status_code == 404
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
@pytest.mark.urls("tests.kaguaruoo.request_log_urls")
def test_a_task_run_during_the_request_logs_under_its_id(client, log_lines):
    response = client.get("/note/")

    [note] = log_lines("tests.request_log")
    assert note["message"] == "note written"
    assert note["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
@pytest.mark.urls("tests.kaguaruoo.request_log_urls")
def test_a_task_queued_during_the_request_carries_its_id_to_the_worker(client):
    published = []

    def remember(headers=None, **kwargs):
        published.append(dict(headers))

    signals.before_task_publish.connect(remember, weak=False)
    celery_app.conf.task_always_eager = False
    try:
        with celery_app.connection_for_write() as connection:
            response = client.get("/note/")
            connection.default_channel.queue_purge(celery_app.conf.task_default_queue)
    finally:
        celery_app.conf.task_always_eager = True
        signals.before_task_publish.disconnect(remember)

    [headers] = published
    assert headers[TASK_HEADER] == response["X-Request-ID"]


@pytest.mark.integration
def test_the_worker_logs_the_mail_a_request_queued_under_the_request_id(
    live_worker, smtp_sink, client
):
    user = UserFactory()

    response = client.post("/accounts/password/reset/", {"email": user.email})

    assert response.status_code == 302
    smtp_sink.wait_for(user.email)
    request_id = response["X-Request-ID"]
    deadline = time.monotonic() + 10
    while request_id not in live_worker.log_path.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    task_lines = [
        line for line in live_worker.log_path.read_text().splitlines() if request_id in line
    ]
    assert any("kaguaruoo.task" in line and "SUCCESS" in line for line in task_lines)
    assert user.email not in "\n".join(task_lines)


@pytest.mark.django_db
def test_health_checks_stay_out_of_the_log_while_they_pass(client, log_lines):
    response = client.get("/healthz")

    assert response["X-Request-ID"]
    assert log_lines("kaguaruoo.request") == []
