"""The House Guide card on the message thread (and the contract page): locked until signing."""

import html

import pytest

from contracts.booking.services import contract_sign
from contracts.guides import views as guides
from contracts.guides.services import house_guide_upload
from contracts.models import Contract
from tests.contracts.builders import code_for, sent_contract, signed_contract
from tests.listings.builders import days
from tests.messaging.builders import pdf_upload

pytestmark = pytest.mark.django_db

LOCKED = "The House Guide unlocks when the contract is signed."
SEED = (
    "After signing the contract, the tenant will be able to see the House Guide on the "
    "message thread."
)


def thread_page(client, contract, user) -> str:
    client.force_login(user)
    response = client.get(f"/messages/{contract.thread_id}/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def sign(contract):
    contract_sign(contract=contract, user=contract.tenant, code=code_for(contract))


def test_the_tenant_sees_a_locked_card_before_signing_and_the_guide_after(client):
    contract = sent_contract()
    house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload("Keys.pdf"))
    guide_link = f'href="/contracts/{contract.pk}/house-guide/"'

    before = thread_page(client, contract, contract.tenant)
    assert LOCKED in before
    assert SEED in before
    assert guide_link not in before
    assert "Keys.pdf" not in before

    sign(contract)
    after = thread_page(client, contract, contract.tenant)

    assert LOCKED not in after
    assert guide_link in after
    assert "Keys.pdf" in after


def test_a_url_guide_opens_only_through_the_logged_link(client):
    contract = signed_contract()
    house_guide_upload(listing=contract.listing, by=contract.host, url="https://example.com/k")

    page = thread_page(client, contract, contract.tenant)

    assert "A web page" in page
    assert "https://example.com/k" not in page
    assert f'href="/contracts/{contract.pk}/house-guide/"' in page


def test_the_signed_tenant_is_told_when_no_guide_is_uploaded_yet(client):
    contract = signed_contract()

    page = thread_page(client, contract, contract.tenant)

    assert "The host has not uploaded a House Guide yet." in page
    assert LOCKED not in page


def test_a_tenant_whose_stay_has_ended_no_longer_sees_the_guide(client):
    contract = signed_contract()
    house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload("Keys.pdf"))
    Contract.objects.filter(pk=contract.pk).update(start_date=days(-90), end_date=days(-1))

    page = thread_page(client, contract, contract.tenant)

    assert "The stay has ended, so the House Guide is no longer shown." in page
    assert "Keys.pdf" not in page


def test_the_host_sees_the_current_guide_and_a_link_to_manage_it(client):
    contract = sent_contract()
    house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload("old.pdf"))
    house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload("new.pdf"))

    page = thread_page(client, contract, contract.host)

    assert "Current version: 2" in page
    assert "new.pdf" in page
    assert f'href="/contracts/house-guides/{contract.listing_id}/2/"' in page
    assert f'href="/contracts/house-guides/{contract.listing_id}/"' in page


def test_the_host_is_told_when_no_guide_is_uploaded(client):
    contract = sent_contract()

    page = thread_page(client, contract, contract.host)

    assert "No House Guide has been uploaded for this listing yet." in page


def test_the_contract_page_section_follows_the_same_rule():
    contract = sent_contract()
    house_guide_upload(listing=contract.listing, by=contract.host, file=pdf_upload("Keys.pdf"))

    assert LOCKED in guides.contract_section(contract=contract, user=contract.tenant)
    sign(contract)
    contract.refresh_from_db()
    unlocked = guides.contract_section(contract=contract, user=contract.tenant)
    assert "Keys.pdf" in unlocked
    assert f"/contracts/{contract.pk}/house-guide/" in unlocked
    for_host = guides.contract_section(contract=contract, user=contract.host)
    assert "Manage the House Guide" in for_host


def test_the_host_page_of_listings_links_to_each_house_guide(client):
    contract = sent_contract()
    client.force_login(contract.host)

    page = client.get("/host/listings/").content.decode()

    assert f'href="/contracts/house-guides/{contract.listing_id}/"' in page


def test_another_tenant_of_the_listing_still_sees_the_locked_card(client):
    signed = signed_contract()
    house_guide_upload(listing=signed.listing, by=signed.host, file=pdf_upload("Keys.pdf"))
    other = sent_contract(listing=signed.listing, move_in=days(200))

    page = thread_page(client, other, other.tenant)

    assert LOCKED in page
    assert "Keys.pdf" not in page
