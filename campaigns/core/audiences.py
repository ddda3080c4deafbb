"""Who a campaign's audience is: one function per `Campaign.Audience`, users in, users out.

The consent filter comes after (privacy's `users_reachable`), so an audience says
only who the campaign is about. Another part of the app may add an audience with
`audience_register`.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from campaigns.core.models import Campaign, Delivery
from contracts.models import Contract
from listings.models import Listing
from messaging.models import Thread

Audience = Campaign.Audience

_audiences = {}


def audience_register(key: str):
    def decorator(fn):
        _audiences[key] = fn
        return fn

    return decorator


def audience_users(campaign: Campaign) -> QuerySet:
    return _audiences[campaign.audience](campaign)


@audience_register(Audience.EVERYONE)
def _everyone(campaign):
    return get_user_model().objects.all()


@audience_register(Audience.TENANTS)
def _tenants(campaign):
    return get_user_model().objects.filter(Exists(Thread.objects.filter(tenant=OuterRef("pk"))))


@audience_register(Audience.HOSTS)
def _hosts(campaign):
    return get_user_model().objects.filter(Exists(Listing.objects.filter(host=OuterRef("pk"))))


@audience_register(Audience.PREFECTURE)
def _prefecture(campaign):
    """People who asked about, or live in, a listing of the prefecture."""
    prefecture = campaign.audience_prefecture
    return get_user_model().objects.filter(
        Exists(Thread.objects.filter(tenant=OuterRef("pk"), listing__prefecture=prefecture))
    )


@audience_register(Audience.STAY_ENDING)
def _stay_ending(campaign):
    today = timezone.localdate()
    last = today + datetime.timedelta(days=campaign.audience_days or 0)
    return get_user_model().objects.filter(
        Exists(
            Contract.objects.filter(
                tenant=OuterRef("pk"),
                status=Contract.Status.SIGNED,
                end_date__gte=today,
                end_date__lte=last,
            )
        )
    )


def _earlier(campaign, *, opened: bool):
    return get_user_model().objects.filter(
        Exists(
            Delivery.objects.filter(
                campaign=campaign.audience_campaign_id,
                user=OuterRef("pk"),
                opened_at__isnull=not opened,
                message__state="sent",
            )
        )
    )


@audience_register(Audience.OPENED)
def _opened(campaign):
    return _earlier(campaign, opened=True)


@audience_register(Audience.NOT_OPENED)
def _not_opened(campaign):
    return _earlier(campaign, opened=False)
