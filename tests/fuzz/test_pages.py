"""Generated input at the site's forms: never a 500, and a refused form saves nothing.

A form that is refused answers without redirecting (the form again, with its errors);
one that is accepted redirects. After a refusal the rows the form could have made and
the files on the store are counted again, and must be what they were.
"""

import datetime

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from contracts.models import Contract, ContractEvent, ReservationRequest
from listings.models import Listing, ListingItem, ListingStation
from messaging.models import Attachment, DeliveryRequest, Message, Thread
from messaging.services import delivery_request_create
from privacy.models import PrivacyRequest
from tests.accounts.factories import UserFactory
from tests.contracts.builders import sent_contract
from tests.fuzz.conftest import (
    assert_no_server_error,
    assert_nothing_saved,
    form_data,
    fuzz_settings,
    junk_text,
    snapshot,
    uploads,
)
from tests.listings.builders import days, identity_verified, listing_fields, listing_near_station
from tests.messaging.builders import start_thread
from tests.privacy.helpers import sign_in

# Generated inputs run in CI's PostgreSQL pass (where a NUL byte or an odd shape reaches
# the production database engine), not again on SQLite.
pytestmark = [pytest.mark.django_db, pytest.mark.integration]

# How many requests each test sends (1,075 in all with the uploads and the webhook).
# The host listing form's page costs the most to render, so it gets fewer.
EXAMPLES = {
    "search": 150,
    "host listing form": 50,
    "inquiries": 100,
    "messages": 75,
    "delivery rejection": 50,
    "reservations": 75,
    "signing": 75,
    "privacy requests": 75,
}

SEARCH_FIELDS = {
    "q": "渋谷",
    "prefecture": "東京都",
    "city": "渋谷区",
    "station": "渋谷",
    "walk": "10",
    "rent_min": "50000",
    "rent_max": "150000",
    "built_within": "10",
    "area_min": "20.5",
    "area_max": "40",
    "move_in": "2027-01-10",
    "months": "3",
    "layout": "1K",
    "items": "bed",
    "viewing": "on",
    "sort": "rent",
    "page": "2",
}


def refused(response) -> bool:
    return response.status_code != 302


@pytest.fixture
def listing(media):
    return listing_near_station()


@given(query=form_data(SEARCH_FIELDS))
@fuzz_settings(EXAMPLES["search"])
def test_search_answers_any_query_string(client, listing, query):
    response = client.get("/listings/", query)

    assert_no_server_error(response)


def _listing_form_valid() -> dict:
    fields = listing_fields()
    fields["available_from"] = fields["available_from"].isoformat()
    return {name: "" if value is None else str(value) for name, value in fields.items()}


@pytest.fixture
def host(client, db):
    client.force_login(identity_verified(UserFactory(is_host=True)))


@given(data=form_data(_listing_form_valid()))
@fuzz_settings(EXAMPLES["host listing form"])
def test_the_host_listing_form_refuses_bad_fields_and_saves_nothing(client, host, media, data):
    models = [Listing, ListingStation, ListingItem]
    before = snapshot(models, media)

    response = client.post("/host/listings/new/", data)

    assert_no_server_error(response)
    if refused(response):
        assert_nothing_saved(before, snapshot(models, media))


INQUIRY_FIELDS = {
    "move_in": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    "months": "3",
    "people": "1",
    "body": "Is the flat still free?",
    "agree": "on",
    "share_full_name": "on",
    "share_phone": "",
}


@pytest.fixture
def tenant(client, db):
    # One tenant for every request: the few accepted inquiries are answered with a
    # redirect to the thread from then on, and the refused ones still reach the form.
    client.force_login(identity_verified(UserFactory()))


@given(data=form_data(INQUIRY_FIELDS))
@fuzz_settings(EXAMPLES["inquiries"])
def test_an_inquiry_with_bad_fields_is_refused_and_saves_nothing(
    client, listing, tenant, media, data
):
    models = [Thread, Message]
    before = snapshot(models, media)

    response = client.post(f"/messages/inquire/{listing.pk}/", data)

    assert_no_server_error(response)
    if refused(response):
        assert_nothing_saved(before, snapshot(models, media))


@pytest.fixture
def thread(client, media):
    thread = start_thread()
    client.force_login(thread.tenant)
    return thread


@given(body=junk_text, attachment=st.none() | uploads)
@fuzz_settings(EXAMPLES["messages"])
def test_a_message_with_bad_text_or_file_is_refused_and_saves_nothing(
    client, thread, media, body, attachment
):
    models = [Message, Attachment]
    before = snapshot(models, media)
    data = {"body": body} | ({"attachment": attachment} if attachment else {})

    response = client.post(f"/messages/{thread.pk}/post/", data)

    assert_no_server_error(response)
    if refused(response):
        assert_nothing_saved(before, snapshot(models, media))


@pytest.fixture
def thread_for_host(client, media):
    thread = start_thread()
    client.force_login(thread.host)
    return thread


@given(reason=junk_text)
@fuzz_settings(EXAMPLES["delivery rejection"])
def test_a_delivery_rejection_with_a_bad_reason_changes_nothing(
    client, thread_for_host, media, reason
):
    thread = thread_for_host
    delivery = DeliveryRequest.objects.filter(
        thread=thread, status=DeliveryRequest.Status.PENDING
    ).first() or delivery_request_create(
        thread=thread, by=thread.tenant, delivery_date=days(31), item="A sofa"
    )
    models = [Message, DeliveryRequest]
    before = snapshot(models, media)

    response = client.post(
        f"/messages/{thread.pk}/deliveries/{delivery.pk}/reject/", {"reason": reason}
    )

    assert_no_server_error(response)
    delivery.refresh_from_db()
    if delivery.status == DeliveryRequest.Status.PENDING:
        assert_nothing_saved(before, snapshot(models, media))


RESERVATION_FIELDS = {
    "move_in": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    "months": "3",
    "people": "1",
    "message": "We are two.",
    "agree": "on",
    "contract_sharing": "on",
}


@given(data=form_data(RESERVATION_FIELDS))
@fuzz_settings(EXAMPLES["reservations"])
def test_a_reservation_request_with_bad_fields_is_refused_and_saves_nothing(
    client, listing, tenant, media, data
):
    models = [ReservationRequest, Thread, Message]
    before = snapshot(models, media)

    response = client.post(f"/contracts/apply/{listing.pk}/", data)

    assert_no_server_error(response)
    if refused(response):
        assert_nothing_saved(before, snapshot(models, media))


@pytest.fixture
def contract(client, media):
    contract = sent_contract()
    client.force_login(contract.tenant)
    return contract


@given(code=junk_text | st.integers(0, 999_999).map(lambda n: f"{n:06d}"))
@fuzz_settings(EXAMPLES["signing"])
def test_a_wrong_or_malformed_signing_code_signs_nothing(client, contract, media, code):
    models = [ContractEvent]
    before = snapshot(models, media)

    response = client.post(f"/contracts/{contract.pk}/sign/", {"code": code})

    assert_no_server_error(response)
    assert response.status_code == 400
    assert Contract.objects.get(pk=contract.pk).status == contract.status
    assert_nothing_saved(before, snapshot(models, media))


PRIVACY_FIELDS = {
    "kind": "revision",
    "details": "Please correct my name.",
    "correct_field": "accounts.first_name",
    "correct_value": "Hanako",
}


@pytest.fixture
def signed_in(client, db):
    sign_in(client, UserFactory())
    return client


@given(data=form_data(PRIVACY_FIELDS))
@fuzz_settings(EXAMPLES["privacy requests"])
def test_a_privacy_request_with_bad_fields_is_refused_and_saves_nothing(signed_in, media, data):
    models = [PrivacyRequest]
    before = snapshot(models, media)

    response = signed_in.post("/privacy/requests/new/", data)

    assert_no_server_error(response)
    if refused(response):
        assert_nothing_saved(before, snapshot(models, media))
