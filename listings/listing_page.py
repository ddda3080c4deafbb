"""A listing's page: its body rendered once per version and language, the rest per request.

What every visitor sees of a listing (its head, photos, facts, stations, furniture
and rules) changes only when the listing does, so it is rendered with holes for
the parts that differ between requests (the owner's notice, the stay and its cost,
the nights already taken, the reviews) and kept in the shared cache under the
listing's id, its `updated_at` (which photo changes move too), the language and the
template's digest. A request then reads one cache entry and renders the holes.
"""

import hashlib
import logging

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from kaguaruoo.holes import hole, holes_fill, holes_split, template_digest
from kaguaruoo.slots import slot_render
from listings import selectors
from listings.models import Listing, ListingPhoto

logger = logging.getLogger(__name__)

BODY_TEMPLATE = "listings/partials/listing_body.html"
BODY_SECONDS = 24 * 3600
ASIDE_TEMPLATE = "listings/partials/listing_aside.html"
ASIDE_SECONDS = 3600
HOLES = ("warning", "aside", "booked", "reviews")


def _key(listing: Listing, language: str) -> str:
    stamp = int(listing.updated_at.timestamp() * 1_000_000)
    return f"listings:page:{template_digest(BODY_TEMPLATE)}:{language}:{listing.pk}:{stamp}"


def _parts(listing: Listing) -> tuple[str, ...]:
    """The body of the listing's page, split at its holes, from the cache or rendered."""
    key = _key(listing, translation.get_language())
    parts = _cache_get(key)
    if parts is None:
        context = {
            "listing": listing,
            "photos": [p for p in listing.photos.all() if p.state == ListingPhoto.State.READY],
            "stations": listing.stations.select_related("station__line"),
            "items": listing.items.all(),
            **{name: hole(name) for name in HOLES},
        }
        parts = holes_split(get_template(BODY_TEMPLATE).render(context))
        _cache_set(key, parts, BODY_SECONDS)
    return parts


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:  # The cache is down: the part is rendered from the database.
        logger.warning("Listing page part not read from the cache", exc_info=True)
        return None


def _cache_set(key: str, value, seconds: int) -> None:
    try:
        cache.set(key, value, seconds)
    except Exception:
        logger.warning("Listing page part not written to the cache", exc_info=True)


def _aside(request, listing: Listing, aside: dict, booked: list) -> str:
    """The stay and cost column. The one every visitor without a stay of their own sees
    (the default stay, priced) is kept for the day under all it shows: the listing's
    version, the host's name, the nights booked and the language."""
    if request.GET or aside["is_owner"]:
        return render_to_string(ASIDE_TEMPLATE, aside, request)
    shown = [
        template_digest(ASIDE_TEMPLATE),
        translation.get_language(),
        listing.pk,
        listing.updated_at.isoformat(),
        timezone.localdate().isoformat(),
        listing.host.public_name,
        *(f"{b.start_date}:{b.end_date}" for b in booked),
    ]
    key = "listings:aside:" + hashlib.sha256("|".join(map(str, shown)).encode()).hexdigest()
    html = _cache_get(key)
    if html is None:
        html = render_to_string(ASIDE_TEMPLATE, aside, request)
        _cache_set(key, html, ASIDE_SECONDS)
    return html


def listing_page_body(*, request, listing: Listing, aside: dict) -> SafeString:
    """The page's content: the kept body with this request's parts filled in.

    `aside` is the context of the stay and cost column (listing_aside.html).
    """
    context = {"listing": listing}
    booked = selectors.listing_booked_periods(listing=listing)
    values = {
        "aside": _aside(request, listing, aside, booked),
        "booked": render_to_string("listings/partials/listing_booked.html", {"booked": booked})
        if booked
        else "",
        "reviews": slot_render("listing_reviews", request=request, listing=listing),
        "warning": render_to_string("listings/partials/listing_warning.html", context, request)
        if listing.status != Listing.Status.PUBLISHED
        else "",
    }
    return holes_fill(_parts(listing), values)
