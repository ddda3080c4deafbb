"""What the site learns about a connection, read in one place."""

from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from. A proxy in front rewrites REMOTE_ADDR (see README)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
