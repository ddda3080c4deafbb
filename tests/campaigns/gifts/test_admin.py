"""Staff find and ship gifts in admin: privacy officers only, every look and change audited."""

import pytest
from django.core import mail

from campaigns.gifts.models import GiftShipment
from privacy.models import StaffAuditLog
from tests.campaigns.gifts.builders import (
    address_given,
    chosen_shipment,
    gift_campaign,
    shipped_shipment,
)
from tests.privacy.helpers import staff_signed_in

pytestmark = pytest.mark.django_db

LIST = "/admin/campaigns/giftshipment/"


def change_url(shipment) -> str:
    return f"{LIST}{shipment.pk}/change/"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status__exact=shipped",
        "?carrier__exact=yamato",
        "?campaign__id__exact={campaign}",
        "?status__exact=preparing&carrier__exact=sagawa&campaign__id__exact={campaign}",
    ],
)
def test_the_shipment_filters_render(officer_client, query):
    shipment = shipped_shipment()
    chosen_shipment(campaign=gift_campaign(subject_en="A calendar"))

    response = officer_client.get(LIST + query.format(campaign=shipment.campaign_id))

    assert response.status_code == 200
    for title in ["campaign", "status", "carrier"]:
        assert f'data-filter-title="{title}"' in response.text


def test_filtering_by_state_and_carrier_lists_the_matching_shipments(officer_client):
    shipped = shipped_shipment()
    waiting = chosen_shipment(campaign=shipped.campaign)

    page = officer_client.get(LIST + "?status__exact=shipped&carrier__exact=yamato").text

    assert shipped.user.email in page
    assert waiting.user.email not in page


@pytest.mark.parametrize("search", ["email", "tracking"])
def test_staff_search_by_email_and_tracking_number(officer_client, search):
    shipped = shipped_shipment()
    other = chosen_shipment(campaign=gift_campaign())
    term = shipped.user.email if search == "email" else shipped.tracking_number

    page = officer_client.get(LIST, {"q": term}).text

    assert shipped.user.email in page
    assert other.user.email not in page


def test_viewing_a_shipment_is_an_audited_look(officer_client):
    shipment = shipped_shipment()

    page = officer_client.get(change_url(shipment)).text

    assert "03-1234-5678" in page
    assert StaffAuditLog.objects.filter(
        action="view",
        model="campaigns.GiftShipment",
        object_id=str(shipment.pk),
        person=shipment.user,
        staff=officer_client.officer,
    ).exists()
    assert StaffAuditLog.objects.filter(action="view", model="campaigns.GiftShipment").count() == 1


def test_staff_outside_the_privacy_officers_cannot_see_shipments(client):
    shipment = shipped_shipment()
    staff_signed_in(client)

    assert client.get(LIST).status_code == 403
    assert client.get(change_url(shipment)).status_code == 403


def test_staff_mark_a_gift_shipped_in_admin(officer_client, django_capture_on_commit_callbacks):
    shipment = address_given(chosen_shipment())
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            change_url(shipment),
            {"move": "shipped", "ship_carrier": "sagawa", "ship_tracking": "3600-0000-1111"},
        )

    assert response.status_code == 302
    shipment.refresh_from_db()
    assert (shipment.status, shipment.carrier, shipment.tracking_number) == (
        "shipped",
        "sagawa",
        "3600-0000-1111",
    )
    [sent] = mail.outbox
    assert "3600-0000-1111" in sent.body
    assert StaffAuditLog.objects.filter(
        action="change", model="campaigns.GiftShipment", object_id=str(shipment.pk)
    ).exists()


def test_shipped_without_carrier_and_tracking_is_a_form_error(officer_client):
    shipment = address_given(chosen_shipment())

    response = officer_client.post(
        change_url(shipment), {"move": "shipped", "ship_carrier": "", "ship_tracking": ""}
    )

    assert response.status_code == 200
    assert "Choose the carrier of the parcel." in response.text
    assert "Give the parcel&#x27;s tracking number." in response.text
    shipment.refresh_from_db()
    assert shipment.status == "preparing"


def test_shipping_before_the_address_is_a_form_error(officer_client):
    shipment = chosen_shipment()

    response = officer_client.post(
        change_url(shipment), {"move": "shipped", "ship_carrier": "yamato", "ship_tracking": "1"}
    )

    assert "has not given a shipping address" in response.text
    shipment.refresh_from_db()
    assert shipment.status == "preparing"


def test_an_illegal_move_in_admin_is_a_form_error(officer_client):
    shipment = chosen_shipment()

    response = officer_client.post(change_url(shipment), {"move": "delivered"})

    assert "cannot be marked so" in response.text
    shipment.refresh_from_db()
    assert shipment.status == "preparing"


def test_staff_mark_shipments_delivered_with_an_action(officer_client):
    shipped = shipped_shipment()
    waiting = chosen_shipment(campaign=shipped.campaign)

    response = officer_client.post(
        LIST,
        {"action": "mark_delivered", "_selected_action": [shipped.pk, waiting.pk]},
        follow=True,
    )

    assert "1 shipment marked delivered." in response.text
    assert GiftShipment.objects.get(pk=shipped.pk).status == "delivered"
    assert GiftShipment.objects.get(pk=waiting.pk).status == "preparing"


def test_the_application_and_draw_lists_render(officer_client):
    shipped_shipment()

    for url in ["/admin/campaigns/giftapplication/", "/admin/campaigns/giftdraw/"]:
        assert officer_client.get(url).status_code == 200
    assert officer_client.get("/admin/campaigns/giftapplication/?chosen=yes").status_code == 200
