"""How English pages and mail write dates: 10 Jan 2027, 10 Jan 2027, 14:05.

Day, month name, year: read the same way by British, American and Japanese readers
(10/01/2027 is not). Only what differs from Django's own English formats.
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"

YEN_FORMAT = "¥{amount}"
WALK_FORMAT = "{minutes} min walk"
FAMILY_NAME_FIRST = False
ADDRESS_LARGEST_FIRST = False
