import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging.models import DeliveryRequest, NotificationPreference, Thread
from messaging.services import delivery_request_create, message_post
from tests.accounts.factories import UserFactory
from tests.listings.builders import days
from tests.messaging.builders import listing_near_station, pdf_upload, png_upload, start_thread

pytestmark = pytest.mark.django_db


def inquiry_data(**overrides):
    data = {
        "move_in": days(30).isoformat(),
        "months": "3",
        "people": "1",
        "body": "Could you send the floor plan?",
        "agree": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_listing_page_links_request_materials_to_the_inquiry_form(client):
    listing = listing_near_station()

    page = client.get(listing.get_absolute_url()).content.decode()

    assert f'href="/messages/inquire/{listing.pk}/"' in page


def test_the_inquiry_form_names_what_the_host_will_see(client):
    listing = listing_near_station()
    tenant = UserFactory(last_name="Morgan")
    client.force_login(tenant)

    page = client.get(f"/messages/inquire/{listing.pk}/").content.decode()

    assert "What the host will see" in page
    assert "Morgan" in page
    assert "My full name" in page
    assert "My phone number" in page
    assert "I agree that KaguAruoo passes the information above to the host." in page


def test_a_tenant_requests_materials_and_lands_in_the_new_thread(client):
    listing = listing_near_station()
    client.force_login(UserFactory())

    response = client.post(
        f"/messages/inquire/{listing.pk}/", inquiry_data(share_phone="on"), follow=True
    )

    thread = Thread.objects.get()
    assert response.redirect_chain[-1][0] == f"/messages/{thread.pk}/"
    assert "Your inquiry was sent to the host." in response.content.decode()
    assert thread.shared_fields == ["public_name", "inquiry", "phone"]
    assert thread.sharing_ip == "127.0.0.1"


def test_without_the_agreement_no_inquiry_is_sent(client):
    listing = listing_near_station()
    client.force_login(UserFactory())

    response = client.post(f"/messages/inquire/{listing.pk}/", inquiry_data(agree=None))

    assert response.status_code == 200
    assert not Thread.objects.exists()


def test_the_inquiry_respects_the_listings_stay_and_occupants(client):
    listing = listing_near_station(min_months=2, max_months=6, max_occupants=2)
    client.force_login(UserFactory())

    response = client.post(f"/messages/inquire/{listing.pk}/", inquiry_data(months="1", people="3"))

    page = response.content.decode()
    assert "This listing takes stays of 2 to 6 months." in page
    assert "At most 2 people can live here." in page
    assert not Thread.objects.exists()


def test_a_second_request_on_the_same_listing_opens_the_existing_thread(client):
    thread = start_thread()
    client.force_login(thread.tenant)

    response = client.get(f"/messages/inquire/{thread.listing.pk}/")

    assert response["Location"] == f"/messages/{thread.pk}/"


def test_the_host_cannot_inquire_about_their_own_listing(client):
    listing = listing_near_station()
    client.force_login(listing.host)

    assert client.get(f"/messages/inquire/{listing.pk}/").status_code == 404


def test_the_host_sees_only_the_fields_the_tenant_agreed_to_share(client):
    tenant = UserFactory(first_name="Alex", last_name="Morgan", phone="080-9999-0000")
    thread = start_thread(tenant=tenant, share=["full_name"])
    client.force_login(thread.host)

    page = client.get(f"/messages/{thread.pk}/").content.decode()

    assert "Alex Morgan" in page
    assert "080-9999-0000" not in page
    assert tenant.email not in page


def test_contact_details_are_masked_for_the_other_party_and_shown_to_the_writer(client):
    thread = start_thread(body="Reach me at alex@example.org or ０９０－１１１１－２２２２")

    client.force_login(thread.host)
    host_page = client.get(f"/messages/{thread.pk}/").content.decode()
    client.force_login(thread.tenant)
    tenant_page = client.get(f"/messages/{thread.pk}/").content.decode()

    assert "alex@example.org" not in host_page
    assert "０９０－１１１１－２２２２" not in host_page
    assert "[email hidden]" in host_page
    assert "[phone number hidden]" in host_page
    assert "alex@example.org" in tenant_page


def test_contact_details_in_a_delivery_request_are_masked_for_the_host(client):
    thread = start_thread()
    delivery_request_create(
        thread=thread,
        by=thread.tenant,
        delivery_date=days(31),
        item="Desk, call 090-5555-6666",
        carrier="Sagawa, driver at taro@example.jp",
    )
    client.force_login(thread.host)

    page = client.get(f"/messages/{thread.pk}/").content.decode()

    assert "090-5555-6666" not in page
    assert "taro@example.jp" not in page
    assert "Desk, call [phone number hidden]" in page


def test_the_thread_shows_the_listing_card_and_the_take_it_easy_style(client):
    thread = start_thread(style="easy")
    client.force_login(thread.tenant)

    page = client.get(f"/messages/{thread.pk}/").content.decode()

    assert thread.listing.title in page
    assert "Take it easy!" in page
    assert "The host is happy to communicate in whatever way suits you." in page
    assert "The host may decline delivery requests." in page
    assert thread.listing.street not in page
    assert thread.listing.building not in page


def test_each_side_reads_the_communication_style_help_written_for_it(client):
    thread = start_thread(style="easy")

    client.force_login(thread.tenant)
    tenant_page = client.get(f"/messages/{thread.pk}/").content.decode()
    listing_page = client.get(thread.listing.get_absolute_url()).content.decode()
    client.force_login(thread.host)
    host_page = client.get(f"/messages/{thread.pk}/").content.decode()

    for page in (tenant_page, listing_page):
        assert "The host may decline delivery requests." in page
        assert "You can reject delivery request." not in page
    assert "You can communicate with guests as you like." in host_page
    assert "You can reject delivery request." in host_page
    assert "The host may decline delivery requests." not in host_page


def test_opening_a_thread_clears_its_unread_badge(client):
    thread = start_thread()
    client.force_login(thread.host)

    assert 'data-testid="unread-count"' in client.get("/messages/").content.decode()
    client.get(f"/messages/{thread.pk}/")
    assert 'data-testid="unread-count"' not in client.get("/messages/").content.decode()


def test_a_reply_with_an_image_is_stored_and_downloadable_by_both_parties(client):
    thread = start_thread()
    client.force_login(thread.host)

    response = client.post(
        f"/messages/{thread.pk}/post/", {"body": "Here is the room", "attachment": png_upload()}
    )

    assert response.status_code == 302
    attachment = thread.messages.last().attachments.get()
    download = client.get(attachment.get_absolute_url())
    assert download["Content-Type"] == "image/png"
    client.force_login(thread.tenant)
    assert client.get(attachment.get_absolute_url()).status_code == 200


def test_a_text_file_named_pdf_is_refused_with_a_message(client):
    thread = start_thread()
    client.force_login(thread.host)
    fake = SimpleUploadedFile("plan.pdf", b"plain text", content_type="application/pdf")

    response = client.post(f"/messages/{thread.pk}/post/", {"body": "", "attachment": fake})

    assert response.status_code == 400
    assert "Attach a PDF or an image" in response.content.decode()
    assert thread.messages.count() == 1


def test_an_11_mb_upload_is_refused_with_a_message(client):
    thread = start_thread()
    client.force_login(thread.host)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024))

    response = client.post(f"/messages/{thread.pk}/post/", {"body": "big", "attachment": big})

    assert response.status_code == 400
    assert "larger than 10 MB" in response.content.decode()


def test_an_attachment_of_another_thread_is_a_404_even_for_a_party(client):
    thread = start_thread()
    other = start_thread(tenant=thread.tenant)
    message = message_post(thread=other, sender=other.host, body="x", attachment=pdf_upload())
    client.force_login(thread.tenant)

    url = f"/messages/{thread.pk}/attachments/{message.attachments.get().pk}/"

    assert client.get(url).status_code == 404


def test_delivery_request_through_the_thread_accepted_by_the_host(client):
    thread = start_thread(style="easy")
    client.force_login(thread.tenant)

    client.post(
        f"/messages/{thread.pk}/deliveries/new/",
        {"delivery_date": days(31).isoformat(), "item": "A futon", "carrier": "Japan Post"},
    )
    delivery = DeliveryRequest.objects.get()
    client.force_login(thread.host)
    page = client.get(f"/messages/{thread.pk}/").content.decode()
    assert "A futon" in page
    assert "Accept delivery" in page

    client.post(f"/messages/{thread.pk}/deliveries/{delivery.pk}/accept/")

    delivery.refresh_from_db()
    assert delivery.status == DeliveryRequest.Status.ACCEPTED


def test_rejecting_a_delivery_without_a_reason_changes_nothing(client):
    thread = start_thread()
    delivery = delivery_request_create(
        thread=thread, by=thread.tenant, delivery_date=days(31), item="A sofa"
    )
    client.force_login(thread.host)

    response = client.post(
        f"/messages/{thread.pk}/deliveries/{delivery.pk}/reject/", {"reason": ""}, follow=True
    )

    assert "Give the tenant a reason for the rejection." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryRequest.Status.PENDING


def test_the_tenant_cannot_accept_their_own_delivery_request(client):
    thread = start_thread()
    delivery = delivery_request_create(
        thread=thread, by=thread.tenant, delivery_date=days(31), item="A sofa"
    )
    client.force_login(thread.tenant)

    response = client.post(f"/messages/{thread.pk}/deliveries/{delivery.pk}/accept/", follow=True)

    assert "cannot be changed that way" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryRequest.Status.PENDING


def test_a_user_turns_message_mail_off_from_the_messages_page(client):
    user = UserFactory()
    client.force_login(user)

    assert 'href="/messages/settings/"' in client.get("/messages/").content.decode()
    client.post("/messages/settings/", {})

    assert NotificationPreference.objects.get(user=user).email_on_message is False


@pytest.mark.parametrize(
    ("reason", "explained"),
    [
        ("Too big\x00for the door", "Null characters are not allowed."),
        ("x" * 10_000, "Ensure this value has at most 1000 characters (it has 10000)."),
    ],
)
def test_a_rejection_reason_with_a_nul_byte_or_too_long_is_refused_with_its_reason(
    client, reason, explained
):
    thread = start_thread()
    delivery = delivery_request_create(
        thread=thread, by=thread.tenant, delivery_date=days(31), item="A sofa"
    )
    messages_before = thread.messages.count()
    client.force_login(thread.host)

    response = client.post(
        f"/messages/{thread.pk}/deliveries/{delivery.pk}/reject/", {"reason": reason}
    )

    assert response.status_code == 400
    assert explained in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryRequest.Status.PENDING
    assert thread.messages.count() == messages_before
