"""Cookies and web beacons (policy 1.2.1): used only with the person's consent.

A visitor's choice lives in a strictly necessary cookie (CHOICE_COOKIE); a signed-in
person's choice is a Consent row, which wins over the cookie. Only when analytics
is allowed does the site set ANALYTICS_COOKIE and put the beacon in its pages.
"""

from django.http import HttpRequest

from privacy.models import Consent
from privacy.selectors import consent_latest_for_page

CHOICE_COOKIE = "kagu_cookie_choice"
ANALYTICS_COOKIE = "kagu_analytics"
ACCEPTED, DECLINED = "accepted", "declined"
ONE_YEAR = 365 * 24 * 3600


def analytics_choice(request: HttpRequest) -> str | None:
    """ACCEPTED, DECLINED, or None when the person has not chosen yet.

    Asked by the page's notices and again by the cookie middleware: looked up once
    per request.
    """
    if not hasattr(request, "_analytics_choice"):
        request._analytics_choice = _analytics_choice(request)
    return request._analytics_choice


def _analytics_choice(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        consent = consent_latest_for_page(user=user, purpose=Consent.Purpose.ANALYTICS)
        if consent is not None:
            return ACCEPTED if consent.granted else DECLINED
    cookie = request.COOKIES.get(CHOICE_COOKIE)
    return cookie if cookie in {ACCEPTED, DECLINED} else None


def analytics_allowed(request: HttpRequest) -> bool:
    return analytics_choice(request) == ACCEPTED
