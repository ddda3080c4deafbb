"""The figures the accessibility page shows: written by `make accessibility`, checked otherwise.

A browser test hands over what it measured for one language. With
KAGU_ACCESSIBILITY_RECORD=1 (what `make accessibility` sets) that replaces the
language's entry in kaguaruoo/accessibility.json, with today's date and the
browser's version. On any other run the committed entry must be exactly what the
run measured, except for the date and the browser's version (which a machine
with another Chromium may differ in): otherwise the page would claim a page,
a width, a journey or a result that no test produced.
"""

import copy
import json
import os

from django.utils import timezone

from kaguaruoo.accessibility import RESULTS_PATH

RECORDING = os.environ.get("KAGU_ACCESSIBILITY_RECORD") == "1"
NOT_COMPARED = {"date", "browser"}
HOW_TO_RECORD = "run `make accessibility` and commit kaguaruoo/accessibility.json"


def _read() -> dict:
    return json.loads(RESULTS_PATH.read_text(encoding="utf-8")) if RESULTS_PATH.exists() else {}


def _dumps(results: dict) -> str:
    """Indented, one line per page result, so that a changed figure is a changed line."""
    compact, lines = copy.deepcopy(results), {}
    for entry in compact.values():
        if "pages" in entry:
            keys = [f"@result-{len(lines) + n}@" for n in range(len(entry["pages"]["results"]))]
            for key, result in zip(keys, entry["pages"]["results"], strict=True):
                lines[key] = json.dumps(result, ensure_ascii=False, sort_keys=True)
            entry["pages"]["results"] = keys
    text = json.dumps(compact, indent=1, ensure_ascii=False, sort_keys=True)
    for key, line in lines.items():
        text = text.replace(f'"{key}"', line)
    return text + "\n"


def results_check(*, language: str, kind: str, measured: dict, browser_version: str) -> None:
    """Record the figures (when recording), or fail unless the committed ones are the same."""
    results = _read()
    if RECORDING:
        entry = {"date": timezone.localdate().isoformat(), "browser": browser_version}
        results.setdefault(language, {})[kind] = {**entry, **measured}
        RESULTS_PATH.write_text(_dumps(results), encoding="utf-8")
        return
    committed = results.get(language, {}).get(kind)
    assert committed is not None, f"The page has no {kind} figures for {language}: {HOW_TO_RECORD}"
    claimed = {key: value for key, value in committed.items() if key not in NOT_COMPARED}
    assert claimed == measured, (
        f"The accessibility page's {kind} figures for {language} are not what this run "
        f"measured: {HOW_TO_RECORD}"
    )


def languages_claimed() -> set[str]:
    return set(_read())


def browser_name(browser) -> str:
    return f"Chromium {browser.version}"
