"""Reads of the contracts app. A private object of someone else's is a 404, never a 403."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from contracts.models import Contract, ReservationRequest


def contracts_for_user(*, user) -> QuerySet[Contract]:
    return Contract.objects.filter(Q(tenant=user) | Q(host=user)).select_related(
        "listing", "tenant", "host"
    )


def contract_get_for_party(*, user, pk: int) -> Contract:
    """The contract if `user` is its tenant or host; Http404 for anyone else."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(contracts_for_user(user=user).select_related("thread"), pk=pk)


def reservation_get_for_party(*, user, pk: int) -> ReservationRequest:
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        ReservationRequest.objects.filter(Q(tenant=user) | Q(host=user)).select_related(
            "listing", "tenant", "host", "thread"
        ),
        pk=pk,
    )


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
