"""The contract pages cost the same few queries however long the stay and its history."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.changes import services as changes
from contracts.guides.services import house_guide_upload
from messaging.services import message_post
from tests.contracts.builders import listing_near_station, reservation, signed_contract
from tests.contracts.stays import first_of_month_after, paid
from tests.messaging.builders import pdf_upload

pytestmark = pytest.mark.django_db


def stay(months: int):
    contract = signed_contract(move_in=first_of_month_after(20), months=months)
    house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload())
    paid(contract.payments.get(sequence=1))
    changes.extension_request(contract=contract, by=contract.tenant, months=1, message="")
    for n in range(months):
        message_post(thread=contract.thread, sender=contract.tenant, body=f"#{n}", notify=False)
    return contract


def queries_for(client, path) -> int:
    """Queries of one request from an empty cache (the header's unread count and the
    policy notice are kept in it after the first page)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("party", ["tenant", "host"])
def test_the_contract_page_costs_the_same_for_a_long_stay_as_for_a_short_one(client, party):
    short, long = stay(2), stay(11)

    counts = []
    for contract in (short, long):
        client.force_login(getattr(contract, party))
        counts.append(queries_for(client, contract.get_absolute_url()))

    assert counts[0] == counts[1]
    assert counts[1] <= 16


def test_the_thread_page_of_a_signed_stay_costs_the_same_however_long_the_history(client):
    short, long = stay(2), stay(11)

    counts = []
    for contract in (short, long):
        client.force_login(contract.tenant)
        counts.append(queries_for(client, contract.thread.get_absolute_url()))

    assert counts[0] == counts[1]
    assert counts[1] <= 15


def test_the_contracts_list_costs_the_same_for_one_contract_as_for_many(client):
    first = signed_contract()
    client.force_login(first.host)
    one = queries_for(client, "/contracts/")
    for _ in range(5):
        signed_contract(listing=listing_near_station(host=first.host))

    assert queries_for(client, "/contracts/") == one


def test_the_contracts_list_costs_the_same_for_one_open_request_as_for_many(client):
    first = reservation()
    client.force_login(first.tenant)
    one = queries_for(client, "/contracts/")
    for _ in range(4):
        reservation(tenant=first.tenant)

    assert queries_for(client, "/contracts/") == one
