"""The rule behind who may open a House Guide (the URLs are walked in test_access_matrix.py)."""

import datetime

import pytest
from django.utils import timezone

from contracts.booking.services import contract_transition, contracts_expire
from contracts.guides.selectors import house_guide_visible_to
from contracts.guides.services import house_guide_upload
from contracts.models import Contract
from tests.accounts.factories import UserFactory
from tests.contracts.builders import listing_near_station, sent_contract, signed_contract
from tests.listings.builders import days
from tests.messaging.builders import pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def expired_contract(**kwargs) -> Contract:
    contract = sent_contract(**kwargs)
    Contract.objects.filter(pk=contract.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    contracts_expire()
    contract.refresh_from_db()
    return contract


@pytest.fixture
def world():
    signed = signed_contract()
    listing = signed.listing
    house_guide_upload(listing=listing, by=signed.host, file=pdf_upload("keys-v1.pdf"))
    house_guide_upload(listing=listing, by=signed.host, file=png_upload("keys-v2.png"))
    sent = sent_contract(listing=listing, move_in=days(200))
    expired = expired_contract(listing=listing, move_in=days(400))
    assert expired.status == Contract.Status.EXPIRED
    return {
        "urls": {
            "signed": signed.pk,
            "sent": sent.pk,
            "expired": expired.pk,
            "listing": listing.pk,
        },
        "users": {
            "anonymous": None,
            "tenant": signed.tenant,
            "host": signed.host,
            "sent_tenant": sent.tenant,
            "expired_tenant": expired.tenant,
            "unrelated": UserFactory(),
            "other_host": listing_near_station().host,
        },
    }


def test_a_host_uploading_to_someone_elses_listing_gets_404_and_nothing_is_saved(client, world):
    listing_pk = world["urls"]["listing"]
    client.force_login(world["users"]["other_host"])

    response = client.post(f"/contracts/house-guides/{listing_pk}/", {"file": pdf_upload()})

    assert response.status_code == 404
    assert Contract.objects.get(pk=world["urls"]["signed"]).listing.house_guides.count() == 2


def test_the_guide_closes_to_the_tenant_once_the_contract_is_cancelled(client):
    contract = signed_contract()
    house_guide_upload(listing=contract.listing, by=contract.host, url="https://example.com/g")
    contract_transition(contract=contract, to=Contract.Status.CANCELLED, by=contract.host)
    client.force_login(contract.tenant)

    assert client.get(f"/contracts/{contract.pk}/house-guide/").status_code == 404


def test_the_guide_closes_to_the_tenant_after_the_move_out_day(client):
    contract = signed_contract()
    house_guide_upload(listing=contract.listing, by=contract.host, url="https://example.com/g")
    url = f"/contracts/{contract.pk}/house-guide/"
    client.force_login(contract.tenant)
    Contract.objects.filter(pk=contract.pk).update(start_date=days(-90), end_date=days(0))
    assert client.get(url).status_code == 302  # the move-out day itself: keys go back

    Contract.objects.filter(pk=contract.pk).update(end_date=days(-1))

    assert client.get(url).status_code == 404


def test_a_signed_tenant_gets_404_while_the_host_has_uploaded_no_guide(client):
    contract = signed_contract()
    client.force_login(contract.tenant)

    assert client.get(f"/contracts/{contract.pk}/house-guide/").status_code == 404


def test_house_guide_visible_to_shows_earlier_versions_to_the_host_only():
    contract = signed_contract()
    listing = contract.listing
    first = house_guide_upload(listing=listing, by=contract.host, file=pdf_upload())
    current = house_guide_upload(listing=listing, by=contract.host, url="https://example.com/g")
    other = sent_contract(listing=listing, move_in=days(200)).tenant

    assert house_guide_visible_to(guide_or_listing=first, user=contract.host)
    assert house_guide_visible_to(guide_or_listing=current, user=contract.host)
    assert house_guide_visible_to(guide_or_listing=current, user=contract.tenant)
    assert house_guide_visible_to(guide_or_listing=listing, user=contract.tenant)
    assert not house_guide_visible_to(guide_or_listing=first, user=contract.tenant)
    assert not house_guide_visible_to(guide_or_listing=current, user=other)
    assert not house_guide_visible_to(guide_or_listing=listing, user=other)
