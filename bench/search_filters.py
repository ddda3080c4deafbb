"""The filter sets bench/search.py times and tests/listings/test_search_plans.py explains."""

import datetime
import random


def fixed_filter_sets(today: datetime.date) -> dict[str, dict]:
    """One search of each kind, as the search form's query string values."""
    move_in = (today + datetime.timedelta(days=100)).isoformat()
    return {
        "text": {"q": "shibuya"},
        "station + walk": {"station": "渋谷", "walk": 10, "sort": "walk"},
        "rent + dates": {"rent_min": 80000, "rent_max": 150000, "move_in": move_in, "months": 3},
        "all filters": {
            "q": "tokyo", "station": "新宿", "walk": 15, "rent_min": 60000, "rent_max": 300000,
            "move_in": move_in, "months": 3, "layout": ["1K", "1LDK"], "occupants": 1,
            "items": ["bed"], "built_within": 40, "area_min": 15, "area_max": 60,
            "sort": "rent",
        },
    }  # fmt: skip


PLACES = ["渋谷", "shinjuku", "setagaya", "minato", "大阪", "kyoto", "新宿区", "furnished"]


def random_filters(
    rng: random.Random, today: datetime.date, places: list[str], stations: list[str]
) -> dict:
    """Filters a visitor might set: a few at a time, drawn from what the site offers."""
    filters: dict = {}
    if rng.random() < 0.35:
        filters["q"] = rng.choice(places)
    if rng.random() < 0.5:
        filters["station"] = rng.choice(stations)
        filters["walk"] = rng.choice([5, 7, 10, 15, 20])
    if rng.random() < 0.6:
        low = rng.randrange(50_000, 200_000, 10_000)
        filters["rent_min"], filters["rent_max"] = low, low + rng.randrange(30_000, 150_000, 10_000)
    if rng.random() < 0.5:
        filters["move_in"] = (today + datetime.timedelta(days=rng.randint(1, 120))).isoformat()
        filters["months"] = rng.randint(1, 6)
    if rng.random() < 0.3:
        filters["layout"] = rng.sample(["1R", "1K", "1DK", "1LDK", "2LDK"], rng.randint(1, 2))
    if rng.random() < 0.3:
        filters["items"] = rng.sample(["bed", "wifi", "washing_machine", "desk"], rng.randint(1, 2))
    if rng.random() < 0.2:
        filters["occupants"] = rng.randint(1, 3)
    filters["sort"] = rng.choice(["", "", "rent", "-rent", "walk"])
    return filters
