"""Reads of a contract's changes, and the access to each: someone else's is a 404, never a 403.

An extension request is reached through its contract (both ids are in its URL), so
a request of another contract is not found through this one.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from contracts.booking.selectors import contract_get_for_party
from contracts.models import Contract, ExtensionRequest, Payment


def extension_get_for_party(*, user, contract_pk: int, pk: int) -> ExtensionRequest:
    """An extension request of a contract whose tenant or host `user` is; Http404 otherwise."""
    contract = contract_get_for_party(user=user, pk=contract_pk)
    extension = get_object_or_404(contract.extensions, pk=pk)
    extension.contract = contract
    return extension


def extension_get_for_host(*, user, contract_pk: int, pk: int) -> ExtensionRequest:
    """The request, for its contract's host, who answers it; Http404 for anyone else."""
    extension = extension_get_for_party(user=user, contract_pk=contract_pk, pk=pk)
    if extension.contract.host_id != user.pk:
        raise Http404
    return extension


def extension_get_for_tenant(*, user, contract_pk: int, pk: int) -> ExtensionRequest:
    """The request, for its contract's tenant, who may withdraw it; Http404 for anyone else."""
    extension = extension_get_for_party(user=user, contract_pk=contract_pk, pk=pk)
    if extension.contract.tenant_id != user.pk:
        raise Http404
    return extension


def extensions_of(*, contract: Contract) -> QuerySet[ExtensionRequest]:
    """The contract's extension requests, newest first, with who asked."""
    return contract.extensions.select_related("requested_by")


def cancellation_payment(*, contract: Contract) -> Payment | None:
    """The payment a cancellation left the tenant to make, if any."""
    return contract.payments.filter(kind=Payment.Kind.CANCELLATION).first()
