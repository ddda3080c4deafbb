"""Demo applications and gifts (DESIGN.md, "Demo data").

A campaign still taking applications (its page shows the Apply button), and one that
took applications and is closed: staff chose Alex by hand and
drew three more from the other applicants with a recorded draw. Alex's gift is shipped
and waits for him to confirm its arrival on /gifts/; the others' gifts are being
prepared, delivered and confirmed, so each state shows in admin.

Everything goes through the services, as staff and users would do it. A later run finds
the campaign and leaves it alone.
"""

import datetime

from django.utils import timezone

from accounts.models import User
from campaigns.core.models import Campaign
from campaigns.gifts import services
from campaigns.gifts.models import GiftShipment

CAMPAIGN_NAME = "Demo: spring tote bag gift"
STAFF_EMAIL = "staff@example.com"
CHOSEN_BY_HAND = "alex.tenant@example.com"
APPLICANTS = [
    "alex.tenant@example.com",
    "mei.tenant@example.com",
    "sam.tenant@example.com",
    "hana.host@example.com",
    "ken.host@example.com",
]
DRAW_SEED = "kaguaruoo-demo-spring-gift"
DEMO_ADDRESS = {
    "postal_code": "150-0002",
    "prefecture": "東京都",
    "city": "渋谷区",
    "address_line": "渋谷2-21-1",
    "building": "Demo Tower 1204",
    "phone": "03-1234-5678",
}


def _campaign() -> Campaign:
    return Campaign.objects.create(
        name=CAMPAIGN_NAME,
        subject_en="A KaguAruoo tote bag for your move",
        subject_ja="お引越しにKaguAruooトートバッグを",
        body_en="Apply for a KaguAruoo tote bag.",
        body_ja="KaguAruooトートバッグにご応募ください。",
        summary_en="Moving in? Apply for one of four canvas tote bags; we choose by lot.",
        summary_ja="4名様に帆布のトートバッグが当たります。抽選で選びます。",
        audience=Campaign.Audience.EVERYONE,
        applications_open=True,
        applications_close_at=timezone.now() + datetime.timedelta(days=1),
    )


def _address_give(shipment: GiftShipment) -> None:
    name = shipment.user.get_full_name() or shipment.user.email
    services.gift_address_give(
        shipment=shipment,
        user=shipment.user,
        address={**DEMO_ADDRESS, "recipient_name": name},
        ip=None,
    )


def _ship(shipment: GiftShipment, staff: User, number: int) -> None:
    _address_give(shipment)
    services.gift_shipment_ship(
        shipment=shipment,
        carrier=GiftShipment.Carrier.YAMATO,
        tracking_number=f"4000-1234-{number:04d}",
        by=staff,
    )


OPEN_CAMPAIGN_NAME = "Demo: a desk lamp for your new room"


def _open_campaign() -> None:
    """A campaign still taking applications, so that its page shows the Apply button.
    Its closing moves on when it has passed and nobody applied (a demo kept for months)."""
    later = timezone.now() + datetime.timedelta(days=60)
    campaign, created = Campaign.objects.get_or_create(
        name=OPEN_CAMPAIGN_NAME,
        defaults={
            "subject_en": "Win a desk lamp for your new room",
            "subject_ja": "新しいお部屋にデスクライトをプレゼント",
            "body_en": "Apply for one of ten desk lamps.",
            "body_ja": "デスクライトを10名様にプレゼントします。",
            "summary_en": "Ten LED desk lamps for people moving in this season; we draw lots.",
            "summary_ja": "今季ご入居の方から抽選で10名様にLEDデスクライトが当たります。",
            "audience": Campaign.Audience.EVERYONE,
            "applications_open": True,
            "applications_close_at": later,
        },
    )
    closed = campaign.applications_close_at and campaign.applications_close_at < timezone.now()
    if not created and closed and not campaign.applications.exists():
        Campaign.objects.filter(pk=campaign.pk).update(applications_close_at=later)


def gifts_demo() -> int:
    """Create the demo gift campaigns once; returns the number of shipments of the first."""
    _open_campaign()
    existing = Campaign.objects.filter(name=CAMPAIGN_NAME).first()
    if existing is not None:
        return existing.gift_shipments.count()
    staff = User.objects.filter(email=STAFF_EMAIL, is_active=True).first()
    applicants = list(User.objects.filter(email__in=APPLICANTS, is_active=True).order_by("pk"))
    if staff is None or not applicants:
        return 0
    campaign = _campaign()
    for user in applicants:
        services.gift_apply(campaign=campaign, user=user)
    # Staff close the applications now, so that the draw may run.
    Campaign.objects.filter(pk=campaign.pk).update(applications_close_at=timezone.now())
    campaign.refresh_from_db()
    services.gift_applications_choose(
        applications=campaign.applications.filter(user__email=CHOSEN_BY_HAND), by=staff
    )
    left = campaign.applications.filter(chosen_at__isnull=True).count()
    if left:
        services.gift_draw_run(campaign=campaign, number=min(3, left), by=staff, seed=DRAW_SEED)
    _shipments_move(campaign, staff)
    return campaign.gift_shipments.count()


def _shipments_move(campaign: Campaign, staff: User) -> None:
    """Alex's gift shipped; the drawn ones prepared (no address yet), delivered, confirmed."""
    shipments = list(campaign.gift_shipments.select_related("user").order_by("pk"))
    by_hand = [s for s in shipments if s.user.email == CHOSEN_BY_HAND]
    drawn = [s for s in shipments if s.user.email != CHOSEN_BY_HAND]
    for number, shipment in enumerate(by_hand, start=1):
        _ship(shipment, staff, number)
    targets = [GiftShipment.Status.PREPARING, GiftShipment.Status.DELIVERED]
    targets.append(GiftShipment.Status.CONFIRMED)
    for number, (shipment, target) in enumerate(zip(drawn, targets, strict=False), start=10):
        if target == GiftShipment.Status.PREPARING:
            continue
        _ship(shipment, staff, number)
        services.gift_shipment_deliver(shipment=shipment, by=staff)
        if target == GiftShipment.Status.CONFIRMED:
            services.gift_shipment_confirm(shipment=shipment, by=shipment.user)
