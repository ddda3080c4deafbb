"""The access helpers of booking: each party reaches its own steps, everyone else gets a 404."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from contracts.booking import selectors
from tests.accounts.factories import UserFactory
from tests.contracts.builders import reservation, sent_contract

pytestmark = pytest.mark.django_db

CONTRACT_HELPERS = {
    "party": (selectors.contract_get_for_party, {"tenant", "host"}),
    "tenant": (selectors.contract_get_for_tenant, {"tenant"}),
    "host": (selectors.contract_get_for_host, {"host"}),
}
RESERVATION_HELPERS = {
    "party": (selectors.reservation_get_for_party, {"tenant", "host"}),
    "tenant": (selectors.reservation_get_for_tenant, {"tenant"}),
    "host": (selectors.reservation_get_for_host, {"host"}),
}


def _people(obj) -> dict:
    return {
        "tenant": obj.tenant,
        "host": obj.host,
        "stranger": UserFactory(),
        "anonymous": AnonymousUser(),
    }


@pytest.mark.parametrize("helper", CONTRACT_HELPERS)
def test_a_contract_helper_lets_in_exactly_its_roles(helper):
    get, allowed = CONTRACT_HELPERS[helper]
    contract = sent_contract()

    for who, user in _people(contract).items():
        if who in allowed:
            assert get(user=user, pk=contract.pk) == contract
        else:
            with pytest.raises(Http404):
                get(user=user, pk=contract.pk)


@pytest.mark.parametrize("helper", RESERVATION_HELPERS)
def test_a_reservation_helper_lets_in_exactly_its_roles(helper):
    get, allowed = RESERVATION_HELPERS[helper]
    request = reservation()

    for who, user in _people(request).items():
        if who in allowed:
            assert get(user=user, pk=request.pk) == request
        else:
            with pytest.raises(Http404):
                get(user=user, pk=request.pk)


def test_the_host_cannot_withdraw_the_tenants_request_and_gets_404(client):
    request = reservation()
    client.force_login(request.host)

    response = client.post(f"/contracts/requests/{request.pk}/withdraw/")

    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "open"
