import logging
import secrets

from django.db import DatabaseError

from privacy.access_log import access_record
from privacy.analytics import ANALYTICS_COOKIE, ONE_YEAR, analytics_allowed

logger = logging.getLogger(__name__)


class AccessLogMiddleware:
    """Log one request once its response is known (privacy.access_log.access_record)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            access_record(request=request, status=response.status_code)
        except DatabaseError:
            # A lost log line must not turn a served page into an error.
            logger.exception("Access log entry not written for %s", request.path)
        return response


class AnalyticsCookieMiddleware:
    """Sets the analytics cookie only with consent, and removes it once consent goes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if analytics_allowed(request):
            if ANALYTICS_COOKIE not in request.COOKIES:
                response.set_cookie(
                    ANALYTICS_COOKIE,
                    secrets.token_urlsafe(16),
                    max_age=ONE_YEAR,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
        elif ANALYTICS_COOKIE in request.COOKIES:
            response.delete_cookie(ANALYTICS_COOKIE, samesite="Lax")
        return response
