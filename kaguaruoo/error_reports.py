"""Error reports to Sentry, when SENTRY_DSN is set, with personal data taken out.

The SDK is told to collect nothing personal (`data_collection`, which replaces
`send_default_pii=False` in sentry-sdk 2.75: no user, cookies, query strings, request
bodies, SQL parameters, task arguments or local variables, and only a few harmless
headers). `report_scrub` then checks every event again before it leaves: of the
request only the method, the masked path and those headers, of the user only the
id, of a Celery task only its name, and every e-mail address left anywhere (an
exception's text, a log message) becomes "[email]". The request id goes along as a
tag, to find the request's log lines.
"""

from urllib.parse import urlsplit

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import ignore_logger

from kaguaruoo.requestlog import EMAIL, EMAIL_MASK, path_for_log, request_id_var

# The request headers a report keeps: none of them names or authenticates anybody.
HEADERS_KEPT = {
    "accept",
    "accept-language",
    "content-length",
    "content-type",
    "host",
    "user-agent",
    "x-forwarded-proto",
    "x-request-id",
}


def error_reports_init(
    *,
    dsn: str,
    environment: str,
    release: str | None = None,
    traces_sample_rate: float = 0.0,
    transport=None,
) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(HEADERS_KEPT)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "graphql": {"document": False, "variables": False},
            "gen_ai": {"inputs": False, "outputs": False},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        },
        max_request_body_size="never",
        before_send=report_scrub,
        before_send_transaction=report_scrub,
        traces_sample_rate=traces_sample_rate,
        transport=transport,
    )
    # A failed request is reported once, as its exception, not again as its log line.
    ignore_logger("kaguaruoo.request")
    ignore_logger("kaguaruoo.task")


def report_scrub(event: dict, hint: dict | None = None) -> dict:
    _request_scrub(event.get("request"))
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if user.get("id") is not None else {}
    job = (event.get("extra") or {}).get("celery-job")
    if isinstance(job, dict):
        job.pop("args", None)
        job.pop("kwargs", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    request_id = request_id_var.get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return _emails_masked(event)


def _request_scrub(request: dict | None) -> None:
    if not request:
        return
    for key in ("data", "cookies", "query_string", "env"):
        request.pop(key, None)
    if request.get("url"):
        parts = urlsplit(request["url"])
        request["url"] = f"{parts.scheme}://{parts.netloc}{path_for_log(parts.path)}"
    headers = request.get("headers") or {}
    request["headers"] = {
        name: value for name, value in headers.items() if name.lower() in HEADERS_KEPT
    }


def _emails_masked(value):
    if isinstance(value, str):
        return EMAIL.sub(EMAIL_MASK, value)
    if isinstance(value, dict):
        return {key: _emails_masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_emails_masked(item) for item in value]
    return value
