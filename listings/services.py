"""Every change to a listing goes through these functions."""

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from kaguaruoo.roles import Role
from kaguaruoo.transitions import TransitionTable, transition_move
from listings.japanese import municipality_stems, search_normalise
from listings.models import (
    Listing,
    ListingBooking,
    ListingItem,
    ListingPlace,
    ListingStation,
    Station,
)
from listings.postal import PostalCodeError, address_fill
from listings.search_cache import search_cache_invalidate
from listings.walking import walk_minutes
from privacy.models import StaffAuditLog
from privacy.services import identity_is_verified
from privacy.staff_access import AuditOrigin, audit_reason, audit_write

MAX_STATIONS = 3

Status = Listing.Status
# Which status may follow which; anything else is refused. Only the listing's host
# moves it (`_ensure_host`), so the table names no roles.
TRANSITIONS = TransitionTable.unguarded(
    [
        (Status.DRAFT, Status.PUBLISHED),
        (Status.PUBLISHED, Status.PAUSED),
        (Status.PAUSED, Status.PUBLISHED),
        (Status.PAUSED, Status.DRAFT),
    ]
)

# Staff take a listing off the site and give it back; the host cannot leave "hidden".
MODERATION = TransitionTable.of(
    {
        (Status.DRAFT, Status.HIDDEN): Role.STAFF,
        (Status.PUBLISHED, Status.HIDDEN): Role.STAFF,
        (Status.PAUSED, Status.HIDDEN): Role.STAFF,
        (Status.HIDDEN, Status.DRAFT): Role.STAFF,
        (Status.HIDDEN, Status.PUBLISHED): Role.STAFF,
        (Status.HIDDEN, Status.PAUSED): Role.STAFF,
    }
)


@dataclass(frozen=True)
class StationDistance:
    station: Station
    distance_m: int


def _ensure_host(listing: Listing, user: User) -> None:
    if listing.host_id != user.pk:
        raise PermissionDenied("Only the listing's host may change it.")


def station_distance_check(distance_m: int) -> None:
    """A walk time can be given for the distance (listings/walking.py), or ValidationError."""
    try:
        walk_minutes(distance_m)
    except ValueError as error:
        raise ValidationError(str(error)) from None


def stations_check(stations: list[StationDistance]) -> None:
    """At most three stations, each named once, each at a distance a walk time fits."""
    if len(stations) > MAX_STATIONS:
        raise ValidationError(_("A listing can name at most 3 stations."))
    if len({s.station.group_code for s in stations}) != len(stations):
        raise ValidationError(_("Each station can be named only once."))
    for entry in stations:
        station_distance_check(entry.distance_m)


class TownChoiceNeeded(ValidationError):
    """The postal code covers several towns and none was chosen; `candidates` lists them."""

    def __init__(self, candidates: list[dict]):
        super().__init__(
            {"town": _("Several towns share this postal code: choose yours from the list.")}
        )
        self.candidates = candidates


def address_check(*, postal_code: str, prefecture: str, city: str, town: str) -> dict:
    """The address Japan Post gives for the postal code (listings/postal.py `address_fill`).

    Raises ValidationError on the postal code, or TownChoiceNeeded.
    """
    try:
        address = address_fill(postal_code=postal_code, prefecture=prefecture, city=city, town=town)
    except PostalCodeError as error:
        raise ValidationError({"postal_code": str(error)}) from None
    if address["choice_needed"]:
        raise TownChoiceNeeded(address["candidates"])
    return address


def _fill_address(listing: Listing) -> None:
    """Prefecture, city and town as Japan Post writes them, with their kana and romaji."""
    address = address_check(
        postal_code=listing.postal_code,
        prefecture=listing.prefecture,
        city=listing.city,
        town=listing.town,
    )
    listing.postal_code = address["postal_code"]
    for part in ("prefecture", "city", "town"):
        setattr(listing, part, address[part])
        setattr(listing, f"{part}_romaji", address[f"{part}_romaji"])
    listing.area_kana = address["area_kana"]


def search_text_for(listing: Listing, stations: list[Station]) -> str:
    """The normalised words the free-text search matches: title, description, area and
    station names."""
    parts = [
        listing.title,
        listing.title_ja,
        listing.description,
        listing.description_ja,
        listing.prefecture,
        listing.city,
        listing.town,
        listing.prefecture_romaji,
        listing.city_romaji,
        listing.town_romaji,
        listing.area_kana,
    ]
    for station in stations:
        parts += [station.name, station.name_kana, station.name_romaji]
    return " ".join(search_normalise(p) for p in parts if p)


def place_keys_for(listing: Listing, stations: list[Station]) -> str:
    """The names of the places a listing is in or near, as the free-text search asks for them.

    Space-separated keys with a letter for their kind: p: prefecture, c: city or
    ward (every name `municipality_stems` gives), t: town, s: station (kanji, kana
    and romaji). A place word then costs one substring test on one short column.
    """
    keys = [f"p:{listing.prefecture}"] if listing.prefecture else []
    keys += [f"c:{stem}" for stem in sorted(municipality_stems(listing.city, listing.city_romaji))]
    for town in (listing.town, listing.town_romaji.lower()):
        if town and " " not in town:
            keys.append(f"t:{town}")
    for station in stations:
        for name in (station.name, station.name_kana, station.name_romaji.lower()):
            if name and " " not in name:
                keys.append(f"s:{name}")
    return " " + " ".join(dict.fromkeys(keys)) + " "


def _places_write(listing: Listing) -> None:
    """The listing's place keys as rows of their own (models.ListingPlace), for the search."""
    listing.places.all().delete()
    ListingPlace.objects.bulk_create(
        ListingPlace(listing=listing, key=key, published_at=listing.published_at)
        for key in dict.fromkeys(listing.place_keys.split())
    )


def _save(listing: Listing, *, stations: list[StationDistance], items: dict[str, str]) -> Listing:
    stations_check(stations)
    _fill_address(listing)
    listing.nearest_distance_m = min((s.distance_m for s in stations), default=None)
    listing.search_text = search_text_for(listing, [s.station for s in stations])
    listing.place_keys = place_keys_for(listing, [s.station for s in stations])
    listing.full_clean(exclude=["host"])
    listing.save()
    listing.stations.all().delete()
    ListingStation.objects.bulk_create(
        ListingStation(
            listing=listing, station=s.station, station_name=s.station.name, distance_m=s.distance_m
        )
        for s in stations
    )
    _places_write(listing)
    listing.items.all().delete()
    ListingItem.objects.bulk_create(
        ListingItem(listing=listing, item=item, provided_by=provided_by)
        for item, provided_by in items.items()
    )
    transaction.on_commit(search_cache_invalidate)
    return listing


@transaction.atomic
def listing_create(
    *, host: User, fields: dict, stations: list[StationDistance], items: dict[str, str]
) -> Listing:
    listing = Listing(host=host, status=Status.DRAFT, **fields)
    _save(listing, stations=stations, items=items)
    if not host.is_host:
        host.is_host = True
        host.save(update_fields=["is_host"])
    return listing


@transaction.atomic
def listing_update(
    *,
    listing: Listing,
    by: User,
    fields: dict,
    stations: list[StationDistance],
    items: dict[str, str],
) -> Listing:
    _ensure_host(listing, by)
    for name, value in fields.items():
        setattr(listing, name, value)
    return _save(listing, stations=stations, items=items)


@transaction.atomic
def listing_transition(*, listing: Listing, to: str, by: User) -> Listing:
    _ensure_host(listing, by)
    message = _("A %(current)s listing cannot become %(target)s.") % {
        "current": listing.get_status_display(),
        "target": Status(to).label,
    }
    TRANSITIONS.check(current=listing.status, to=to, message=message)
    published = {}
    if to == Status.PUBLISHED:
        _check_publishable(listing)
        published["published_at"] = listing.published_at or timezone.now()
    transition_move(
        obj=listing,
        table=TRANSITIONS,
        to=to,
        message=message,
        updated_at=timezone.now(),
        **published,
    )
    if published:
        listing.places.update(published_at=listing.published_at)
    transaction.on_commit(search_cache_invalidate)
    return listing


def _check_publishable(listing: Listing) -> None:
    if not EmailAddress.objects.filter(user=listing.host, verified=True).exists():
        raise ValidationError(_("Verify your email address before you publish a listing."))
    if not identity_is_verified(user=listing.host):
        raise ValidationError(
            _(
                "Verify your identity before you publish a listing: "
                "the notice on Your listings says how."
            )
        )
    if not listing.stations.exists():
        raise ValidationError(_("Name at least one station before you publish."))


def listing_publish(*, listing: Listing, by: User) -> Listing:
    return listing_transition(listing=listing, to=Status.PUBLISHED, by=by)


def listing_pause(*, listing: Listing, by: User) -> Listing:
    return listing_transition(listing=listing, to=Status.PAUSED, by=by)


@transaction.atomic
def listing_duplicate(*, listing: Listing, by: User) -> Listing:
    """A draft copy with the same terms, stations and furniture; photos are not copied.

    A listing staff hid is not copied: the copy would put it back in search.
    """
    _ensure_host(listing, by)
    if listing.status == Status.HIDDEN:
        raise ValidationError(_("KaguAruoo hid this listing; it cannot be copied."))
    stations = [
        StationDistance(station=ls.station, distance_m=ls.distance_m)
        for ls in listing.stations.select_related("station")
    ]
    items = {i.item: i.provided_by for i in listing.items.all()}
    skip = {"id", "host", "status", "search_text", "place_keys", "nearest_distance_m",
            "created_at",
            "updated_at", "published_at", "hidden_reason", "hidden_from"}  # fmt: skip
    fields = {
        f.name: getattr(listing, f.name)
        for f in Listing._meta.concrete_fields
        if f.name not in skip
    }
    fields["title"] = (_("Copy of %(title)s") % {"title": listing.title})[:120]
    return listing_create(host=by, fields=fields, stations=stations, items=items)


def listing_dates_book(
    *, listing_id: int, start: datetime.date, end: datetime.date, reference: str
) -> None:
    """Mark the nights [start, end) taken (a contract signed or extended), once per reference."""
    ListingBooking.objects.update_or_create(
        reference=reference,
        defaults={"listing_id": listing_id, "start_date": start, "end_date": end},
    )
    transaction.on_commit(search_cache_invalidate)


def listing_dates_release(*, reference: str) -> None:
    """The nights are free again (the contract was cancelled)."""
    if ListingBooking.objects.filter(reference=reference).delete()[0]:
        transaction.on_commit(search_cache_invalidate)


def _ensure_staff(user: User) -> None:
    if not (user.is_active and user.is_staff):
        raise PermissionDenied("Only staff moderate listings.")


def _reason_check(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason."))
    return reason


def listing_hide(
    *, listing: Listing, by: User, reason: str, origin: AuditOrigin | None = None
) -> Listing:
    """Staff take a listing off search and its public page; its host still sees it, hidden."""
    _ensure_staff(by)
    reason = _reason_check(reason)
    transition_move(
        obj=listing,
        table=MODERATION,
        to=Status.HIDDEN,
        role=Role.STAFF,
        message=_("This listing is already hidden."),
        hidden_reason=reason,
        hidden_from=listing.status,
        updated_at=timezone.now(),
    )
    return _moderation_recorded(listing=listing, by=by, reason=reason, origin=origin)


def _moderation_recorded(
    *, listing: Listing, by: User, reason: str, origin: AuditOrigin | None
) -> Listing:
    """The audit row of a staff move, with its reason; search forgets the listing's old state."""
    audit_write(
        staff=by,
        action=StaffAuditLog.Action.CHANGE,
        obj=listing,
        changed_fields=["status", "hidden_reason", audit_reason(reason)],
        origin=origin,
    )
    transaction.on_commit(search_cache_invalidate)
    return listing


def listing_unhide(
    *, listing: Listing, by: User, reason: str, origin: AuditOrigin | None = None
) -> Listing:
    """Staff give a hidden listing back the status it had when they hid it."""
    _ensure_staff(by)
    reason = _reason_check(reason)
    transition_move(
        obj=listing,
        table=MODERATION,
        to=listing.hidden_from or Status.PAUSED,
        role=Role.STAFF,
        message=_("This listing is not hidden."),
        hidden_reason="",
        hidden_from="",
        updated_at=timezone.now(),
    )
    return _moderation_recorded(listing=listing, by=by, reason=reason, origin=origin)
