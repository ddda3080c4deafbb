"""One structured log line per request and per task, tied together by a request id.

The id comes from the proxy's X-Request-ID header when it is well-formed (the proxy
in docker-compose.yml overwrites whatever a client sent), or is made here. It goes
back in the response's X-Request-ID header, onto every log record written while the
request runs (`RequestIdFilter`), and into the headers of every Celery task queued
meanwhile, so that the task's log lines carry it too.

Nothing personal is logged: the user's id but never a name or an address, the path
without its query string and with its secret segments masked (`path_for_log`); an
e-mail address in a message or an exception's text becomes "[email]".
"""

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_META = "HTTP_X_REQUEST_ID"
# What a proxy's id looks like (a UUID, nginx's 32 hex digits, …): nothing that could
# break a log line or carry a sentence.
REQUEST_ID_FORM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
TASK_HEADER = "kaguaruoo_request_id"

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

request_logger = logging.getLogger("kaguaruoo.request")
task_logger = logging.getLogger("kaguaruoo.task")

# Paths whose segments are secrets: e-mail confirmation keys, password-reset keys,
# archive links and tracking tokens.
SECRET_PATHS = [
    re.compile(r"^(/accounts/confirm-email/)[^/]+"),
    re.compile(r"^(/accounts/password/reset/key/)[^/]+"),
    re.compile(r"^(/privacy/archives/)[^/]+"),
    re.compile(r"^(/t/)[^/]+"),
    re.compile(r"^(/u/)[^/]+"),
    re.compile(r"^(/q/)[^/]+"),
    re.compile(r"^(/gifts/confirm/)[^/]+"),
]
# Any other long, random-looking segment is treated as a token too.
TOKEN_LIKE = re.compile(r"(?<=/)[A-Za-z0-9_\-:.=]{24,}(?=/|$)")
MASK = "[masked]"
# Asked every few seconds by health checks: logged only at DEBUG, unless they fail.
QUIET_PATHS = {"/healthz"}
# An e-mail address that reached a log message or an exception's text.
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
EMAIL_MASK = "[email]"


def path_for_log(path: str) -> str:
    """The path with its secret segments masked (the caller passes no query string)."""
    for pattern in SECRET_PATHS:
        path = pattern.sub(lambda match: match.group(1) + MASK, path)
    return TOKEN_LIKE.sub(MASK, path)[:500]


def request_id_current() -> str | None:
    return request_id_var.get()


def request_id_for(request) -> str:
    """The proxy's id when it is well-formed, else a new one."""
    offered = request.META.get(REQUEST_ID_META, "")
    if REQUEST_ID_FORM.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


def _user_id(request) -> int | None:
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        # Nobody read the user during the request: not worth a session lookup now.
        return None
    try:
        return user.pk if user.is_authenticated else None
    except Exception:  # a log line must not fail the response
        return None


def _response_bytes(response) -> int | None:
    if response.streaming:
        length = response.get("Content-Length")
        return int(length) if length and length.isdigit() else None
    return len(response.content)


class RequestLogMiddleware:
    """First in MIDDLEWARE: gives the request its id and logs it once it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request)
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            self.log(request, response, started)
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def log(request, response, started: float) -> None:
        match = getattr(request, "resolver_match", None)
        status = response.status_code
        if status >= 500:
            level = logging.ERROR
        elif request.path in QUIET_PATHS:
            level = logging.DEBUG
        else:
            level = logging.INFO
        request_logger.log(
            level,
            "%s %s %s",
            request.method,
            path_for_log(request.path),
            status,
            extra={
                "method": request.method,
                "path": path_for_log(request.path),
                "route": match.view_name if match else None,
                "status": status,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "user_id": _user_id(request),
                "bytes": _response_bytes(response),
            },
        )


class RequestIdFilter(logging.Filter):
    """Puts the running request's id (or "-") on every record, for the formatters.

    It also masks the path in Django's own lines ("Internal Server Error: /t/<token>/"),
    as the request line does.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        if record.name == "django.request" and isinstance(record.args, tuple):
            record.args = tuple(
                path_for_log(arg) if isinstance(arg, str) and arg.startswith("/") else arg
                for arg in record.args
            )
        return True


# The fields a record may carry besides its message (RequestLogMiddleware's, the task
# line's); anything else a caller passes in `extra` stays out of the JSON line.
LINE_FIELDS = (
    "method",
    "path",
    "route",
    "status",
    "duration_ms",
    "user_id",
    "bytes",
    "task",
    "task_id",
    "state",
)


def _record_request_id(record: logging.LogRecord) -> str | None:
    request_id = getattr(record, "request_id", None) or request_id_var.get()
    return None if request_id == "-" else request_id


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request id, message and fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": _record_request_id(record),
            "message": EMAIL.sub(EMAIL_MASK, record.getMessage()),
        }
        for field in LINE_FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["exception"] = EMAIL.sub(EMAIL_MASK, self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)

    def formatTime(self, record, datefmt=None) -> str:
        seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{seconds}.{int(record.msecs):03d}Z"


# Celery: the id travels in the task message's headers and is set around the task.


def task_headers_add(headers: dict | None = None, **kwargs) -> None:
    """before_task_publish: the queuing request's id into the message headers."""
    request_id = request_id_var.get()
    if headers is not None and request_id and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


_task_state: dict[str, tuple] = {}


def task_started(task_id=None, task=None, **kwargs) -> None:
    """task_prerun: the id the task was queued with becomes the running one."""
    if task is None or task.request.is_eager:
        return  # an eager task runs inside the request, under its id already
    request_id = task.request.get(TASK_HEADER)
    if request_id is not None and not REQUEST_ID_FORM.fullmatch(str(request_id)):
        request_id = None
    _task_state[task_id] = (request_id_var.set(request_id), time.monotonic())


def task_finished(task_id=None, task=None, state=None, **kwargs) -> None:
    """task_postrun: one line per task run by a worker, then the id is cleared."""
    token, started = _task_state.pop(task_id, (None, None))
    if token is None:
        return
    try:
        task_logger.info(
            "%s %s",
            task.name,
            state,
            extra={
                "task": task.name,
                "task_id": task_id,
                "state": state,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
    finally:
        request_id_var.reset(token)
