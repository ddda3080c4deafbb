"""The Japanese real-estate advertising rule for walking time.

Minutes are the road distance divided by 80 metres, rounded up, and at least
one (不動産の表示に関する公正競争規約施行規則 第9条). 800 m is 10 minutes;
801 m is 11.
"""

from django.utils.translation import gettext_lazy as _

METRES_PER_MINUTE = 80
MAX_DISTANCE_M = 8000


def walk_minutes(distance_m: int) -> int:
    """Walking minutes for a road distance in metres."""
    if distance_m <= 0:
        raise ValueError(_("The distance from the station must be more than 0 metres."))
    if distance_m > MAX_DISTANCE_M:
        raise ValueError(_("The distance from the station must be at most 8,000 metres."))
    return max(1, -(-distance_m // METRES_PER_MINUTE))


def max_distance_for(minutes: int) -> int:
    """The longest distance that still counts as at most `minutes` minutes' walk."""
    return max(0, minutes) * METRES_PER_MINUTE
