"""What the site learns about a connection, read in one place."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from. A proxy in front rewrites REMOTE_ADDR (see README)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def referer_on_site(request: HttpRequest) -> str:
    """The page the request came from, if it is one of this site's; else "".

    An error page offers it as the way back to the form the person was on.
    """
    referer = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""
