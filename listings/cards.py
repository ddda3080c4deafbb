"""Search result cards, each rendered once per version of its listing and language.

A card is the same in every search but for three things: the stay carried in its
link, the station line (the station searched for, if the listing is near it,
otherwise its nearest) and the stay's total. So a card is rendered with holes
where those go and kept in the shared cache (Redis in production) under the
listing's id, its `updated_at` (which every change of the listing or of its
photos moves), the language and the card template's digest; each search fills
the holes. A search nobody ran before then reads its twenty cards in one cache
round trip and renders only the lines that differ between searches. Without the
cache (it is down, or the card is not in it) the card is rendered from the
database as before.
"""

import datetime
import logging
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from kaguaruoo.holes import hole, holes_fill, holes_split, template_digest
from listings import selectors
from listings.models import Listing
from listings.pricing import listing_stay_cost
from listings.templatetags.listing_tags import walk, yen

logger = logging.getLogger(__name__)

CARD_TEMPLATE = "listings/partials/listing_card.html"
CARD_SECONDS = 24 * 3600
HOLES = ("query", "station", "total")
PRICING = ("rent", "utilities_included", "utilities_fee", "cleaning_fee", "linen_fee",
           "key_money", "deposit")  # fmt: skip


@dataclass(frozen=True)
class Stay:
    move_in: datetime.date | None
    months: int | None

    def __bool__(self) -> bool:
        return bool(self.move_in and self.months)


def _key(listing_id: int, version: datetime.datetime, language: str) -> str:
    stamp = int(version.timestamp() * 1_000_000)
    return f"listings:card:{template_digest(CARD_TEMPLATE)}:{language}:{listing_id}:{stamp}"


def station_line(name: str, romaji: str, distance_m: int) -> SafeString:
    if romaji:
        return format_html(
            '<p class="listing-card-station">{} ({}) · <strong>{}</strong></p>',
            name, romaji, walk(distance_m),
        )  # fmt: skip
    return format_html(
        '<p class="listing-card-station">{} · <strong>{}</strong></p>', name, walk(distance_m)
    )


def total_line(total: int, months: int) -> SafeString:
    text = gettext("%(total)s for %(months)s months") % {"total": yen(total), "months": months}
    return format_html('<p class="listing-card-total">{}</p>', text)


def _entry(listing: Listing) -> dict:
    """What the cache keeps of a card: its HTML split at the holes, the station line of
    each of its stations (nearest first) and what its stay's cost is reckoned from."""
    cover = listing.cover_photos[0] if listing.cover_photos else None
    card = {"listing": listing, "cover": cover, **{name: hole(name) for name in HOLES}}
    html = get_template(CARD_TEMPLATE).render({"card": card})
    return {
        "parts": holes_split(html),
        "stations": [
            (
                row.station_id,
                str(station_line(row.station.name, row.station.name_romaji, row.distance_m)),
            )
            for row in listing.stations.all()
        ],
        "pricing": {field: getattr(listing, field) for field in PRICING},
    }


def _fill(entry: dict, *, searched: set[int], stay: Stay) -> SafeString:
    stations = entry["stations"]
    chosen = next((s for s in stations if s[0] in searched), stations[0] if stations else None)
    values = {
        "query": f"?move_in={stay.move_in:%Y-%m-%d}&amp;months={stay.months}" if stay else "",
        "station": chosen[1] if chosen else "",
        "total": "",
    }
    if stay:
        pricing = SimpleNamespace(**entry["pricing"])
        cost = listing_stay_cost(listing=pricing, move_in=stay.move_in, months=stay.months)
        values["total"] = total_line(cost.total, cost.months)
    return holes_fill(entry["parts"], values)


def _cache_read(keys: list[str]) -> dict:
    try:
        return cache.get_many(keys)
    except Exception:  # The cache is down: the cards are rendered from the database.
        logger.warning("Search cards not read from the cache", exc_info=True)
        return {}


def _cache_write(entries: dict) -> None:
    try:
        cache.set_many(entries, CARD_SECONDS)
    except Exception:
        logger.warning("Search cards not written to the cache", exc_info=True)


def search_cards(
    *, listings: list[tuple[int, datetime.datetime]], searched: set[int], stay: Stay
) -> list[SafeString]:
    """The cards of (listing id, updated_at) pairs, in order, for the search and stay asked.

    A listing no longer published by the time its card is read is left out.
    """
    language = translation.get_language()
    keys = {pk: _key(pk, version, language) for pk, version in listings}
    found = _cache_read(list(keys.values()))
    entries = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in entries]
    if missing:
        fresh = selectors.listings_by_id(ids=missing)
        made = {pk: _entry(listing) for pk, listing in fresh.items()}
        _cache_write({_key(pk, fresh[pk].updated_at, language): made[pk] for pk in made})
        entries.update(made)
    return [_fill(entries[pk], searched=searched, stay=stay) for pk in keys if pk in entries]
