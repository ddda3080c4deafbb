"""Every main page, as the visitor who uses it, in each language, on a phone and a computer.

Nothing may stick out sideways at 360 or 1280 px, and axe-core may find no serious
or critical problem. One walk per language over the demo data: one browser, one
live server, one browser context per visitor. Screenshots land in var/screenshots/.
What the walk measured is what the accessibility page shows (accessibility_record.py).
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import override_settings

from kaguaruoo.accessibility import IMPACTS
from tests.e2e.accessibility_record import browser_name, languages_claimed, results_check
from tests.e2e.layout import sideways_overflow
from tests.e2e.pages import LANGUAGES, WIDTHS, demo_load, main_pages, visitor_context

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
SERIOUS = {"serious", "critical"}


def axe_counts(axe_result: dict) -> dict[str, int]:
    """Elements in violation, by impact."""
    counts = dict.fromkeys(IMPACTS, 0)
    for violation in axe_result["violations"]:
        counts[violation["impact"]] += len(violation["nodes"])
    return counts


def serious_violations(axe_result: dict) -> list[str]:
    return [
        f"{violation['id']} ({violation['impact']}) at {node['target']}"
        for violation in axe_result["violations"]
        if violation["impact"] in SERIOUS
        for node in violation["nodes"]
    ]


def visit(page, base, main_page, width):
    page.set_viewport_size({"width": width, "height": 800})
    with override_settings(**(main_page.settings or {})):
        response = page.goto(base + main_page.path)
        page.wait_for_load_state("load")
    arrived = urlsplit(page.url).path
    expected = main_page.arrives_at or urlsplit(main_page.path).path
    assert (response.status, arrived) == (main_page.status, expected), main_page


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_main_page_fits_a_phone_and_axe_finds_no_serious_problem(
    live_server, browser, language
):
    demo_load()
    base, axe = live_server.url, Axe()
    results, problems = [], []
    by_visitor: dict[str, list] = {}
    for main_page in main_pages():
        by_visitor.setdefault(main_page.visitor, []).append(main_page)

    for visitor, pages in by_visitor.items():
        context = visitor_context(browser, base, visitor, language, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(10_000)
        for main_page in pages:
            result = {"page": main_page.name, "visitor": visitor, "overflow": {}, "axe": {}}
            for width in WIDTHS:
                visit(page, base, main_page, width)
                where = f"{language} {width} px, {visitor}: {main_page.name}"
                overflow = sideways_overflow(page)
                problems += [f"{where}: {found}" for found in overflow]
                page.screenshot(
                    path=SCREENSHOTS / language / str(width) / f"{visitor}--{main_page.name}.png",
                    full_page=True,
                )
                axe_result = axe.run(page).response
                problems += [f"{where}: {found}" for found in serious_violations(axe_result)]
                result["overflow"][str(width)] = len(overflow)
                result["axe"][str(width)] = axe_counts(axe_result)
            results.append(result)
        context.close()

    measured = {
        "axe_version": axe_result["testEngine"]["version"],
        "widths": list(WIDTHS),
        "results": results,
    }
    results_check(
        language=language, kind="pages", measured=measured, browser_version=browser_name(browser)
    )
    assert languages_claimed() <= set(LANGUAGES)
    assert not problems, "\n".join(problems)
