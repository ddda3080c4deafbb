"""Reads of campaigns: the delivery behind a token, progress and statistics."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.http import Http404
from django.utils import timezone

from campaigns.core.models import Campaign, CampaignLink, Click, Delivery
from campaigns.core.tokens import track_token_read, unsubscribe_token_read
from kaguaruoo.outbox.models import OutboxMessage
from kaguaruoo.outbox.services import outbox_progress

State = OutboxMessage.State


def delivery_for_track(*, token: str) -> tuple[Delivery, str]:
    read = track_token_read(token)
    if read is None:
        raise Http404
    delivery_id, position = read
    delivery = Delivery.objects.select_related("campaign", "user").filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404
    return delivery, position


def link_of(*, delivery: Delivery, position: str) -> CampaignLink:
    if not position.isdigit():
        raise Http404
    link = CampaignLink.objects.filter(
        campaign=delivery.campaign_id, position=int(position)
    ).first()
    if link is None:
        raise Http404
    return link


@dataclass(frozen=True)
class Unsubscribe:
    """Whom an unsubscribe link is about, for which purpose, and the campaign mail it came
    in (None for other mail)."""

    user: object
    purpose: str
    delivery: Delivery | None = None


def unsubscribe_for(*, token: str) -> Unsubscribe:
    read = unsubscribe_token_read(token)
    if isinstance(read, int):
        delivery = Delivery.objects.select_related("campaign", "user").filter(pk=read).first()
        if delivery is not None:
            return Unsubscribe(
                user=delivery.user, purpose=delivery.campaign.purpose, delivery=delivery
            )
    elif read is not None:
        user_id, purpose = read
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is not None and purpose in Campaign.Purpose.values:
            return Unsubscribe(user=user, purpose=purpose)
    raise Http404


def campaign_progress(*, campaign: Campaign) -> dict:
    """Sent, failed, skipped and left, with the rate of the last minute (per second)."""
    counts = outbox_progress(group=campaign.outbox_group)
    total = sum(counts.values())
    done = counts[State.SENT] + counts[State.FAILED] + counts[State.SKIPPED]
    now = timezone.now()
    minute_ago = now - datetime.timedelta(seconds=60)
    recent = OutboxMessage.objects.filter(
        group=campaign.outbox_group, state=State.SENT, finished_at__gte=minute_ago
    ).count()
    # Over the last minute, or over the time since the start when that is shorter.
    window = 60.0
    if campaign.started_at:
        window = min(window, max((now - campaign.started_at).total_seconds(), 1.0))
    return {
        "status": campaign.status,
        "status_label": str(campaign.get_status_display()),
        "total": total,
        "sent": counts[State.SENT],
        "failed": counts[State.FAILED],
        "skipped": counts[State.SKIPPED],
        "left": counts[State.PENDING] + counts[State.CLAIMED],
        "done": done,
        "percent": round(100 * done / total)
        if total
        else (100 if campaign.status == "finished" else 0),
        "rate": round(recent / window, 1),
    }


def campaign_statistics(*, campaign: Campaign) -> dict:
    deliveries = Delivery.objects.filter(campaign=campaign)
    totals = deliveries.aggregate(
        delivered=Count("pk", filter=Q(message__state=State.SENT)),
        failed=Count("pk", filter=Q(message__state=State.FAILED)),
        skipped=Count("pk", filter=Q(message__state=State.SKIPPED)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        clicked=Count("pk", filter=Q(clicks__gt=0)),
        unsubscribed=Count("pk", filter=Q(unsubscribed_at__isnull=False)),
    )
    links = (
        CampaignLink.objects.filter(campaign=campaign)
        .annotate(clicks=Count("click_rows"), people=Count("click_rows__delivery", distinct=True))
        .order_by("position")
    )
    return {**totals, "links": list(links)}


def campaign_timeline(*, campaign: Campaign) -> list[dict]:
    """Per hour since the start: mails sent, first opens, clicks."""
    sent = (
        OutboxMessage.objects.filter(group=campaign.outbox_group, state=State.SENT)
        .annotate(hour=TruncHour("finished_at"))
        .values("hour")
        .annotate(n=Count("pk"))
    )
    opened = (
        Delivery.objects.filter(campaign=campaign, opened_at__isnull=False)
        .annotate(hour=TruncHour("opened_at"))
        .values("hour")
        .annotate(n=Count("pk"))
    )
    clicked = (
        Click.objects.filter(delivery__campaign=campaign)
        .annotate(hour=TruncHour("at"))
        .values("hour")
        .annotate(n=Count("pk"))
    )
    hours: dict = {}
    for series, rows in (("sent", sent), ("opened", opened), ("clicked", clicked)):
        for row in rows.order_by():
            hours.setdefault(row["hour"], {"sent": 0, "opened": 0, "clicked": 0})[series] = row["n"]
    return [{"hour": hour, **values} for hour, values in sorted(hours.items())]
