"""Reads of applications and gifts: a person's own, and a campaign's public page."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation

from campaigns.core.models import Campaign
from campaigns.gifts.models import GiftApplication, GiftShipment
from campaigns.gifts.services import gift_confirm_pk


@dataclass(frozen=True)
class CampaignText:
    title: str
    summary: str


def campaign_text(*, campaign: Campaign) -> CampaignText:
    """The campaign's title and summary in the reader's language (English where missing)."""
    japanese = (translation.get_language() or "").startswith("ja")
    title = (campaign.subject_ja if japanese else "") or campaign.subject_en
    summary = (campaign.summary_ja if japanese else "") or campaign.summary_en
    return CampaignText(title=title, summary=summary)


def gift_campaign_get(*, pk: int) -> Campaign:
    """A campaign that takes applications (open or closed); Http404 for any other."""
    return get_object_or_404(Campaign, pk=pk, applications_open=True)


def gift_application_of(*, campaign: Campaign, user) -> GiftApplication | None:
    if not user.is_authenticated:
        return None
    return GiftApplication.objects.filter(campaign=campaign, user=user).first()


def gift_applications_of(*, user) -> QuerySet[GiftApplication]:
    return GiftApplication.objects.filter(user=user).select_related("campaign").order_by("-pk")


def gift_shipments_of(*, user) -> QuerySet[GiftShipment]:
    return GiftShipment.objects.filter(user=user).select_related("campaign").order_by("-pk")


def gift_shipment_get_for_recipient(*, user, pk: int) -> GiftShipment:
    """The shipment if `user` is its recipient; Http404 for anyone else."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(GiftShipment.objects.select_related("campaign"), pk=pk, user=user)


def gift_shipment_get_by_token(*, token: str, user) -> GiftShipment:
    """The shipment a mail's confirmation link names; Http404 for a changed token, and for
    a signed-in person who is not its recipient."""
    pk = gift_confirm_pk(token=token)
    if pk is None:
        raise Http404
    shipment = get_object_or_404(
        GiftShipment.objects.select_related("campaign"), pk=pk, user__isnull=False
    )
    if user.is_authenticated and user.pk != shipment.user_id:
        raise Http404
    return shipment
