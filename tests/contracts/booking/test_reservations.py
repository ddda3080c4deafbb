"""A tenant applies for a stay; the host declines with a reason or answers with a contract."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from contracts.booking.services import (
    IllegalTransition,
    Stay,
    reservation_decline,
    reservation_request_create,
    reservation_withdraw,
)
from contracts.models import ReservationRequest
from messaging.models import Message
from privacy.models import Consent, ProvisionRecord
from privacy.services import consent_record
from tests.accounts.factories import UserFactory
from tests.contracts.builders import listing_near_station, reservation, sent_contract
from tests.listings.builders import days

pytestmark = pytest.mark.django_db


def apply(client, listing, **data):
    fields = {
        "move_in": days(30).isoformat(),
        "months": 3,
        "people": 1,
        "message": "",
        "contract_sharing": "on",
    }
    fields.update(data)
    return client.post(f"/contracts/apply/{listing.pk}/", fields)


def test_first_reservation_request_opens_the_thread_and_records_the_sharing_consent(client):
    listing = listing_near_station()
    tenant = UserFactory()
    client.force_login(tenant)

    response = apply(client, listing, message="Two of us, moving for work.", agree="on")

    request = ReservationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == request.thread.get_absolute_url()
    assert (request.tenant, request.host, request.months) == (tenant, listing.host, 3)
    assert Consent.objects.filter(user=tenant, purpose="profile_sharing", granted=True).exists()
    assert ProvisionRecord.objects.filter(person=tenant, recipient=listing.host).exists()
    page = client.get(request.thread.get_absolute_url()).content.decode()
    assert "Reservation request: move in" in page
    assert "Waiting for the host" in page


def test_first_reservation_request_without_the_consent_is_refused_and_keeps_the_answers(client):
    listing = listing_near_station()
    client.force_login(UserFactory())

    response = apply(client, listing, message="Two of us, moving for work.")

    assert response.status_code == 400
    assert "Two of us, moving for work." in response.content.decode()
    assert not ReservationRequest.objects.exists()


def test_host_is_mailed_about_a_reservation_request(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = reservation()

    assert any(
        request.host.email in m.to and "reservation request" in m.subject.lower()
        for m in mail.outbox
    )


@pytest.mark.parametrize(
    ("stay", "message"),
    [
        ({"months": 13}, "Stays at this apartment last 1 to 12 months."),
        ({"people": 3}, "At most 2 people can live in this apartment."),
        ({"move_in": days(-1)}, "The move-in date is in the past."),
    ],
)
def test_a_stay_the_listing_cannot_take_is_refused_with_its_reason(stay, message):
    listing = listing_near_station()
    fields = {"move_in": days(30), "months": 3, "people": 1, **stay}

    with pytest.raises(ValidationError) as refused:
        reservation_request_create(
            tenant=UserFactory(),
            listing=listing,
            stay=Stay(**fields),
            agreed=True,
            contract_sharing=True,
        )

    assert message in refused.value.messages


def test_dates_held_by_a_sent_contract_cannot_be_requested_by_another_tenant():
    contract = sent_contract()

    with pytest.raises(ValidationError) as refused:
        reservation(listing=contract.listing, move_in=contract.start_date)

    assert refused.value.code == "dates_taken"


def test_a_second_open_request_in_the_same_thread_is_refused():
    first = reservation()

    with pytest.raises(ValidationError) as refused:
        reservation(listing=first.listing, tenant=first.tenant, move_in=days(60))

    assert refused.value.code == "duplicate"


def test_host_declines_with_a_reason_that_the_tenant_reads_in_the_thread(client):
    request = reservation()
    client.force_login(request.host)

    response = client.post(
        f"/contracts/requests/{request.pk}/decline/", {"reason": "Booked by a relative."}
    )

    request.refresh_from_db()
    assert response.status_code == 302
    assert request.status == "declined"
    client.force_login(request.tenant)
    assert "Booked by a relative." in client.get(request.thread.get_absolute_url()).content.decode()


def test_declining_without_a_reason_changes_nothing(client):
    request = reservation()
    client.force_login(request.host)

    client.post(f"/contracts/requests/{request.pk}/decline/", {"reason": "  "})

    request.refresh_from_db()
    assert request.status == "open"


def test_tenant_cannot_accept_or_decline_their_own_request():
    request = reservation()

    with pytest.raises(IllegalTransition):
        reservation_decline(reservation=request, by=request.tenant, reason="no")


def test_tenant_withdraws_an_open_request_and_cannot_withdraw_it_twice():
    request = reservation()

    reservation_withdraw(reservation=request, by=request.tenant)

    assert request.status == "withdrawn"
    with pytest.raises(IllegalTransition):
        reservation_withdraw(reservation=request, by=request.tenant)


def test_reservation_notices_do_not_send_message_notifications(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        request = reservation()

    notices = Message.objects.filter(thread=request.thread, kind="notice")
    assert notices.count() == 1
    assert not any("wrote about" in m.body for m in mail.outbox)


def test_apply_page_prefills_the_stay_priced_on_the_listing_page(client):
    listing = listing_near_station()
    client.force_login(UserFactory())

    page = client.get(
        f"/contracts/apply/{listing.pk}/?move_in={days(45).isoformat()}&months=6"
    ).content.decode()

    assert f'value="{days(45).isoformat()}"' in page
    assert 'value="6"' in page


def test_listing_page_apply_button_leads_to_the_reservation_form(client):
    listing = listing_near_station()
    client.force_login(UserFactory())

    page = client.get(listing.get_absolute_url()).content.decode()

    assert f'href="/contracts/apply/{listing.pk}/' in page


def test_host_cannot_apply_for_their_own_listing(client):
    listing = listing_near_station()
    client.force_login(listing.host)

    assert client.get(f"/contracts/apply/{listing.pk}/").status_code == 404


def test_the_decline_form_in_the_thread_card_works_with_csrf_checks_on():
    request = reservation()
    client = Client(enforce_csrf_checks=True)
    client.force_login(request.host)
    page = client.get(request.thread.get_absolute_url()).content.decode()
    form = page[page.index(f'action="/contracts/requests/{request.pk}/decline/"') :]
    token = form.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]

    response = client.post(
        f"/contracts/requests/{request.pk}/decline/",
        {"reason": "Taken by a relative.", "csrfmiddlewaretoken": token},
    )

    request.refresh_from_db()
    assert response.status_code == 302
    assert request.status == "declined"


def test_a_reservation_request_without_the_contract_sharing_consent_is_refused(client):
    listing = listing_near_station()
    client.force_login(UserFactory())

    response = apply(client, listing, agree="on", contract_sharing="", message="Hello there")

    assert response.status_code == 400
    assert "Hello there" in response.content.decode()
    assert not ReservationRequest.objects.exists()


def test_sending_the_contract_records_what_each_party_receives_of_the_other():
    contract = sent_contract()

    to_host = ProvisionRecord.objects.get(
        person=contract.tenant, recipient=contract.host, consent__purpose="contract_sharing"
    )
    to_tenant = ProvisionRecord.objects.get(person=contract.host, recipient=contract.tenant)
    assert to_host.data_items == ["full_name", "email", "phone"]
    assert "listing_exact_address" in to_tenant.data_items
    assert Consent.objects.filter(
        user=contract.host, purpose="contract_sharing", granted=True, source="contract"
    ).exists()


def test_no_contract_is_sent_once_the_tenant_withdrew_the_contract_sharing_consent(client):
    request = reservation()
    consent_record(
        user=request.tenant,
        purpose="contract_sharing",
        granted=False,
        ip=None,
        source="privacy_page",
    )
    client.force_login(request.host)

    response = client.post(f"/contracts/requests/{request.pk}/accept/", follow=True)

    request.refresh_from_db()
    assert "withdrew their consent" in response.content.decode()
    assert request.status == "open"
    assert not request.thread.contracts.exists()
