"""Demo listings: real postal codes and stations in five cities, generated photos."""

import datetime
import random

from django.utils import timezone

from accounts.models import User
from listings.models import Listing, ListingItem, Station
from listings.photos import demo_photo, photo_add
from listings.postal import postal_code_lookup
from listings.services import StationDistance, listing_create, listing_publish, listing_unhide
from listings.stations import station_find

# (postal code, [(station, prefecture), ...], neighbourhood blurb, how many listings)
AREAS = [
    ("1500002", ["渋谷"], "Shibuya: shops, Miyashita Park and every line in town.", 6),
    ("1500043", ["渋谷", "神泉"], "Dogenzaka: quiet lanes a few minutes above Shibuya.", 4),
    ("1500031", ["渋谷"], "Sakuragaoka: the calm south side of Shibuya station.", 3),
    ("1500011", ["渋谷", "恵比寿"], "Higashi: between Shibuya and Ebisu.", 3),
    ("1500022", ["恵比寿"], "Ebisu: restaurants, Garden Place and easy commuting.", 2),
    ("1530042", ["池尻大橋", "中目黒"], "Aobadai: the Meguro River's cherry trees.", 2),
    ("1540024", ["三軒茶屋"], "Sangenjaya: a lively local neighbourhood.", 3),
    ("1600022", ["新宿", "新宿三丁目"], "Shinjuku: the city's busiest hub.", 3),
    ("1710021", ["池袋"], "Nishi-Ikebukuro: parks, theatres and universities.", 3),
    ("1100005", ["上野", "御徒町"], "Ueno: museums, the park and Ameyoko market.", 2),
    ("1690075", ["高田馬場"], "Takadanobaba: a student town with cheap eats.", 2),
    ("5300001", ["梅田", "大阪"], "Umeda: Osaka's north centre.", 4),
    ("5420076", ["難波"], "Namba: Dotonbori and the south centre.", 4),
    ("5560011", ["難波"], "Nambanaka: ten minutes to Namba's markets.", 3),
    ("6008216", ["京都"], "Kyoto station: trains to everywhere.", 4),
    ("6048005", ["河原町", "三条"], "Central Kyoto: Kawaramachi and the Kamo river.", 3),
    ("8120011", ["博多"], "Hakata: Fukuoka's station district.", 3),
    ("8100001", ["天神"], "Tenjin: Fukuoka's shopping heart.", 3),
    ("0600042", ["大通"], "Odori: Sapporo's park boulevard.", 2),
    ("0640804", ["すすきの"], "Susukino: Sapporo's night quarter.", 2),
    ("0600806", ["札幌"], "Kita 6-jo: next to Sapporo station.", 2),
]

HOSTS = ["hana.host@example.com", "sakura.host@example.com", "ken.host@example.com"]
LAYOUTS = [("1R", 18), ("1K", 22), ("1DK", 28), ("1LDK", 38), ("2LDK", 55), ("3LDK", 70)]
STANDARD_ITEMS = ["bed", "desk", "chair", "fridge", "microwave", "washing_machine",
                  "air_conditioner", "cookware", "dishes", "linens", "wifi"]  # fmt: skip
OPTIONAL_ITEMS = ["sofa", "tv", "rice_cooker", "dryer", "vacuum", "kettle", "hair_dryer",
                  "towels", "iron", "auto_lock", "bath_toilet_separate"]  # fmt: skip
ADJECTIVES = ["Bright", "Quiet", "Cosy", "Modern", "Spacious", "Sunny", "Compact", "Stylish"]
SHIBUYA_TITLE = "Bright 1LDK near Shibuya Crossing"


def shibuya_listing() -> Listing | None:
    """Hana's Shibuya listing, which the demo conversations and contracts are about."""
    return Listing.objects.filter(title=SHIBUYA_TITLE, host__email=HOSTS[0]).first()


def _stations(names: list[str], prefecture: str, rng: random.Random) -> list[StationDistance]:
    result = []
    for name in names:
        station = station_find(name=name, prefecture=prefecture)
        if station and all(s.station.group_code != station.group_code for s in result):
            result.append(StationDistance(station=station, distance_m=rng.randint(2, 18) * 55))
    return result


def _fields(index: int, area: dict, blurb: str, rng: random.Random, today) -> dict:
    layout, size = ("1LDK", 38) if index == 0 else LAYOUTS[index % len(LAYOUTS)]
    rent = (60_000 + size * 2_500 + rng.randint(0, 40) * 1_000) // 1_000 * 1_000
    if area["prefecture"] == "東京都":
        rent += 30_000
    included = index % 3 == 0
    title = (
        SHIBUYA_TITLE
        if index == 0
        else (f"{rng.choice(ADJECTIVES)} {layout} in {area['town_romaji'] or area['city_romaji']}")
    )
    floors = rng.randint(3, 15)
    return {
        "title": title,
        "title_ja": f"{area['town'] or area['city']}の家具付き{layout}",
        "description": (
            f"A furnished {layout} of {size} m², ready to move in with a suitcase. "
            "Bedding, kitchenware and Wi-Fi are in place; the host helps with check-in."
        ),
        "area_description": blurb,
        "property_type": "house" if index % 7 == 3 else "apartment",
        "layout": layout,
        "floor_area_m2": size,
        "floor": rng.randint(1, floors),
        "floors_total": floors,
        "year_built": rng.randint(1988, 2023),
        "max_occupants": 1 if size < 25 else (2 if size < 50 else 4),
        "rent": rent,
        "utilities_included": included,
        "utilities_fee": 0 if included else rng.choice([8_000, 10_000, 12_000, 15_000]),
        "cleaning_fee": rng.choice([15_000, 20_000, 25_000, 30_000]),
        "linen_fee": rng.choice([0, 5_000, 8_000]),
        "deposit": rng.choice([0, 0, 50_000, rent]),
        "key_money": rng.choice([0, 0, 0, 30_000]),
        "min_months": rng.choice([1, 1, 2, 3]),
        "max_months": rng.choice([6, 12, 24]),
        "available_from": today + datetime.timedelta(days=rng.randint(0, 60)),
        "available_until": None,
        "cancellation_policy": rng.choice(list(Listing.CancellationPolicy.values)),
        "guarantor": rng.choice(["not_needed", "third_party"]),
        "fire_insurance": rng.choice(["included", "third_party"]),
        "pets_allowed": index % 5 == 0,
        "smoking_allowed": False,
        "instruments_allowed": index % 6 == 0,
        "viewing_possible": index % 2 == 0,
        "communication_style": "easy" if index % 4 == 0 else "standard",
        "postal_code": area["postal_code"],
        "prefecture": area["prefecture"],
        "city": area["city"],
        "town": area["town"],
        "street": f"{rng.randint(1, 5)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}",
        "building": f"Kagu Residence {area['town_romaji'] or area['city_romaji']}",
        "room": str(rng.randint(1, 9) * 100 + rng.randint(1, 8)),
    }  # fmt: skip


def _items(rng: random.Random) -> dict[str, str]:
    items = dict.fromkeys(STANDARD_ITEMS, ListingItem.ProvidedBy.HOST)
    for extra in rng.sample(OPTIONAL_ITEMS, 4):
        items[extra] = ListingItem.ProvidedBy.HOST
    if rng.random() < 0.3:
        items["wifi"] = ListingItem.ProvidedBy.THIRD_PARTY
    return items


def _listing_make(
    *, index: int, area: dict, station_names: list[str], blurb: str, host: User, rng, today
) -> Listing:
    listing = listing_create(
        host=host,
        fields=_fields(index, area, blurb, rng, today),
        stations=_stations(station_names, area["prefecture"], rng),
        items=_items(rng),
    )
    for number in range(2):
        photo_add(
            listing=listing,
            upload=demo_photo(seed=index * 10 + number, label=listing.title),
            caption="",
            by=host,
        )
    listing_publish(listing=listing, by=host)
    return listing


def _area(postal_code: str) -> dict:
    return {**postal_code_lookup(postal_code)[0], "postal_code": postal_code}


def load() -> int:
    """Create the demo listings once; a later run repairs what the demo is about.

    Hana's Shibuya listing (the demo threads and contracts) is published again if she
    paused it, and made anew if she renamed it; a demo host without a published
    listing (all paused) has her first one published again.
    """
    hosts = [User.objects.get(email=email) for email in HOSTS]
    if not Station.objects.exists():
        raise RuntimeError("Load the stations first: python manage.py load_stations")
    if Listing.objects.filter(host__in=hosts).exists():
        _repair(hosts)
        return Listing.objects.filter(host__in=hosts).count()
    rng = random.Random(2026)
    today = timezone.localdate()
    created = 0
    for postal_code, station_names, blurb, count in AREAS:
        area = _area(postal_code)
        for _ in range(count):
            host = hosts[0] if created == 0 else rng.choice(hosts)
            _listing_make(
                index=created,
                area=area,
                station_names=station_names,
                blurb=blurb,
                host=host,
                rng=rng,
                today=today,
            )
            created += 1
    return created


def _repair(hosts: list[User]) -> None:
    listing = shibuya_listing()
    if listing is None:
        postal_code, station_names, blurb, _ = AREAS[0]
        _listing_make(
            index=0,
            area=_area(postal_code),
            station_names=station_names,
            blurb=blurb,
            host=hosts[0],
            rng=random.Random(2026),
            today=timezone.localdate(),
        )
    elif listing.status != Listing.Status.PUBLISHED:
        _published_again(listing)
    for host in hosts:
        mine = Listing.objects.filter(host=host)
        if mine.exists() and not mine.filter(status=Listing.Status.PUBLISHED).exists():
            _published_again(mine.order_by("pk").first())


def _published_again(listing: Listing) -> None:
    """Publish a demo listing again; one staff hid is first shown again by the demo's staff
    member, with the reason (it returns to the status it had)."""
    if listing.status == Listing.Status.HIDDEN:
        staff = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
        listing_unhide(listing=listing, by=staff, reason="load_demo: the demo shows it again.")
        listing.refresh_from_db()
    if listing.status != Listing.Status.PUBLISHED:
        listing_publish(listing=listing, by=listing.host)
