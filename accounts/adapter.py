from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from kaguaruoo.mail import email_queue

SITE_NAME = "KaguAruoo"


def current_site() -> SimpleNamespace:
    """The site allauth's mails name ("Hello from …"): KaguAruoo, at SITE_URL's host."""
    return SimpleNamespace(name=SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render in the request (it needs the request's site), send from a worker."""
        context = {
            "email": email,
            "request": self.request,
            "current_site": current_site(),
            **context,
        }
        email_queue(message=self.render_mail(template_prefix, email, context))
