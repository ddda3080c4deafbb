"""The accessibility page says only what the browser tests measured."""

import json

import pytest
from django.urls import reverse

from kaguaruoo import accessibility
from kaguaruoo.accessibility import PAGE_TITLES, VISITOR_TITLES, accessibility_results

pytestmark = pytest.mark.django_db

NOTHING = {"critical": 0, "serious": 0, "moderate": 0, "minor": 0}


def page_result(page="home", visitor="anonymous", *, overflow=0, axe=None):
    return {
        "page": page,
        "visitor": visitor,
        "overflow": {"360": overflow, "1280": 0},
        "axe": {"360": axe or NOTHING, "1280": NOTHING},
    }


def run(*results, date="2027-01-10"):
    return {
        "pages": {
            "date": date,
            "browser": "Chromium 150",
            "axe_version": "4.12.1",
            "widths": [360, 1280],
            "results": list(results),
        },
        "keyboard": {
            "date": date,
            "browser": "Chromium 150",
            "keys": ["Enter", "Space", "Tab"],
            "steps": ["search", "apply", "sign", "pay"],
        },
    }


@pytest.fixture
def results_file(tmp_path, monkeypatch):
    path = tmp_path / "accessibility.json"
    monkeypatch.setattr(accessibility, "RESULTS_PATH", path)

    def write(results):
        path.write_text(json.dumps(results), encoding="utf-8")

    return write


def test_the_page_states_the_target_the_tools_the_date_and_the_pages_tested(client, results_file):
    results_file({"en": run(page_result(), page_result("payouts", "host"))})

    page = client.get(reverse("accessibility"), HTTP_ACCEPT_LANGUAGE="en").text

    assert "JIS X 8341-3:2016" in page
    assert "WCAG 2.0" in page
    assert "axe-core 4.12.1 in Chromium 150" in page
    assert "On 10 Jan 2027, the site's browser tests opened 2 pages in English" in page
    assert "360 px, 1280 px" in page
    assert "Your payouts" in page
    assert "search, apply, sign, pay" in page
    assert "axe-core found no serious or critical problem." in page


def test_in_japanese_the_page_names_dates_languages_and_lists_as_japanese_does(
    client, results_file
):
    results_file({"en": run(page_result()), "ja": run(page_result())})

    page = client.get(reverse("accessibility"), HTTP_ACCEPT_LANGUAGE="ja").text

    assert "2027年1月10日" in page and "2027-01-10" not in page
    assert "英語、日本語" in page
    assert "360 px、1280 px" in page
    assert "検索、申込、署名、支払い" in page


def test_the_page_reports_what_the_tests_found_wrong(client, results_file):
    serious = {**NOTHING, "serious": 2, "minor": 1}
    results_file({"en": run(page_result(overflow=3, axe=serious))})

    page = client.get(reverse("accessibility"), HTTP_ACCEPT_LANGUAGE="en").text

    assert "axe-core found 2 serious or critical problems." in page
    assert "Moderate: 0; minor: 1." in page
    assert "Some pages are wider than the narrowest screen tested" in page


def test_without_figures_the_page_claims_no_test(client, results_file):
    page = client.get(reverse("accessibility"), HTTP_ACCEPT_LANGUAGE="en").text

    assert "have not been run yet" in page
    assert "axe-core found" not in page


def test_every_page_the_committed_figures_name_has_a_title():
    results = accessibility_results()

    named = {
        (result["page"], result["visitor"])
        for entry in results.values()
        for result in entry["pages"]["results"]
    }
    assert named
    assert {page for page, _ in named} <= set(PAGE_TITLES)
    assert {visitor for _, visitor in named} <= set(VISITOR_TITLES)


def test_every_page_links_to_the_accessibility_page_in_its_footer(client):
    page = client.get(reverse("terms")).text

    assert f'href="{reverse("accessibility")}"' in page
