"""Cards the contracts app adds to a message thread (registered in ContractsConfig.ready)."""

from django.template.loader import render_to_string

from contracts.booking import selectors
from contracts.guides import services as guides
from contracts.models import Contract, ReservationRequest


def contract_card(*, thread, user, request=None) -> str:
    """Reservation requests and contracts of the thread, with what this party can do next."""
    reservations = list(selectors.thread_reservations(thread=thread))
    open_reservations = [r for r in reservations if r.status == ReservationRequest.Status.OPEN]
    contracts = list(selectors.thread_contracts(thread=thread))
    if not reservations and not contracts:
        return ""
    return render_to_string(
        "contracts/partials/thread_contract_card.html",
        {
            "thread": thread,
            "is_host": user.pk == thread.host_id,
            "open_reservations": open_reservations,
            "contracts": contracts,
            "SENT": Contract.Status.SENT,
        },
        request=request,
    )


def house_guide_card(*, thread, user, request=None) -> str:
    """The listing's House Guide for the tenant of a signed contract; locked before.

    The host sees the current guide and a link to manage it.
    """
    contracts = selectors.thread_contracts(thread=thread)
    return guides.house_guide_card_render(
        listing=thread.listing, user=user, contracts=contracts, request=request
    )
