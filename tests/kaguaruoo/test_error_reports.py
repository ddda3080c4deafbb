"""Errors reach Sentry with personal data taken out (kaguaruoo/error_reports.py)."""

import json

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from kaguaruoo.error_reports import error_reports_init, report_scrub
from tests.accounts.factories import PASSWORD, UserFactory


class CapturedTransport(Transport):
    """Keeps the events the SDK would have sent."""

    def __init__(self):
        super().__init__()
        self.events = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type == "event":
                self.events.append(item.payload.json)


@pytest.fixture
def sentry_events():
    transport = CapturedTransport()
    error_reports_init(
        dsn="https://public@sentry.invalid/1", environment="test", transport=transport
    )
    yield transport.events
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


@pytest.mark.django_db
@pytest.mark.urls("tests.kaguaruoo.request_log_urls")
def test_a_failing_page_is_reported_without_the_persons_data(client, sentry_events):
    user = UserFactory(email="kenji.secret@example.com", first_name="Kenji", last_name="Moriyama")
    client.login(email=user.email, password=PASSWORD)
    client.raise_request_exception = False
    message = "Please call me on 090-7777-1234, the key is under the mat"

    response = client.post(
        "/note/fail/?email=kenji.secret@example.com&token=abcdef",
        {"body": message},
        headers={"Authorization": "Bearer sk_live_123", "X-Request-ID": "req-12345678"},
    )

    assert response.status_code == 500
    [event] = sentry_events
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["tags"]["request_id"] == "req-12345678"
    assert event["transaction"] == "/note/fail/"
    assert event.get("user", {}).keys() <= {"id"}
    sent = json.dumps(event)
    for personal in (
        "kenji.secret",
        "Kenji",
        "Moriyama",
        "090-7777-1234",
        "under the mat",
        "token=abcdef",
        "sk_live_123",
        client.cookies["sessionid"].value,
    ):
        assert personal not in sent, sent[max(0, sent.find(personal) - 300) :][:400]


def test_the_request_part_of_a_report_keeps_only_method_masked_path_and_plain_headers():
    event = report_scrub(
        {
            "request": {
                "url": "https://kaguaruoo.jp/u/eyJ1IjoxMjN9abcdefghijklmnopqrstuvwxyz/",
                "method": "POST",
                "query_string": "email=kenji.secret@example.com",
                "data": {"body": "the key is under the mat"},
                "cookies": {"sessionid": "s3cr3t"},
                "env": {"REMOTE_ADDR": "203.0.113.7"},
                "headers": {
                    "Host": "kaguaruoo.jp",
                    "Cookie": "sessionid=s3cr3t",
                    "Authorization": "Bearer sk_live_123",
                    "Referer": "https://kaguaruoo.jp/?email=kenji.secret@example.com",
                    "User-Agent": "Firefox",
                },
            },
            "user": {"id": 7, "email": "kenji.secret@example.com", "username": "Kenji"},
        }
    )

    assert event["request"] == {
        "url": "https://kaguaruoo.jp/u/[masked]/",
        "method": "POST",
        "headers": {"Host": "kaguaruoo.jp", "User-Agent": "Firefox"},
    }
    assert event["user"] == {"id": 7}


def test_a_failing_task_is_reported_without_its_arguments():
    event = report_scrub(
        {
            "extra": {"celery-job": {"task_name": "send", "args": ["a@b.jp"], "kwargs": {}}},
            "logentry": {"message": "mail to a@b.jp failed"},
            "breadcrumbs": {
                "values": [
                    {"category": "redis", "message": "GET :1:django.contrib.sessions.x1"},
                    {"category": "httplib", "data": {"url": "https://x.jp/?token=1"}},
                ]
            },
        }
    )

    assert event["extra"]["celery-job"] == {"task_name": "send"}
    assert event["logentry"]["message"] == "mail to [email] failed"
    assert event["breadcrumbs"]["values"] == [{"category": "httplib"}]
