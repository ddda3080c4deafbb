"""Mail about a contract: rendered from templates/contracts/emails/, sent by Celery on commit."""

from kaguaruoo.mail import mail_send


def contract_mail_send(*, to, template: str, context: dict) -> None:
    """Queue `templates/contracts/emails/<template>.*` to the user `to`.

    Links in the context are paths (`/contracts/12/`); the template prefixes `site_url`.
    """
    mail_send(to=to, template=f"contracts/emails/{template}", context=context)
