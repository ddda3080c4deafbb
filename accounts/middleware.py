from django.conf import settings
from django.utils import translation


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
