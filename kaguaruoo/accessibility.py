"""What the accessibility page says, read from the figures of the last browser test run.

`accessibility.json` beside this module is written by the browser tests
(`make accessibility`) and checked by them on every other run, so the page never
claims a page, a width, a language or a journey that the tests did not measure.
Its shape, one entry per language:

    {"en": {"pages": {"date", "browser", "axe_version", "widths",
                      "results": [{"page", "visitor", "overflow": {width: count},
                                   "axe": {width: {impact: count}}}]},
            "keyboard": {"date", "browser", "keys", "steps"}}, "ja": {...}}
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

RESULTS_PATH = Path(__file__).with_name("accessibility.json")
IMPACTS = ("critical", "serious", "moderate", "minor")

# The pages and visitors the tests name, as the page names them.
PAGE_TITLES = {
    "home": _("Home"),
    "search": _("Search"),
    "search-results": _("Search results"),
    "listing": pgettext_lazy("listing", "Apartment"),
    "public-profile": _("Public profile"),
    "login": _("Log in"),
    "sign-up": _("Sign up"),
    "password-reset": _("Password reset"),
    "privacy-policy": _("Privacy Policy"),
    "anonymised-data": _("Anonymously processed information"),
    "terms": _("Terms of use"),
    "accessibility": _("Accessibility"),
    "not-found": _("Page not found"),
    "account": _("Account"),
    "profile-edit": _("Edit your profile"),
    "messages": _("Messages"),
    "thread": _("Conversation"),
    "notification-settings": _("Notification settings"),
    "inquiry": _("Request materials"),
    "apply": _("Reservation request"),
    "contracts": _("Contracts"),
    "contract": _("Contract"),
    "card-unavailable": _("Card payment unavailable"),
    "card-checkout": _("Pay by card"),
    "card-test-checkout": _("Test card payment"),
    "support-request": _("Ask support"),
    "contract-cancel": _("Cancel the contract"),
    "email": _("Email address"),
    "password-change": _("Change password"),
    "privacy-me": _("Your privacy"),
    "privacy-request": _("Privacy request"),
    "password-confirmation": _("Password confirmation"),
    "identity-check": _("Identity verification"),
    "gifts": _("Gifts"),
    "gift": _("Gift"),
    "feedback": _("Feedback"),
    "contract-to-sign": _("Contract to sign"),
    "thread-to-sign": _("Conversation with a contract to sign"),
    "host-listings": _("Your listings"),
    "listing-new": _("New listing"),
    "listing-edit": _("Edit a listing"),
    "listing-photos": _("Listing photos"),
    "house-guide": _("House Guide management"),
    "payouts": _("Your payouts"),
    "reservation-accept": _("Accept a reservation request"),
    "admin-login": _("Staff login"),
    "second-factor": _("Second factor"),
    "admin-index": _("Staff site"),
    "two-factor": _("Two-factor authentication"),
    "admin-privacy-request": _("Staff: a privacy request"),
}
VISITOR_TITLES = {
    "anonymous": _("Visitor"),
    "tenant": _("Tenant"),
    "tenant-to-sign": _("Tenant"),
    "host": _("Host"),
    "host-to-accept": _("Host"),
    "staff": _("Staff"),
    "staff-signing-in": _("Staff"),
}
STEP_TITLES = {
    "search": _("search"),
    "apply": _("apply"),
    "sign": _("sign"),
    "pay": _("pay"),
}
LANGUAGE_TITLES = {"en": _("English"), "ja": _("Japanese")}


@dataclass
class PageRow:
    """One page in one language: does it fit every width, and what axe-core found."""

    page: str
    visitor: str
    title: str
    visitor_title: str
    language: str
    fits: bool
    axe: dict[str, int]


@dataclass
class AccessibilityReport:
    languages: list[str]
    dates: list[str]
    browsers: list[str]
    axe_versions: list[str]
    widths: list[str]
    rows: list[PageRow]
    keyboard: dict[str, list[str]]
    keyboard_keys: list[str]
    totals: dict[str, int] = field(init=False)

    def __post_init__(self):
        self.totals = {impact: sum(row.axe[impact] for row in self.rows) for impact in IMPACTS}

    @property
    def page_count(self) -> int:
        return len({(row.page, row.visitor) for row in self.rows})

    @property
    def serious_or_critical(self) -> int:
        return self.totals["critical"] + self.totals["serious"]

    @property
    def everything_fits(self) -> bool:
        return all(row.fits for row in self.rows)


def accessibility_results() -> dict:
    return json.loads(RESULTS_PATH.read_text(encoding="utf-8")) if RESULTS_PATH.exists() else {}


def _title(titles: dict, key: str) -> str:
    return str(titles.get(key, key))


def _page_rows(language: str, pages: dict) -> list[PageRow]:
    return [
        PageRow(
            page=result["page"],
            visitor=result["visitor"],
            title=_title(PAGE_TITLES, result["page"]),
            visitor_title=_title(VISITOR_TITLES, result["visitor"]),
            language=_title(LANGUAGE_TITLES, language),
            fits=not any(result["overflow"].values()),
            axe={
                impact: sum(counts.get(impact, 0) for counts in result["axe"].values())
                for impact in IMPACTS
            },
        )
        for result in pages["results"]
    ]


def _by_page(rows: list[PageRow]) -> list[PageRow]:
    """The languages of one page together, the pages in the order the tests visited them."""
    order: dict[tuple[str, str], int] = {}
    return sorted(rows, key=lambda row: order.setdefault((row.page, row.visitor), len(order)))


def accessibility_report(results: dict | None = None) -> AccessibilityReport:
    """The figures of the page: what was tested, with what, when, and what was found."""
    results = accessibility_results() if results is None else results
    runs = [run for entry in results.values() for run in entry.values()]
    pages = {language: entry["pages"] for language, entry in results.items() if "pages" in entry}
    keyboard = {
        language: entry["keyboard"] for language, entry in results.items() if "keyboard" in entry
    }
    return AccessibilityReport(
        languages=[_title(LANGUAGE_TITLES, language) for language in results],
        dates=[
            date_format(datetime.date.fromisoformat(day))
            for day in sorted({run["date"] for run in runs})
        ],
        browsers=sorted({run["browser"] for run in runs}),
        axe_versions=sorted({run["axe_version"] for run in pages.values()}),
        widths=[
            f"{width} px"
            for width in sorted({int(width) for run in pages.values() for width in run["widths"]})
        ],
        rows=_by_page(
            [row for language, run in pages.items() for row in _page_rows(language, run)]
        ),
        keyboard={
            _title(LANGUAGE_TITLES, language): [_title(STEP_TITLES, step) for step in run["steps"]]
            for language, run in keyboard.items()
        },
        keyboard_keys=sorted({key for run in keyboard.values() for key in run["keys"]}),
    )
