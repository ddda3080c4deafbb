"""A person's applications and gifts are in their data download; deletion anonymises them."""

import pytest

from campaigns.gifts.models import GiftApplication, GiftDraw, GiftShipment
from campaigns.gifts.services import gift_draw_run
from privacy.registry import erase_for, export_for
from tests.accounts.factories import UserFactory
from tests.campaigns.gifts.builders import (
    applications,
    campaign_close,
    gift_campaign,
    shipped_shipment,
)

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_application_and_the_address():
    shipment = shipped_shipment()

    data = export_for(shipment.user)

    [application] = data["campaigns.GiftApplication"]
    assert application["campaign"] == "Tote bag gift" and application["chosen_at"]
    [exported] = data["campaigns.GiftShipment"]
    assert exported["postal_code"] == "150-0002"
    assert exported["phone"] == "03-1234-5678"
    assert exported["tracking_number"] == "4000-1234-5678"
    assert exported["address_consented_at"]


def test_deletion_anonymises_the_address_and_keeps_the_counts():
    shipment = shipped_shipment()
    user = shipment.user

    report = erase_for(user)

    shipment.refresh_from_db()
    assert shipment.user is None
    assert (shipment.postal_code, shipment.address_line, shipment.phone) == ("", "", "")
    assert (shipment.recipient_name, shipment.building, shipment.tracking_number) == ("", "", "")
    assert shipment.status == "shipped"
    assert GiftShipment.objects.filter(campaign=shipment.campaign).count() == 1
    assert GiftApplication.objects.filter(campaign=shipment.campaign, user=None).count() == 1
    assert report.anonymised["campaigns.GiftShipment"] == 1


def test_the_staff_member_who_ran_a_draw_is_removed_from_it():
    campaign = gift_campaign()
    applications(campaign, 2)
    staff = UserFactory(is_staff=True)
    draw = gift_draw_run(campaign=campaign_close(campaign), number=1, by=staff)

    assert export_for(staff)["campaigns.GiftDraw"][0]["number"] == 1
    erase_for(staff)

    draw.refresh_from_db()
    assert draw.drawn_by is None and GiftDraw.objects.count() == 1
