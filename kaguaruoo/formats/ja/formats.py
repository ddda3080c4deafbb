"""How Japanese pages and mail write dates: 2027年1月10日, 2027年1月10日 14:05.

Only what differs from Django's own Japanese formats; the rest falls through to them.
"""

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATE_FORMAT = "Y/m/d"
SHORT_DATETIME_FORMAT = "Y/m/d H:i"

YEN_FORMAT = "{amount}円"
WALK_FORMAT = "徒歩{minutes}分"
FAMILY_NAME_FIRST = True
ADDRESS_LARGEST_FIRST = True
