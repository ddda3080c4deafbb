"""An extension request is reached through its contract, by the party whose step it is."""

import pytest
from django.http import Http404

from contracts.booking.selectors import contract_get_for_tenant
from contracts.changes import selectors
from contracts.changes import services as changes
from tests.accounts.factories import UserFactory
from tests.contracts.builders import signed_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def extension():
    contract = signed_contract(months=2)
    return changes.extension_request(contract=contract, by=contract.tenant, months=1)


def find(helper, extension, user, *, contract_pk=None):
    return helper(user=user, contract_pk=contract_pk or extension.contract_id, pk=extension.pk)


def test_either_party_reads_the_request_and_nobody_else(extension):
    contract = extension.contract

    for party in (contract.tenant, contract.host):
        assert find(selectors.extension_get_for_party, extension, party) == extension
    with pytest.raises(Http404):
        find(selectors.extension_get_for_party, extension, UserFactory())


def test_only_the_host_reaches_the_request_to_answer_it(extension):
    contract = extension.contract

    assert find(selectors.extension_get_for_host, extension, contract.host) == extension
    for someone in (contract.tenant, UserFactory()):
        with pytest.raises(Http404):
            find(selectors.extension_get_for_host, extension, someone)


def test_only_the_tenant_reaches_the_request_to_withdraw_it(extension):
    contract = extension.contract

    assert find(selectors.extension_get_for_tenant, extension, contract.tenant) == extension
    for someone in (contract.host, UserFactory()):
        with pytest.raises(Http404):
            find(selectors.extension_get_for_tenant, extension, someone)


def test_a_request_is_not_found_through_another_contract_of_the_same_host(extension):
    host = extension.contract.host
    other = signed_contract(listing=extension.contract.listing, move_in=extension.new_end_date)

    with pytest.raises(Http404):
        find(selectors.extension_get_for_host, extension, host, contract_pk=other.pk)


def test_only_the_tenant_reaches_the_contract_to_ask_for_more_months(extension):
    contract = extension.contract

    assert contract_get_for_tenant(user=contract.tenant, pk=contract.pk) == contract
    for someone in (contract.host, UserFactory()):
        with pytest.raises(Http404):
            contract_get_for_tenant(user=someone, pk=contract.pk)
