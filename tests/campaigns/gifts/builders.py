"""Campaigns that take applications, and gifts chosen through the services."""

import datetime

from django.utils import timezone

from campaigns.core.models import Campaign
from campaigns.gifts import services
from tests.accounts.factories import UserFactory

ADDRESS = {
    "recipient_name": "Yamada Taro",
    "postal_code": "150-0002",
    "prefecture": "東京都",
    "city": "渋谷区",
    "address_line": "渋谷2-21-1",
    "building": "Hikarie 1204",
    "phone": "03-1234-5678",
    "consent": "on",
}


def gift_campaign(*, closes_in_days: float = 7, **fields) -> Campaign:
    return Campaign.objects.create(
        **{
            "name": "Tote bag gift",
            "subject_en": "A tote bag for your move",
            "subject_ja": "お引越しにトートバッグを",
            "body_en": "Apply.",
            "body_ja": "ご応募ください。",
            "summary_en": "Four canvas tote bags, chosen by lot.",
            "summary_ja": "抽選で4名様に。",
            "audience": Campaign.Audience.EVERYONE,
            "applications_open": True,
            "applications_close_at": timezone.now() + datetime.timedelta(days=closes_in_days),
            **fields,
        }
    )


def campaign_close(campaign: Campaign) -> Campaign:
    Campaign.objects.filter(pk=campaign.pk).update(
        applications_close_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    campaign.refresh_from_db()
    return campaign


def applications(campaign: Campaign, count: int) -> list:
    return [services.gift_apply(campaign=campaign, user=UserFactory())[0] for _ in range(count)]


def chosen_shipment(*, campaign=None, staff=None):
    """A chosen applicant's shipment, being prepared, without an address yet."""
    campaign = campaign or gift_campaign()
    [application] = applications(campaign, 1)
    [shipment] = services.gift_applications_choose(
        applications=[application], by=staff or UserFactory(is_staff=True)
    )
    return shipment


def address_given(shipment):
    address = {k: v for k, v in ADDRESS.items() if k != "consent"}
    return services.gift_address_give(
        shipment=shipment, user=shipment.user, address=address, ip="203.0.113.5"
    )


def shipped_shipment(**kwargs):
    shipment = address_given(chosen_shipment(**kwargs))
    staff = UserFactory(is_staff=True)
    return services.gift_shipment_ship(
        shipment=shipment, carrier="yamato", tracking_number="4000-1234-5678", by=staff
    )
