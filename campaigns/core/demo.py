"""Demo campaign: one sent two days ago to the demo readers, with opens and clicks.

The mail really goes through the outbox (into the demo's discarded mail); the demo then
spreads the sending, opening and clicking over the hours after it, as readers would.
Idempotent: the campaign is found by its name, and a second `load_demo` leaves it.
"""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from campaigns.core.models import Campaign, Click, Delivery
from campaigns.core.services import campaign_send
from kaguaruoo.outbox.models import OutboxMessage
from kaguaruoo.outbox.services import outbox_drain
from privacy.models import Consent
from privacy.services import consent_record

DEMO_NAME = "Autumn in Kyoto: furnished rooms from October"
READERS = 48


def _readers() -> None:
    """Newsletter readers: accounts that opted in to campaign mail (a few read Japanese)."""
    for number in range(1, READERS + 1):
        email = f"reader{number:02}@example.com"
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "last_name": f"Reader {number:02}",
                "language": "ja" if number % 3 == 0 else "en",
                "password": make_password(None),
            },
        )
        if created:
            for purpose in (Consent.Purpose.POLICY, Consent.Purpose.MARKETING):
                consent_record(
                    user=user, purpose=purpose, granted=True, ip=None, source=Consent.Source.SIGNUP
                )
            if number % 2 == 0:
                consent_record(
                    user=user,
                    purpose=Consent.Purpose.ANALYTICS,
                    granted=True,
                    ip=None,
                    source=Consent.Source.COOKIE_NOTICE,
                )


def _reader_activity(campaign: Campaign, started: datetime.datetime) -> None:
    """Sent over the first hour, opened over the next day, some links clicked."""
    chance = random.Random(2026)  # demo data, not security
    links = list(campaign.links.order_by("position"))
    for delivery in Delivery.objects.filter(campaign=campaign).select_related("message"):
        sent = started + datetime.timedelta(minutes=chance.uniform(0, 60))
        OutboxMessage.objects.filter(pk=delivery.message_id).update(finished_at=sent)
        if chance.random() < 0.6:
            opened = sent + datetime.timedelta(hours=chance.expovariate(1 / 5))
            delivery.opened_at, delivery.opens = opened, chance.randint(1, 3)
            if chance.random() < 0.45:
                link = chance.choice(links)
                Click.objects.create(delivery=delivery, link=link, at=opened)
                delivery.clicks = 1
            delivery.save(update_fields=["opened_at", "opens", "clicks"])


def load() -> Campaign | None:
    if Campaign.objects.filter(name=DEMO_NAME).exists():
        return Campaign.objects.get(name=DEMO_NAME)
    staff = User.objects.filter(email="staff@example.com").first()
    if staff is None:
        return None
    _readers()
    campaign = Campaign.objects.create(
        name=DEMO_NAME,
        subject_en="{{ name }}, furnished rooms in Kyoto from October",
        subject_ja="{{ name }}様 京都の家具付き物件、10月入居可",
        body_en=(
            "Hello {{ name }},\n\n"
            "Autumn is the best season in Kyoto. Furnished rooms near Kyoto Station are "
            "free from October, from one month: {{ site_url }}/listings/?q=kyoto\n\n"
            "How monthly rentals work: https://www.kaguaruoo.jp/guide/monthly"
        ),
        body_ja=(
            "{{ name }}様\n\n"
            "京都がいちばん美しい季節です。京都駅近くの家具付き物件が10月から1か月単位で"
            "ご入居いただけます。{{ site_url }}/listings/?q=kyoto\n\n"
            "マンスリー賃貸のしくみ: https://www.kaguaruoo.jp/guide/monthly"
        ),
        audience=Campaign.Audience.EVERYONE,
        created_by=staff,
    )
    campaign_send(campaign=campaign, by=staff)
    outbox_drain()
    started = timezone.now() - datetime.timedelta(days=2)
    _reader_activity(campaign, started)
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.FINISHED,
        created_at=started - datetime.timedelta(days=1),
        started_at=started,
        finished_at=started + datetime.timedelta(hours=1),
    )
    _unsubscribed_one(campaign)
    return campaign


def _unsubscribed_one(campaign: Campaign) -> None:
    delivery = Delivery.objects.filter(campaign=campaign).order_by("-pk").first()
    if delivery is None:
        return
    consent_record(
        user=delivery.user,
        purpose=Consent.Purpose.MARKETING,
        granted=False,
        ip=None,
        source=Consent.Source.UNSUBSCRIBE,
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        unsubscribed_at=(delivery.opened_at or timezone.now())
    )
