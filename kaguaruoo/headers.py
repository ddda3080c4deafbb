"""The headers every response carries besides Django's own security headers.

- `Permissions-Policy`: no page may use the camera, microphone, location, payment
  handlers or the other powerful features below (card payments leave the site for
  Stripe Checkout's own page, which this header does not reach).
- `Cross-Origin-Resource-Policy: same-origin`: no other site may embed a page, an
  image or a file of this one. A view that must be embedded elsewhere (the open
  beacon in campaign mail) sets its own value.
- `Cache-Control: private, no-store` on every response that may show personal data,
  so that neither a proxy nor the browser keeps a copy (`response_is_personal`).
- SameSite on every cookie: one set without it (by the site, Django or a library)
  gets `Lax`.

Listed right after SecurityMiddleware, so static files get the first two as well.
"""

from django.utils.cache import patch_cache_control

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# Pages whose forms carry personal data before anyone is signed in: django-allauth's
# (sign-in, sign-up, password reset and its mailed link, e-mail confirmation, second
# factor, password confirmation) and the staff site's.
PERSONAL_PATHS = ("/accounts/", "/admin/")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
COOKIE_SAMESITE = "Lax"


def cache_directives(response) -> set[str]:
    header = response.get("Cache-Control", "")
    return {part.split("=")[0].strip().lower() for part in header.split(",")}


def response_is_personal(request, response) -> bool:
    """May this response show personal data, so that no copy of it may be kept?

    Every response to a signed-in person (their name is in the header of every page),
    every answer to a submitted form (a form with errors shows what was typed), and the
    pages of PERSONAL_PATHS. A response its view marked `public` (the postal-code
    lookup: Japan Post's data, the same for everyone) is left as it is. Public pages
    seen by a visitor who is not signed in (home, search, a listing, the policy) keep
    the caching they have.
    """
    if "public" in cache_directives(response):
        return False
    user = getattr(request, "user", None)  # unset when whitenoise answered (static files)
    if user is not None and user.is_authenticated:
        return True
    if request.method not in SAFE_METHODS:
        return True
    return request.path_info.startswith(PERSONAL_PATHS)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", CROSS_ORIGIN_RESOURCE_POLICY)
        if response_is_personal(request, response):
            patch_cache_control(response, private=True, no_store=True)
        for cookie in response.cookies.values():
            if not cookie["samesite"]:
                cookie["samesite"] = COOKIE_SAMESITE
        return response
