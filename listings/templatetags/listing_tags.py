from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

from listings.walking import walk_minutes

register = template.Library()


@register.filter
def yen(amount) -> str:
    if amount is None or amount == "":
        return ""
    return f"¥{intcomma(int(amount))}"


@register.filter
def walk(distance_m) -> str:
    """'N min walk' for a distance in metres, by the one rule in listings/walking.py."""
    return _("%(minutes)s min walk") % {"minutes": walk_minutes(int(distance_m))}
