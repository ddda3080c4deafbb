"""Reads of reservation requests and contracts. Someone else's private object is a 404, never a 403.

One access helper per role: `..._get_for_party` for the tenant or the host,
`..._get_for_tenant` and `..._get_for_host` for a step only that party takes.
"""

import functools
import operator

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from contracts.models import Contract, ContractEvent, ReservationRequest
from kaguaruoo.roles import PARTIES, Role


def _roles_filter(*, user, roles) -> Q:
    """Rows where `user` holds one of `roles`; a visitor who is not logged in holds none."""
    if not user.is_authenticated:
        raise Http404
    return functools.reduce(operator.or_, (Q(**{str(role): user}) for role in sorted(roles)))


def contracts_for_user(*, user) -> QuerySet[Contract]:
    return Contract.objects.filter(Q(tenant=user) | Q(host=user)).select_related(
        "listing", "tenant", "host"
    )


def _contract_get(*, user, pk: int, roles) -> Contract:
    contracts = Contract.objects.filter(_roles_filter(user=user, roles=roles))
    return get_object_or_404(
        contracts.select_related("listing", "listing__host", "tenant", "host", "thread"), pk=pk
    )


def contract_get_for_party(*, user, pk: int) -> Contract:
    """The contract if `user` is its tenant or host; Http404 for anyone else."""
    return _contract_get(user=user, pk=pk, roles=PARTIES)


def contract_get_for_tenant(*, user, pk: int) -> Contract:
    return _contract_get(user=user, pk=pk, roles={Role.TENANT})


def contract_get_for_host(*, user, pk: int) -> Contract:
    return _contract_get(user=user, pk=pk, roles={Role.HOST})


def _reservation_get(*, user, pk: int, roles) -> ReservationRequest:
    reservations = ReservationRequest.objects.filter(_roles_filter(user=user, roles=roles))
    return get_object_or_404(
        reservations.select_related("listing", "tenant", "host", "thread"), pk=pk
    )


def reservation_get_for_party(*, user, pk: int) -> ReservationRequest:
    return _reservation_get(user=user, pk=pk, roles=PARTIES)


def reservation_get_for_tenant(*, user, pk: int) -> ReservationRequest:
    return _reservation_get(user=user, pk=pk, roles={Role.TENANT})


def reservation_get_for_host(*, user, pk: int) -> ReservationRequest:
    return _reservation_get(user=user, pk=pk, roles={Role.HOST})


def reservations_open_sent(*, user) -> QuerySet[ReservationRequest]:
    """The tenant's requests still waiting for the host's answer."""
    return ReservationRequest.objects.filter(
        tenant=user, status=ReservationRequest.Status.OPEN
    ).select_related("listing", "thread")


def reservations_open_received(*, user) -> QuerySet[ReservationRequest]:
    """The requests waiting for this host's answer."""
    return ReservationRequest.objects.filter(
        host=user, status=ReservationRequest.Status.OPEN
    ).select_related("listing", "tenant", "thread")


def contract_events(*, contract: Contract) -> QuerySet[ContractEvent]:
    return contract.events.select_related("actor")


def signing_code_waiting(*, contract: Contract, user) -> bool:
    """Whether a code mailed to `user` for this contract is still unused and valid."""
    return contract.signing_codes.filter(
        user=user, used_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()


def thread_reservations(*, thread) -> QuerySet[ReservationRequest]:
    return thread.reservation_requests.order_by("-id")


def thread_contracts(*, thread) -> list[Contract]:
    """The thread's contracts, newest first, read once per thread object.

    A thread page asks three times (contact unmasking, the contract card, the
    House Guide card); the list lives on the instance, so only as long as the request.
    """
    if not hasattr(thread, "_contracts_newest_first"):
        thread._contracts_newest_first = list(thread.contracts.order_by("-id"))
    return thread._contracts_newest_first
