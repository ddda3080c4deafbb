"""The House Guide card in a message thread (registered in ContractsConfig.ready).

The contract card, booking's own, is rendered in contracts/booking/views.py.
"""

from contracts.booking import selectors
from contracts.guides import services as guides


def house_guide_card(*, thread, user, request=None) -> str:
    """The listing's House Guide for the tenant of a signed contract; locked before.

    The host sees the current guide and a link to manage it.
    """
    contracts = selectors.thread_contracts(thread=thread)
    return guides.house_guide_card_render(
        listing=thread.listing, user=user, contracts=contracts, request=request
    )
