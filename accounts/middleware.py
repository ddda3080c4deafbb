from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import translation

from kaguaruoo.cache import cache_reachable


def saved_language(user) -> str:
    """The language saved on a signed-in person's account; empty if none (or anonymous)."""
    if not user.is_authenticated:
        return ""
    language = user.language
    return language if language in dict(settings.LANGUAGES) else ""


class UserLanguageMiddleware:
    """A signed-in person reads the site in their account's language.

    LocaleMiddleware has chosen from the cookie or Accept-Language before anyone is
    known; this runs after authentication and overrides that with the saved choice,
    on every request. The language cookie is brought in line too, so that the site
    stays in that language after logging out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = saved_language(request.user)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # Read again: the request may have logged someone in or changed the choice.
        language = saved_language(request.user)
        cookie = settings.LANGUAGE_COOKIE_NAME
        if language and request.COOKIES.get(cookie) != language and cookie not in response.cookies:
            response.set_cookie(
                cookie,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


# The forms that check a password or a one-time code, and the password reset that
# mails an address someone typed: allauth limits their rate in the cache (and
# records used authenticator codes there), so they are refused while it is down.
SIGN_IN_VIEWS = frozenset(
    {
        "account_login",
        "account_confirm_login_code",
        "account_reauthenticate",
        "account_confirm_reauthentication_code",
        "account_reset_password",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "admin:login",
    }
)
SIGN_IN_PAUSED_RETRY_SECONDS = 120


class SignInPausedMiddleware:
    """While the shared cache does not answer, signing in answers a clear 503 page.

    Everything else goes on without the cache: its rate limits cannot be counted, and
    only where guessing a password or a code, or mailing someone else's address, is
    at stake does the site refuse rather than go on unlimited. People already signed
    in are not affected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match.view_name not in SIGN_IN_VIEWS:
            return None
        if cache_reachable(cache):
            return None
        response = render(request, "accounts/sign_in_paused.html", status=503)
        response["Retry-After"] = str(SIGN_IN_PAUSED_RETRY_SECONDS)
        return response
