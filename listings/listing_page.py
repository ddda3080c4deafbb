"""A listing's page: its body rendered once per version and language, the rest per request.

What every visitor sees of a listing (its head, photos, facts, stations, furniture
and rules) changes only when the listing does, so it is rendered with holes for
the parts that differ between requests (the owner's notice, the stay and its cost,
the nights already taken, the reviews) and kept in the shared cache under the
listing's id, its `updated_at` (which photo changes move too), the language and the
template's digest. A request then reads one cache entry and renders the holes.
"""

import functools
import hashlib
import logging

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from kaguaruoo.holes import hole, holes_fill, holes_split
from kaguaruoo.slots import slot_render
from listings import selectors
from listings.models import Listing, ListingPhoto

logger = logging.getLogger(__name__)

BODY_TEMPLATE = "listings/partials/listing_body.html"
BODY_SECONDS = 24 * 3600
HOLES = ("warning", "aside", "booked", "reviews")


@functools.cache
def _template_digest() -> str:
    source = get_template(BODY_TEMPLATE).template.source
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def _key(listing: Listing, language: str) -> str:
    stamp = int(listing.updated_at.timestamp() * 1_000_000)
    return f"listings:page:{_template_digest()}:{language}:{listing.pk}:{stamp}"


def _parts(listing: Listing) -> tuple[str, ...]:
    """The body of the listing's page, split at its holes, from the cache or rendered."""
    key = _key(listing, translation.get_language())
    try:
        parts = cache.get(key)
    except Exception:  # The cache is down: the body is rendered from the database.
        logger.warning("Listing page body not read from the cache", exc_info=True)
        parts = None
    if parts is None:
        context = {
            "listing": listing,
            "photos": [p for p in listing.photos.all() if p.state == ListingPhoto.State.READY],
            "stations": listing.stations.select_related("station__line"),
            "items": listing.items.all(),
            **{name: hole(name) for name in HOLES},
        }
        parts = holes_split(get_template(BODY_TEMPLATE).render(context))
        try:
            cache.set(key, parts, BODY_SECONDS)
        except Exception:
            logger.warning("Listing page body not written to the cache", exc_info=True)
    return parts


def listing_page_body(*, request, listing: Listing, aside: dict) -> SafeString:
    """The page's content: the kept body with this request's parts filled in.

    `aside` is the context of the stay and cost column (listing_aside.html).
    """
    context = {"listing": listing}
    booked = selectors.listing_booked_periods(listing=listing)
    values = {
        "aside": render_to_string("listings/partials/listing_aside.html", aside, request),
        "booked": render_to_string("listings/partials/listing_booked.html", {"booked": booked})
        if booked
        else "",
        "reviews": slot_render("listing_reviews", request=request, listing=listing),
        "warning": render_to_string("listings/partials/listing_warning.html", context, request)
        if listing.status != Listing.Status.PUBLISHED
        else "",
    }
    return holes_fill(_parts(listing), values)
