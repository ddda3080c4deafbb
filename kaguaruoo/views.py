import sys

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kaguaruoo.accessibility import accessibility_report
from kaguaruoo.health import DOWN, system_state


def terms(request):
    return render(request, "terms.html")


def accessibility(request):
    """The accessibility target and what the last browser test run measured."""
    return render(request, "accessibility.html", {"report": accessibility_report()})


@never_cache
@require_GET
def healthz(request):
    state = system_state()
    status = 503 if DOWN in state.values() else 200
    return JsonResponse(state, status=status)


# How long a browser (or a proxy) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 5


def _part_unreachable(error: BaseException | None) -> str | None:
    """ "database" or "files" when `error` says that part did not answer, else None."""
    if isinstance(error, OperationalError | InterfaceError):
        return "database"
    # The media store (S3 or one speaking its protocol): unreachable, timed out, or
    # answering that it is unavailable for now.
    if isinstance(error, BotoConnectionError | HTTPClientError):
        return "files"
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        if status >= 500:
            return "files"
    return None


def server_error(request):
    """`handler500`: a database or media store that did not answer (connection lost,
    refused or timed out) is a 503 that asks the visitor to try again; any other error
    is Django's 500 page.

    Called while the error is being handled, so `sys.exception()` is the error. The page
    is rendered without the request's context processors, which would read the database.
    """
    part = _part_unreachable(sys.exception())
    if part is None:
        return defaults.server_error(request)
    page = loader.get_template("503.html").render({"part": part})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
