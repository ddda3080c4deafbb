import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from kaguaruoo.transitions import IllegalTransition
from messaging.models import DeliveryRequest, Message, Thread
from messaging.selectors import unread_message_count
from messaging.services import (
    Inquiry,
    delivery_request_create,
    delivery_request_transition,
    message_post,
    thread_contact_unmasked,
    thread_mark_read,
    thread_start,
)
from tests.accounts.factories import UserFactory
from tests.listings.builders import days
from tests.messaging.builders import listing_near_station, start_thread

pytestmark = pytest.mark.django_db


def test_an_inquiry_opens_a_thread_with_the_answers_and_the_agreed_fields():
    thread = start_thread(body="Can I see the floor plan?", share=["phone"])

    assert thread.host == thread.listing.host
    assert thread.months == 3
    assert thread.shared_fields == ["public_name", "inquiry", "phone"]
    assert thread.sharing_agreed_at is not None
    assert thread.sharing_ip == "203.0.113.7"
    assert [m.body for m in thread.messages.all()] == ["Can I see the floor plan?"]


def test_a_first_inquiry_to_a_host_needs_the_sharing_agreement():
    listing = listing_near_station()

    with pytest.raises(ValidationError):
        thread_start(
            tenant=UserFactory(),
            listing=listing,
            inquiry=Inquiry(move_in=days(30), months=3, people=1, body="Hi"),
            optional_fields=[],
            agreed=False,
            ip=None,
        )
    assert not Thread.objects.exists()


def test_a_later_inquiry_to_the_same_host_goes_under_the_earlier_agreement():
    first = start_thread(share=["full_name"])
    other_listing = listing_near_station(host=first.host)

    second = thread_start(
        tenant=first.tenant,
        listing=other_listing,
        inquiry=Inquiry(move_in=days(40), months=2, people=2, body="And this one?"),
        optional_fields=[],
        agreed=False,
        ip=None,
    )

    assert second.shared_fields == ["public_name", "inquiry", "full_name"]
    assert second.sharing_agreed_at == first.sharing_agreed_at


def test_a_tenant_has_one_thread_per_listing():
    thread = start_thread()

    with pytest.raises(ValidationError):
        start_thread(listing=thread.listing, tenant=thread.tenant)
    with pytest.raises(IntegrityError):
        Thread.objects.create(
            listing=thread.listing,
            tenant=thread.tenant,
            host=thread.host,
            move_in=days(3),
            months=1,
            people=1,
        )


def test_a_host_cannot_inquire_about_their_own_listing():
    listing = listing_near_station()

    with pytest.raises(ValidationError):
        start_thread(listing=listing, tenant=listing.host)


def test_only_the_parties_may_post():
    thread = start_thread()

    with pytest.raises(PermissionDenied):
        message_post(thread=thread, sender=UserFactory(), body="Hello")


def test_unread_counts_follow_what_each_party_has_read():
    thread = start_thread()
    message_post(thread=thread, sender=thread.tenant, body="And a second question")

    assert unread_message_count(user=thread.host) == 2
    assert unread_message_count(user=thread.tenant) == 0

    thread_mark_read(thread=thread, user=thread.host)
    message_post(thread=thread, sender=thread.host, body="Answer")

    assert unread_message_count(user=thread.host) == 0
    assert unread_message_count(user=thread.tenant) == 1


def test_contact_details_stay_masked_until_the_contracts_app_says_otherwise():
    assert thread_contact_unmasked(start_thread()) is False


def test_the_original_text_is_stored_as_typed():
    thread = start_thread(body="Call me on 090-1111-2222 or taro@example.com")

    assert Message.objects.get(thread=thread).body == "Call me on 090-1111-2222 or taro@example.com"


@pytest.fixture
def delivery():
    thread = start_thread(style="easy")
    return delivery_request_create(
        thread=thread, by=thread.tenant, delivery_date=days(35), item="A bed", carrier="Sagawa"
    )


def test_a_tenant_asks_for_a_delivery_and_the_host_accepts(delivery):
    accepted = delivery_request_transition(
        delivery=delivery, by=delivery.thread.host, to=DeliveryRequest.Status.ACCEPTED
    )

    assert accepted.status == DeliveryRequest.Status.ACCEPTED
    assert accepted.decided_at is not None
    assert accepted.decision_message.kind == Message.Kind.DELIVERY_DECISION


def test_a_rejection_needs_a_reason(delivery):
    with pytest.raises(ValidationError):
        delivery_request_transition(
            delivery=delivery, by=delivery.thread.host, to=DeliveryRequest.Status.REJECTED
        )

    rejected = delivery_request_transition(
        delivery=delivery,
        by=delivery.thread.host,
        to=DeliveryRequest.Status.REJECTED,
        reason="Nobody is at the building that week.",
    )
    assert rejected.reason == "Nobody is at the building that week."


@pytest.mark.parametrize(
    ("who", "to"),
    [
        ("tenant", DeliveryRequest.Status.ACCEPTED),
        ("tenant", DeliveryRequest.Status.REJECTED),
        ("host", DeliveryRequest.Status.CANCELLED),
        ("stranger", DeliveryRequest.Status.ACCEPTED),
        ("host", DeliveryRequest.Status.PENDING),
    ],
)
def test_moves_outside_the_transition_table_raise(delivery, who, to):
    by = {"tenant": delivery.thread.tenant, "host": delivery.thread.host}.get(who) or UserFactory()

    with pytest.raises(IllegalTransition):
        delivery_request_transition(delivery=delivery, by=by, to=to, reason="because")

    delivery.refresh_from_db()
    assert delivery.status == DeliveryRequest.Status.PENDING


def test_a_decided_request_cannot_be_decided_again(delivery):
    host = delivery.thread.host
    delivery_request_transition(delivery=delivery, by=host, to=DeliveryRequest.Status.ACCEPTED)

    with pytest.raises(IllegalTransition):
        delivery_request_transition(
            delivery=delivery, by=host, to=DeliveryRequest.Status.REJECTED, reason="Changed mind"
        )
    with pytest.raises(IllegalTransition):
        delivery_request_transition(
            delivery=delivery, by=delivery.thread.tenant, to=DeliveryRequest.Status.CANCELLED
        )


def test_only_the_tenant_asks_for_deliveries_and_not_for_past_dates():
    thread = start_thread()

    with pytest.raises(PermissionDenied):
        delivery_request_create(thread=thread, by=thread.host, delivery_date=days(5), item="Box")
    with pytest.raises(ValidationError):
        delivery_request_create(thread=thread, by=thread.tenant, delivery_date=days(-1), item="Box")
