from allauth.account.adapter import DefaultAccountAdapter

from kaguaruoo.mail import email_queue


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render in the request (it needs the request's site), send from a worker."""
        context = {"email": email, "request": self.request, **context}
        email_queue(message=self.render_mail(template_prefix, email, context))
