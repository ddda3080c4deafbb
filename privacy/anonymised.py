"""Anonymously processed information (policy 3.4, APPI arts. 43-46).

Apps add aggregates here from their personal_data.py, never rows about a person::

    from privacy.anonymised import Aggregate, register_aggregate

    register_aggregate(
        Aggregate(
            name="listings_per_prefecture",
            description="Published listings per prefecture",
            items=("prefecture", "number of hosts"),
            groups=lambda: [({"prefecture": p}, hosts) for p, hosts in ...],
        )
    )

`groups()` returns (group labels, number of people) pairs. The export drops every
group of fewer than MINIMUM_GROUP people, and carries no identifier of anyone.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MINIMUM_GROUP = 5
HEADER = (
    "# Anonymously processed information (APPI art. 43): aggregates only, "
    f"no identifiers; groups of fewer than {MINIMUM_GROUP} people are suppressed."
)


@dataclass(frozen=True)
class Aggregate:
    name: str
    description: str
    items: tuple[str, ...]
    groups: Callable[[], Iterable[tuple[dict[str, str], int]]]


_aggregates: dict[str, Aggregate] = {}


def register_aggregate(aggregate: Aggregate) -> Aggregate:
    _aggregates[aggregate.name] = aggregate
    return aggregate


def aggregates() -> list[Aggregate]:
    return sorted(_aggregates.values(), key=lambda a: a.name)


def published_items() -> list[tuple[str, tuple[str, ...]]]:
    """(description, items) of every aggregate: what the site publishes under art. 43(3)."""
    return [(a.description, a.items) for a in aggregates()]


def anonymised_csv() -> str:
    out = io.StringIO()
    out.write(HEADER + "\n")
    writer = csv.writer(out)
    writer.writerow(["aggregate", "group", "people"])
    for aggregate in aggregates():
        for labels, people in aggregate.groups():
            if people < MINIMUM_GROUP:
                continue
            group = "; ".join(f"{key}={value}" for key, value in sorted(labels.items()))
            writer.writerow([aggregate.name, group, people])
    return out.getvalue()
