from django import template
from django.utils.translation import gettext as _

from kaguaruoo import money
from listings.walking import walk_minutes

register = template.Library()


@register.filter
def yen(amount) -> str:
    return money.yen(amount)


@register.filter
def walk(distance_m) -> str:
    """'N min walk' for a distance in metres, by the one rule in listings/walking.py."""
    return _("%(minutes)s min walk") % {"minutes": walk_minutes(int(distance_m))}
