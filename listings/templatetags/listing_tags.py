from django import template

from kaguaruoo import money
from kaguaruoo.formats import site_format
from listings.addresses import Address, address_format
from listings.walking import walk_minutes

register = template.Library()


@register.filter
def yen(amount) -> str:
    return money.yen(amount)


@register.filter
def walk(distance_m) -> str:
    """'4 min walk' / '徒歩4分' for a distance in metres, by the one rule in listings/walking.py."""
    return site_format("WALK_FORMAT").format(minutes=walk_minutes(int(distance_m)))


@register.simple_tag
def walk_format() -> str:
    """The walk time's form with a {minutes} place, for the listing form's script."""
    return site_format("WALK_FORMAT")


@register.filter
def address(source, part: str = "town") -> str:
    """A listing's (or a snapshot's, or a shipment's) address in the reader's language and
    order: the town only unless `part` is "exact", which only the parties of a signed
    contract see."""
    if not source:
        return ""
    return address_format(Address.of(source, exact=part == "exact"))
