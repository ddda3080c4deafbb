from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation

from accounts.middleware import saved_language
from accounts.models import User
from accounts.services import user_language_set
from kaguaruoo.mail import email_queue

SITE_NAME = "KaguAruoo"


def current_site() -> SimpleNamespace:
    """The site allauth's mails name ("Hello from …"): KaguAruoo, at SITE_URL's host."""
    return SimpleNamespace(name=SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def account_mail_language(*, email: str, user=None) -> str:
    """The language of an account mail: the person's saved one if the address is a known
    account's, else the language of the request that caused it (a new sign-up's)."""
    if not isinstance(user, User):
        user = User.objects.filter(email__iexact=email).first()
    if user is not None and user.language in dict(settings.LANGUAGES):
        return user.language
    return translation.get_language() or settings.LANGUAGE_CODE


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render in the recipient's language and the request (it needs the request's
        site); send from a worker."""
        context = {
            "email": email,
            "request": self.request,
            "current_site": current_site(),
            **context,
        }
        language = account_mail_language(email=email, user=context.get("user"))
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        email_queue(message=message)

    def save_user(self, request, user, form, commit=True):
        """A new account reads the site and its mail in the language it signed up in."""
        if not user.language:
            user.language = translation.get_language() or ""
        return super().save_user(request, user, form, commit=commit)

    def login(self, request, user):
        """The rest of the request (its messages, the redirect) is in the person's language."""
        super().login(request, user)
        language = saved_language(user)
        if not language:
            # An account without a saved language keeps the one its person logs in reading,
            # so their mail comes in it until they choose another in the header.
            language = translation.get_language()
            if language in dict(settings.LANGUAGES):
                user_language_set(user=user, language=language)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
