"""One way to write a Japanese address, in the reader's language.

Japanese writes from the largest unit down: 〒150-0001 東京都渋谷区神宮前1-2-3
パークハイツ 203号室. English writes from the room up, in romaji: Room 203,
パークハイツ, 1-2-3 Jingumae, Shibuya-ku, Tokyo-to 150-0001. Prefecture, city and
town are romanised from Japan Post's kana (listings/japanese.py); a building keeps
the name its host typed, as on its sign, since pykakasi's guess at a building's
name ("Paakuhaitsu") helps no one find it.

A listing's public page shows only the town (rule 4 of the design): `exact=False`.
"""

from dataclasses import asdict, dataclass, fields

from kaguaruoo.formats import site_format
from listings.japanese import prefecture_romaji


@dataclass(frozen=True)
class Address:
    postal_code: str = ""
    prefecture: str = ""
    city: str = ""
    town: str = ""
    street: str = ""
    building: str = ""
    room: str = ""
    prefecture_romaji: str = ""
    city_romaji: str = ""
    town_romaji: str = ""

    @classmethod
    def of(cls, source, *, exact: bool = True) -> "Address":
        """The address of a listing, a dict of these fields (a contract's snapshot) or any
        object with some of them; the town only, without street, building and room, unless
        `exact`."""
        names = [field.name for field in fields(cls)]
        if isinstance(source, dict):
            values = {name: str(source.get(name) or "") for name in names}
        else:
            values = {name: str(getattr(source, name, "") or "") for name in names}
        # A gift's shipping address calls the street part its address line.
        values["street"] = values["street"] or str(getattr(source, "address_line", "") or "")
        if not exact:
            values.update(postal_code="", street="", building="", room="")
        if values["prefecture"] and not values["prefecture_romaji"]:
            values["prefecture_romaji"] = prefecture_romaji(values["prefecture"])
        return cls(**values)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def postal_code_written(self) -> str:
        digits = self.postal_code.replace("-", "").replace("〒", "").strip()
        return f"{digits[:3]}-{digits[3:]}" if len(digits) == 7 else digits


def _japanese(address: Address) -> str:
    room = f"{address.room}号室" if address.room.isdigit() else address.room
    place = f"{address.prefecture}{address.city}{address.town}{address.street}"
    postal = f"〒{address.postal_code_written}" if address.postal_code else ""
    return " ".join(part for part in (postal, place, address.building, room) if part)


def _english(address: Address) -> str:
    room = f"Room {address.room}" if address.room.isdigit() else address.room
    town = address.town_romaji or address.town
    street_and_town = " ".join(part for part in (address.street, town) if part)
    city = address.city_romaji or address.city
    prefecture = " ".join(
        part
        for part in (address.prefecture_romaji or address.prefecture, address.postal_code_written)
        if part
    )
    return ", ".join(
        part for part in (room, address.building, street_and_town, city, prefecture) if part
    )


def address_format(address: Address, *, language: str | None = None) -> str:
    """The address on one line: largest unit first in Japanese, room first in English."""
    if site_format("ADDRESS_LARGEST_FIRST", language=language):
        return _japanese(address)
    return _english(address)
