"""Reads of after-sale support: a request is its opener's and staff's, nobody else's."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from contracts.models import Contract, SupportMessage, SupportRequest


def support_request_get_for_opener(*, user, pk: int) -> SupportRequest:
    """The request if `user` opened it; Http404 for anyone else, the other party included."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        SupportRequest.objects.select_related("contract"), pk=pk, opened_by=user
    )


def support_requests_of(*, contract: Contract, user) -> QuerySet[SupportRequest]:
    """The requests `user` opened about `contract`: the other party's are never listed."""
    return contract.support_requests.filter(opened_by=user)


def support_messages_of(*, support_request: SupportRequest) -> QuerySet[SupportMessage]:
    return support_request.messages.order_by("id")


def support_attachment_get(*, support_request: SupportRequest, pk: int) -> SupportMessage:
    """A message of the request that carries a file; Http404 for any other."""
    return get_object_or_404(support_request.messages.exclude(file=""), pk=pk)
