"""Support requests opened through the service, as a party does from the contract page."""

from django.conf import settings
from django.core import mail

from contracts.support.services import support_request_open
from tests.contracts.builders import signed_contract

ADMIN_LIST = "/admin/contracts/supportrequest/"


def open_request(
    *,
    contract=None,
    by=None,
    category="keys",
    subject="The key box code does not work",
    body="The code from the House Guide does not open the key box.",
    attachment=None,
):
    contract = contract or signed_contract()
    return support_request_open(
        contract=contract,
        by=by or contract.tenant,
        category=category,
        subject=subject,
        body=body,
        attachment=attachment,
    )


def change_url(support_request) -> str:
    return f"{ADMIN_LIST}{support_request.pk}/change/"


def admin_change(client, support_request, **fields):
    """Post the admin change page as the browser does, with the messages' management form."""
    page = client.get(change_url(support_request))
    [inline] = page.context["inline_admin_formsets"]
    management = inline.formset.management_form
    data = {management.add_prefix(name): value for name, value in management.initial.items()}
    return client.post(change_url(support_request), {**data, **fields})


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def staff_mails() -> list:
    return mails_to(settings.SUPPORT_EMAIL)
