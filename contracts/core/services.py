"""Writes every sub-package of contracts shares: the contract's history, its mail, its steps.

A step of a contract (sent, signed, declined, extended, cancelled …) ends the same
way wherever it happens: the event in the contract's history, a notice in the
thread that links to the contract, and a mail to whom it concerns.
`contract_announce` is that ending, written once.
"""

from collections.abc import Callable, Iterable

from accounts.models import User
from contracts.models import Contract, ContractEvent
from kaguaruoo.mail import mail_send
from messaging import services as messaging


def contract_event_record(
    *, contract: Contract, kind: str, actor: User | None, **detail
) -> ContractEvent:
    return ContractEvent.objects.create(contract=contract, kind=kind, actor=actor, detail=detail)


def contract_mail_send(*, to, template: str, context: dict) -> None:
    """Queue `templates/contracts/emails/<template>.*` to the user `to`.

    Links in the context are paths (`/contracts/12/`); the template prefixes `site_url`.
    """
    mail_send(to=to, template=f"contracts/emails/{template}", context=context)


def contract_other_party(contract: Contract, user: User) -> User:
    """The tenant for the host, the host for the tenant."""
    return contract.host if user.pk == contract.tenant_id else contract.tenant


def contract_announce(
    *,
    contract: Contract,
    kind: str,
    actor: User | None,
    notice: Callable[[], str],
    mail: str,
    to: Iterable[User],
    context: dict | None = None,
    detail: dict | None = None,
    poster: User | None = None,
) -> ContractEvent:
    """Record the step `kind` and tell the parties: a notice in the thread, a mail to each of `to`.

    `notice` gives the notice's text in the active language (see `notice_post`).

    `actor` is the event's actor (None: the system) and, unless `poster` is given,
    who the notice is posted as. The mail `mail` is `templates/contracts/emails/<mail>.*`
    with `{"contract": contract, **context}`.
    """
    event = contract_event_record(contract=contract, kind=kind, actor=actor, **(detail or {}))
    messaging.notice_post(
        thread=contract.thread,
        actor=poster or actor,
        text=notice,
        link=contract.get_absolute_url(),
    )
    for recipient in to:
        contract_mail_send(
            to=recipient, template=mail, context={"contract": contract, **(context or {})}
        )
    return event
