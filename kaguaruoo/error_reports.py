"""Error reports to Sentry, when SENTRY_DSN is set, with personal data taken out.

The SDK is told to collect nothing personal (`data_collection`, which replaces
`send_default_pii=False` in sentry-sdk 2.75: no user, cookies, query strings, request
bodies, SQL parameters, task arguments or local variables, and only a few harmless
headers). `report_scrub` then checks every event again before it leaves: of the
request only the method, the masked path and those headers, of the user only the
id, of a Celery task only its name, of the breadcrumbs no cache commands and no
data, and every e-mail address left anywhere (an
exception's text, a log message) becomes "[email]". The request id goes along as a
tag, to find the request's log lines.
"""

from urllib.parse import urlsplit

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import ignore_logger
from sentry_sdk.integrations.redis import RedisIntegration

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
        # Its breadcrumbs are Redis commands with their keys, and a cached session's
        # key is the session cookie.
        disabled_integrations=[RedisIntegration()],
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
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict) and breadcrumbs.get("values"):
        breadcrumbs["values"] = _breadcrumbs_kept(breadcrumbs["values"])
    request_id = request_id_var.get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return _emails_masked(event)


def _breadcrumbs_kept(breadcrumbs: list) -> list:
    """The trail before an error, without cache commands (their keys name sessions) and
    without any breadcrumb's data (URLs with query strings, parameters)."""
    kept = []
    for breadcrumb in breadcrumbs:
        category = str(breadcrumb.get("category") or "")
        if category.startswith(("redis", "cache")):
            continue
        kept.append({key: value for key, value in breadcrumb.items() if key != "data"})
    return kept


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
