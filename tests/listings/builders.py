"""Listings built through the services, as hosts make them, so search sees what users see."""

import datetime
import html
import itertools
import re

from django.utils import timezone

from listings.models import Line, Station
from listings.services import StationDistance, listing_create, listing_publish
from privacy.models import IdentityVerification
from tests.accounts.factories import UserFactory

_codes = itertools.count(9_000_001)


def station(name="渋谷", kana="しぶや", romaji="Shibuya", *, line="山手線", group=None, **extra):
    code = next(_codes)
    line_obj, _ = Line.objects.get_or_create(
        name=line, defaults={"code": code, "name_romaji": line, "company": "JR東日本"}
    )
    return Station.objects.create(
        code=code,
        group_code=group or code,
        line=line_obj,
        name=name,
        name_kana=kana,
        name_romaji=romaji,
        prefecture=extra.pop("prefecture", "東京都"),
        **extra,
    )


def listing_fields(**overrides) -> dict:
    fields = {
        "title": "Furnished 1K",
        "description": "A furnished flat.",
        "property_type": "apartment",
        "layout": "1K",
        "floor_area_m2": 25,
        "floor": 3,
        "floors_total": 10,
        "year_built": 2015,
        "max_occupants": 2,
        "rent": 100_000,
        "utilities_included": False,
        "utilities_fee": 10_000,
        "cleaning_fee": 20_000,
        "linen_fee": 0,
        "deposit": 0,
        "key_money": 0,
        "min_months": 1,
        "max_months": 12,
        "available_from": timezone.localdate(),
        "available_until": None,
        "cancellation_policy": "moderate",
        "guarantor": "not_needed",
        "fire_insurance": "included",
        "viewing_possible": False,
        "postal_code": "1500002",
        "prefecture": "東京都",
        "city": "渋谷区",
        "town": "渋谷",
        "street": "2-21-1",
        "building": "Kagu Tower",
        "room": "1203",
    }
    fields.update(overrides)
    return fields


def identity_verified(user):
    """Staff approved the user's identity document, as hosts need before publishing."""
    IdentityVerification.objects.get_or_create(
        user=user,
        status=IdentityVerification.Status.APPROVED,
        defaults={"document_type": "passport", "submitted_at": timezone.now()},
    )
    return user


def published_listing(*, host=None, stations=(), items=None, publish=True, **overrides):
    host = identity_verified(host or UserFactory(is_host=True))
    listing = listing_create(
        host=host,
        fields=listing_fields(**overrides),
        stations=[StationDistance(station=s, distance_m=d) for s, d in stations],
        items=items or {},
    )
    if publish:
        listing_publish(listing=listing, by=host)
    return listing


def listing_near_station(**overrides):
    """A published listing 400 m from a station: what an inquiry or a stay starts from."""
    return published_listing(stations=[(station(), 400)], **overrides)


def kyoto_listing(*, title: str = "Kyoto flat", **overrides):
    """A published listing by Kyoto station, in 京都府 (whose name 東京都 contains)."""
    kyoto = station("京都", "きょうと", "Kyoto", line="東海道本線", prefecture="京都府")
    return published_listing(
        title=title,
        stations=[(kyoto, 500)],
        postal_code="6008216",
        prefecture="京都府",
        city="京都市下京区",
        town="東塩小路町",
        **overrides,
    )


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def result_titles(response) -> list[str]:
    """The titles of the result cards of a search page, in order, as a visitor reads them."""
    found = re.findall(r'<h2 class="listing-card-title">(.*?)</h2>', response.content.decode())
    return [html.unescape(title) for title in found]
