"""docs/privacy.md maps every clause of the policy to code and tests that exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLAUSES = [
    "1.1.1",
    "1.1.2",
    "1.1.3",
    "1.1.4",
    "1.1.5",
    "1.2",
    "1.2.1",
    "1.2.2",
    "1.2.3",
    "2.1",
    "2.2",
    "2.3",
    "2.4",
    "3.1",
    "3.1.1",
    "3.1.2",
    "3.1.3",
    "3.2",
    "3.3",
    "3.4",
    "4",
    "5.1",
    "5.2",
    "6",
    "7",
    "7.1",
    "7.2",
    "7.3",
    "7.4",
]


def rows():
    text = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if re.match(r"^\| \d", line)]


def test_every_clause_of_the_policy_has_a_row():
    documented = {row.split("|")[1].strip().split(" ")[0] for row in rows()}

    assert set(CLAUSES) <= documented, set(CLAUSES) - documented


def test_every_test_file_the_table_names_exists():
    named = set()
    for row in rows():
        named |= set(re.findall(r"`((?:pp|tests)/[\w/]+\.py)", row))
    missing = [
        name for name in named if not (ROOT / name.replace("pp/", "tests/privacy/", 1)).exists()
    ]

    assert named and missing == []
