"""Reads of listings, each carrying the joins its page needs."""

import contextlib
import datetime
import hashlib
import re

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from listings.japanese import (
    MUNICIPALITY_SUFFIXES,
    municipality_stem,
    place_words,
    prefecture_named,
    romaji_from_kana,
)
from listings.models import (
    Listing,
    ListingBooking,
    ListingItem,
    ListingPhoto,
    ListingPlace,
    ListingStation,
    Station,
)
from listings.pricing import stay_end
from listings.walking import max_distance_for


def _with_card_data(queryset: QuerySet[Listing]) -> QuerySet[Listing]:
    """What a result card shows: host, stations nearest first, the cover photo."""
    return queryset.select_related("host").prefetch_related(
        Prefetch(
            "stations",
            queryset=ListingStation.objects.select_related("station__line").order_by(
                "distance_m", "id"
            ),
        ),
        Prefetch(
            "photos",
            queryset=ListingPhoto.objects.filter(is_cover=True, state=ListingPhoto.State.READY),
            to_attr="cover_photos",
        ),
    )


def listings_by_id(*, ids: list[int]) -> dict[int, Listing]:
    """Published listings with their card data, by id (for cached result pages)."""
    queryset = _with_card_data(Listing.objects.filter(status=Listing.Status.PUBLISHED, pk__in=ids))
    return {listing.pk: listing for listing in queryset}


HOME_LISTINGS = 6
# The cities the home page leads to: (key, name, the search filter and value that find them).
MAIN_CITIES = (
    ("tokyo", gettext_lazy("Tokyo"), "prefecture", "東京都"),
    ("osaka", gettext_lazy("Osaka"), "prefecture", "大阪府"),
    ("kyoto", gettext_lazy("Kyoto"), "prefecture", "京都府"),
    ("fukuoka", gettext_lazy("Fukuoka"), "prefecture", "福岡県"),
    ("sapporo", gettext_lazy("Sapporo"), "city", "札幌市"),
)


def listings_newest(*, limit: int = HOME_LISTINGS) -> list[Listing]:
    """The listings published last, with their card data."""
    published = Listing.objects.filter(status=Listing.Status.PUBLISHED)
    return list(_with_card_data(published.order_by("-published_at", "-pk"))[:limit])


def listings_popular(*, limit: int = HOME_LISTINGS) -> list[Listing]:
    """The listings most often booked (signed stays), the newer first among equals."""
    published = Listing.objects.filter(status=Listing.Status.PUBLISHED).annotate(
        stays=Count("bookings")
    )
    popular = published.filter(stays__gt=0).order_by("-stays", "-published_at", "-pk")
    return list(_with_card_data(popular)[:limit])


def main_cities() -> list[dict]:
    """The main cities with how many listings each has, in one query."""
    published = Listing.objects.filter(status=Listing.Status.PUBLISHED)
    counts = published.aggregate(
        **{
            key: Count("pk", filter=Q(**{f"{field}__startswith": value}))
            for key, _label, field, value in MAIN_CITIES
        }
    )
    return [
        {"label": label, "filter": field, "value": value, "count": counts[key]}
        for key, label, field, value in MAIN_CITIES
    ]


def listing_get_public(*, pk: int) -> Listing:
    """A published listing and its host; 404 otherwise. Its stations, furniture and photos
    are read only when its page's body is not in the cache (listings/listing_page.py)."""
    queryset = Listing.objects.filter(status=Listing.Status.PUBLISHED).select_related("host")
    return get_object_or_404(queryset, pk=pk)


def listing_get_for_host(*, user: User, pk: int) -> Listing:
    """The host's own listing, in any status; someone else's is a 404."""
    return get_object_or_404(Listing.objects.filter(host=user), pk=pk)


def listing_get_for_viewer(*, user: User, pk: int) -> Listing:
    """Published listings for everyone; a host also sees their own drafts and paused ones."""
    try:
        return listing_get_public(pk=pk)
    except Http404:
        if user.is_authenticated:
            return listing_get_for_host(user=user, pk=pk)
        raise


def listing_photos(*, listing: Listing) -> QuerySet[ListingPhoto]:
    return listing.photos.all()


def listing_photo_get(*, listing: Listing, pk: int) -> ListingPhoto:
    """A photo of a listing already opened through an access helper; another's is a 404."""
    return get_object_or_404(listing.photos.all(), pk=pk)


def listings_of_host(*, user: User) -> QuerySet[Listing]:
    return _with_card_data(Listing.objects.filter(host=user)).order_by("-updated_at")


def stations_matching(name: str) -> list[int]:
    """Ids of the stations called `name` in kanji, kana or romaji, with or without 駅.

    Resolved to ids first, so that the listing query can use the index on
    (station, distance) instead of joining the station table.
    """
    words = place_words(name)
    if not words:
        return []
    key = " ".join(words)
    return _station_lookup(
        f"matching:{name.strip()}|{key}",
        lambda: list(
            Station.objects.filter(
                Q(name=name.strip())
                | Q(name="".join(words))
                | Q(name_kana="".join(words))
                | Q(name_romaji__iexact=key)
            ).values_list("id", flat=True)
        ),
    )


STATION_LOOKUP_SECONDS = 600


def _station_lookup(question: str, answer):
    """A question about station names, answered from the shared cache when it was asked
    in the last ten minutes: the stations change only when `load_stations` runs."""
    key = "listings:stations:" + hashlib.sha256(question.encode()).hexdigest()[:32]
    try:
        found = cache.get(key)
    except Exception:  # The cache is down: the database answers.
        return answer()
    if found is None:
        found = answer()
        with contextlib.suppress(Exception):
            cache.set(key, found, STATION_LOOKUP_SECONDS)
    return found


# Up to this many station or place rows, their listings are handed to the search query
# as ids (`_listings_in`).
FEW_LISTINGS = 500


def _listings_in(rows: QuerySet, *, otherwise: Q) -> Q:
    """Listings whose id is the `listing_id` of one of `rows` (station or place rows),
    as ids when the rows are few, else `otherwise`.

    PostgreSQL guesses how many listings a station or a place has from averages,
    and a rare one guessed at thousands is read for by walking every listing in
    page order (seconds at a million). So the rows are read first, up to
    FEW_LISTINGS of them, in a query of their own on their index: when that is all
    of them, the search is given the ids themselves (none: no search at all).
    """
    read = list(rows.values_list("listing_id", flat=True)[: FEW_LISTINGS + 1])
    # A listing may have several of the rows (two lines of a station, two keys of a
    # place): what counts is whether all the rows were read.
    if len(read) <= FEW_LISTINGS:
        return Q(pk__in=sorted(set(read)))
    return otherwise


def _near(station_ids: list[int], max_distance_m: int | None = None) -> Q:
    """Listings near one of the stations, within the distance if one is given,
    from the (station, distance, listing) index."""
    rows = ListingStation.objects.filter(station_id__in=station_ids)
    if max_distance_m is not None:
        rows = rows.filter(distance_m__lte=max_distance_m)
    # Many: a semi-join, whose row count a common station has in the statistics.
    return _listings_in(rows, otherwise=Q(pk__in=rows.values("listing_id")))


def _municipality_q(word: str) -> Q:
    """Listings in the city, ward, town or village `word`, with or without its suffix.

    A ward of a designated city counts (下京 -> 京都市下京区), and so does the
    city as a whole (京都 -> 京都市下京区); a name that merely contains `word`
    (東京都 for 京都) does not. The filters of the search form, which may name a
    city in full ("Osaka-shi Kita-ku"), ask the columns themselves.
    """
    stem = municipality_stem(word)
    named = [stem, *(stem + suffix for suffix in MUNICIPALITY_SUFFIXES)]
    return (
        Q(city__in=named)
        | Q(city__startswith=f"{stem}市")
        | Q(city__endswith=f"市{stem}区")
        | Q(city__endswith=f"郡{stem}町")
        | Q(city__endswith=f"郡{stem}村")
        | Q(city_romaji__iexact=stem)
        | Q(city_romaji__istartswith=f"{stem}-")
        | Q(city_romaji__icontains=f" {stem}-")
    )


def _keys_like_q(keys: list[str]) -> Q:
    """Listings whose `place_keys` column holds one of `keys`: a test of each listing's
    row (or of the index that carries the column), which costs nothing to gather."""
    q = Q()
    for key in keys:
        q |= Q(place_keys__contains=f" {key} ")
    return q


def _keys_q(keys: list[str]) -> Q:
    """Listings with one of the place `keys` (services.place_keys_for, one row each).

    A place of many listings is tested on each listing the rest of the search reads:
    gathering all of them first would cost what the place has, at any page.
    """
    return _listings_in(ListingPlace.objects.filter(key__in=keys), otherwise=_keys_like_q(keys))


def _keys_or_text_q(keys: list[str], word: str) -> Q:
    """Listings with one of the place `keys`, or `word` in their text.

    Both sides are substring tests on a column of the listing, which trigram indexes
    answer together (a bitmap OR).
    """
    return _keys_like_q(keys) | Q(search_text__contains=word)


_KANA = re.compile(r"^[\u3040-\u30ffー]+$")


def _place_keys(word: str, *, station: bool) -> list[str]:
    """The keys of the place `word` names: its prefecture, city, ward, town or a station.

    A place written in kana (しぶや) is its romaji too, which cities and towns are
    kept in beside their kanji, so that it finds what 渋谷 and shibuya find.
    """
    keys = [f"c:{municipality_stem(word)}", f"t:{word}"]
    if not word.isascii():
        # A town written with 町 (a romaji town name never ends in it).
        keys.append(f"t:{municipality_stem(word)}町")
    if station:
        keys.append(f"s:{word}")
    if _KANA.match(word) and (romaji := romaji_from_kana(word).lower()):
        keys += [f"c:{romaji}", f"t:{romaji}"]
    if prefecture := prefecture_named(word):
        keys.append(f"p:{prefecture}")
    return list(dict.fromkeys(keys))


def _is_a_station(word: str) -> bool:
    return _station_lookup(
        f"is-a-station:{word}",
        lambda: Station.objects.filter(
            Q(name=word) | Q(name_kana=word) | Q(name_romaji__iexact=word)
        ).exists(),
    )


def _word_place_keys(word: str) -> list[str] | None:
    """The place keys of a word that names a place and nothing else, else None.

    A prefecture is a place by its name; any other word is one if a station has
    that name (asked first, in a query of its own on the station table).
    """
    station = _is_a_station(word)
    if prefecture_named(word) or (station and municipality_stem(word) == word):
        return _place_keys(word, station=station)
    return None


def _word_q(word: str) -> Q:
    """One word of the free text: a place name matches that place; other words the text.

    A name written with its 市/区/町/村 matches its place or, being rarely part of
    another name, the text (a title's 下町). Areas without a station of their name
    (下京) are found through the text, which holds them.
    """
    if (keys := _word_place_keys(word)) is not None:
        return _keys_q(keys)
    if municipality_stem(word) != word:
        return _keys_or_text_q(_place_keys(word, station=_is_a_station(word)), word)
    return Q(search_text__contains=word)


def listing_search_ids(
    *, filters: dict, limit: int, station_ids: list[int] | None = None
) -> list[tuple[int, datetime.datetime]]:
    """(id, updated_at) of the first `limit` published listings the filters find, in order.

    One query, which both counts the results (up to `limit`) and gives any page
    of them; its plans are checked in tests/listings/test_search_plans.py. The
    station filter's `station_ids`, if the caller resolved them already, save
    resolving them again. Nearest first, a listing near two lines of the station
    comes twice; when that leaves fewer than `limit`, more rows are asked for.
    """
    fetch = limit
    while True:
        rows = list(search_ids_queryset(filters=filters, limit=fetch, station_ids=station_ids))
        # Nearest first from a station: a listing near two of its lines comes twice.
        first = {}
        for pk, updated_at, *_distance in rows:
            first.setdefault(pk, updated_at)
        if len(first) >= limit or len(rows) < fetch:
            return list(first.items())[:limit]
        fetch *= 4


def search_ids_queryset(*, filters: dict, limit: int, station_ids: list[int] | None = None):
    """The query of `listing_search_ids`: (id, updated_at[, distance]) rows in order.

    Sorted by the walk from a station searched for, each of the station's rows
    (one per line) gives its `limit` nearest listings that match, read in the
    order of the (station, distance) index; their union, nearest first, holds
    the first `limit` listings. What that costs follows `limit`, not how many
    listings are near the station. Any other search is one ordered query.
    """
    if not filters.get("station"):
        station_ids = None
    elif station_ids is None:
        station_ids = stations_matching(filters["station"])
    if filters.get("station") and filters.get("sort") == "walk":
        return _nearest_first(filters, station_ids, limit)
    if (
        filters.get("sort") or "newest"
    ) == "newest" and connection.features.supports_slicing_ordering_in_compound:
        for word in place_words(filters.get("q") or ""):
            if (keys := _word_place_keys(word)) is not None:
                return _newest_in_place(filters, station_ids, word, keys, limit)
    return _search_sorted(filters, station_ids).values_list("pk", "updated_at")[:limit]


def _newest_in_place(filters, station_ids, word: str, keys: list[str], limit: int):
    """Newest first in the place `word` names: one walk of the (key, published_at,
    listing) index per key, merged, each stopping at `limit` listings that pass the
    other filters. A listing with two of the keys comes twice."""
    matching = _search_filtered(filters, station_ids, skip_word=word)
    parts = [
        matching.filter(places__key=key)
        .annotate(place_published_at=F("places__published_at"))
        .order_by("-place_published_at", "-id")
        .values_list("pk", "updated_at", "place_published_at")[:limit]
        for key in keys
    ]
    if len(parts) == 1:
        return parts[0]
    return parts[0].union(*parts[1:], all=True).order_by("-place_published_at", "-pk")


def _station_names(station_ids: list[int]) -> list[str]:
    """The names of the stations; 渋谷's ten lines are one name."""
    key = ",".join(map(str, sorted(station_ids)))
    return _station_lookup(
        f"names:{key}",
        lambda: sorted(
            set(Station.objects.filter(pk__in=station_ids).values_list("name", flat=True))
        ),
    )


def _nearest_first(filters: dict, station_ids: list[int], limit: int):
    """Nearest first: one walk of the (station name, distance, listing) index per name
    (a station and all its lines are one name), merged when the stations have several."""
    matching = _search_filtered({**filters, "station": None, "walk": None}, None)
    near = {}
    if walk := filters.get("walk"):
        near["stations__distance_m__lte"] = max_distance_for(walk)
    parts = [
        matching.filter(stations__station_name=name, **near)
        .annotate(station_distance_m=F("stations__distance_m"))
        .order_by("station_distance_m", "-id")
        .values_list("pk", "updated_at", "station_distance_m")[:limit]
        for name in _station_names(station_ids)
    ]
    if not parts:
        return Listing.objects.none().values_list("pk", "updated_at")
    if len(parts) == 1:
        return parts[0]
    if not connection.features.supports_slicing_ordering_in_compound:
        # SQLite (development) cannot limit the parts of a union: each listing near
        # the stations, by its nearest distance to one of them.
        distance = (
            ListingStation.objects.filter(listing=OuterRef("pk"), station_id__in=station_ids)
            .order_by("distance_m")
            .values("distance_m")[:1]
        )
        return (
            matching.filter(_near(station_ids, near.get("stations__distance_m__lte")))
            .annotate(station_distance_m=Subquery(distance))
            .order_by("station_distance_m", "-id")
            .values_list("pk", "updated_at", "station_distance_m")[:limit]
        )
    return parts[0].union(*parts[1:], all=True).order_by("station_distance_m", "-pk")


def _search_sorted(filters: dict, station_ids: list[int] | None = None) -> QuerySet[Listing]:
    if filters.get("station") and station_ids is None:
        station_ids = stations_matching(filters["station"])
    elif not filters.get("station"):
        station_ids = None
    queryset = _search_filtered(filters, station_ids)
    return _sort(queryset, filters.get("sort") or "newest")


def _search_filtered(
    filters: dict, station_ids: list[int] | None, *, skip_word: str | None = None
) -> QuerySet[Listing]:
    """Published listings matching the filters, in no order; `station_ids` resolved.

    `skip_word`, a place word of the text, is left to the caller (`_newest_in_place`).
    """
    queryset = Listing.objects.filter(status=Listing.Status.PUBLISHED)
    if text := filters.get("q"):
        words = place_words(text)
        if skip_word is not None:
            words.remove(skip_word)
        for word in words:
            queryset = queryset.filter(_word_q(word))
    queryset = _filter_area(queryset, filters)
    queryset = _filter_walk(queryset, filters, station_ids)
    if (low := filters.get("rent_min")) is not None:
        queryset = queryset.filter(rent__gte=low)
    if (high := filters.get("rent_max")) is not None:
        queryset = queryset.filter(rent__lte=high)
    queryset = _filter_building(queryset, filters)
    queryset = _filter_stay(queryset, filters)
    if layouts := filters.get("layout"):
        queryset = queryset.filter(layout__in=layouts)
    if occupants := filters.get("occupants"):
        queryset = queryset.filter(max_occupants__gte=occupants)
    for item in filters.get("items", []):
        # Asked of each listing the other filters leave (the (listing, item) key), not
        # by reading every listing that has the item.
        queryset = queryset.filter(
            Exists(ListingItem.objects.filter(listing=OuterRef("pk"), item=item))
        )
    if filters.get("viewing"):
        queryset = queryset.filter(viewing_possible=True)
    return queryset


def _filter_area(queryset, filters):
    """The prefecture and city filters: a whole place, with or without its suffix."""
    if prefecture := filters.get("prefecture"):
        if named := prefecture_named(prefecture):
            queryset = queryset.filter(prefecture=named)
        else:
            queryset = queryset.filter(
                Q(prefecture=prefecture)
                | Q(prefecture_romaji__iexact=prefecture)
                | Q(prefecture_romaji__istartswith=f"{prefecture}-")
            )
    if city := filters.get("city"):
        # Each word a city or its ward: "Osaka-shi Kita-ku", "京都市 下京区".
        every_word = Q()
        for word in place_words(city):
            every_word &= _municipality_q(word)
        queryset = queryset.filter(Q(city=city) | Q(city_romaji__iexact=city) | every_word)
    return queryset


def _filter_building(queryset, filters):
    """Building age ("built within N years") and floor area, bounds included."""
    if (years := filters.get("built_within")) is not None:
        queryset = queryset.filter(year_built__gte=timezone.localdate().year - years)
    if (low := filters.get("area_min")) is not None:
        queryset = queryset.filter(floor_area_m2__gte=low)
    if (high := filters.get("area_max")) is not None:
        queryset = queryset.filter(floor_area_m2__lte=high)
    return queryset


def _filter_walk(queryset, filters, station_ids):
    """Near a named station (or any station) within the walk limit; the rule lives in walking.py."""
    walk = filters.get("walk")
    if station_ids is None and not walk:
        return queryset
    if station_ids is None:
        # Within the walk of any station: the nearest one decides, no join needed.
        return queryset.filter(nearest_distance_m__lte=max_distance_for(walk))
    return queryset.filter(_near(station_ids, max_distance_for(walk) if walk else None))


def _filter_stay(queryset, filters):
    move_in, months = filters.get("move_in"), filters.get("months")
    if months:
        queryset = queryset.filter(min_months__lte=months, max_months__gte=months)
    if move_in:
        queryset = queryset.filter(available_from__lte=move_in)
        move_out = stay_end(move_in, months) if months else move_in
        move_out += datetime.timedelta(days=1)
        # Nights a signed contract already holds (the contracts app books them).
        queryset = queryset.exclude(
            Exists(
                ListingBooking.objects.filter(
                    listing=OuterRef("pk"), start_date__lt=move_out, end_date__gt=move_in
                )
            )
        )
        if months:
            last_night = stay_end(move_in, months)
            queryset = queryset.filter(
                Q(available_until__isnull=True) | Q(available_until__gte=last_night)
            )
        else:
            queryset = queryset.filter(
                Q(available_until__isnull=True) | Q(available_until__gte=move_in)
            )
    return queryset


def _sort(queryset, sort):
    """Any order but the walk from a station searched for (`_nearest_first`)."""
    if sort == "rent":
        return queryset.order_by("rent", "-id")
    if sort == "-rent":
        return queryset.order_by("-rent", "-id")
    if sort == "walk":
        # Minutes rise with distance, so ordering by metres orders by walk minutes.
        return queryset.order_by("nearest_distance_m", "-id")
    return queryset.order_by("-published_at", "-id")


BOOKED_PERIODS_SHOWN = 12


def listing_booked_periods(*, listing: Listing) -> list[ListingBooking]:
    """The stays still to come or under way, so that a tenant picks free dates."""
    today = timezone.localdate()
    return list(listing.bookings.filter(end_date__gt=today)[:BOOKED_PERIODS_SHOWN])
