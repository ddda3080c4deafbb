"""The one registry of personal data: what every app holds about a person.

Each app that stores anything about a person declares it in its own
``<app>/personal_data.py``. The privacy app imports those modules at start-up
(``autodiscover_modules("personal_data")``, as the admin does with
``admin.py``) and never imports another app's models itself. The disclosure
archive, the data download on /privacy/me/ and the anonymising deletion all
read this registry, and a test fails when a model with a foreign key to the
user is covered by no entry.

Interface
---------
In ``<app>/personal_data.py``::

    from privacy.registry import Erase, PersonalData, Retention, register
    from listings.models import Listing, ListingPhoto

    register(
        PersonalData(
            model=Listing,
            person_field="host",               # the FK to the user this row is about
            export_fields=("title", "street", "created_at"),
            file_fields=("house_guide",),      # FileFields whose files belong to the person
            erase=Erase.ANONYMISE,
            anonymise={"street": "", "description": ""},
            other_user_fields={"moderated_by": "staff member who moderated it"},
        )
    )

``PersonalData`` fields:

``model``
    The model class.
``person_field``
    Name of the ForeignKey/OneToOneField to the user that says whose data a
    row is, or ``None`` for the user model itself.
``export_fields``
    Field names written to the person's archive (JSON). Use ``export`` instead
    for a callable ``export(obj) -> dict`` when the values need shaping.
``file_fields``
    FileField names: the files go into the archive and are deleted from
    storage (local disk or S3) on erasure.
``erase``
    What a deletion request does to the rows: ``Erase.DELETE`` removes them,
    ``Erase.ANONYMISE`` overwrites the ``anonymise`` mapping (field -> value,
    or a callable ``value(obj)``), ``Erase.KEEP`` keeps them because a law
    requires it (``retention`` must then say which and for how long).
``retention``
    ``Retention(law=..., reason=..., days=..., date_field=...)``: rows are kept
    until ``date_field + days`` whatever ``erase`` says, and the deletion
    report lists them with why and until when.
``revisable_fields`` and ``revise``
    For a revision request (policy 7): field name -> label of the values a person
    may ask to correct, and ``revise(obj, changes) -> list[str]`` that applies
    them through the app's own service and returns the names that changed.
``write_pending``
    A callable for a model whose rows may still be on their way to the table
    (the access log waits in a Redis buffer for a few seconds): it writes them,
    and it runs before the rows are exported or erased, so that none is missed.
``other_user_fields``
    Every other FK to the user on the model, each with a short explanation of
    the role (e.g. the staff member who decided). Such fields do not make the
    row the other user's personal data, but the coverage test wants each one
    named so that none is forgotten.

Reading the registry: ``entries()``, ``export_for(user)``, ``files_for(user)``,
``erase_for(user)``, ``revisable_choices()`` and ``revise_for(user, changes)``.
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone


class Erase(enum.StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    KEEP = "keep"


@dataclass(frozen=True)
class Retention:
    law: str
    reason: str
    days: int
    date_field: str

    def keep_until(self, obj: models.Model) -> datetime.date | None:
        value = getattr(obj, self.date_field)
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            value = timezone.localdate(value)
        return value + datetime.timedelta(days=self.days)


@dataclass(frozen=True)
class PersonalData:
    model: type[models.Model]
    person_field: str | None
    export_fields: tuple[str, ...] = ()
    export: Callable[[models.Model], dict] | None = None
    file_fields: tuple[str, ...] = ()
    erase: Erase = Erase.DELETE
    anonymise: dict[str, Any] = field(default_factory=dict)
    retention: Retention | None = None
    other_user_fields: dict[str, str] = field(default_factory=dict)
    revisable_fields: dict[str, str] = field(default_factory=dict)
    revise: Callable[[models.Model, dict[str, str]], list[str]] | None = None
    write_pending: Callable[[], object] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label

    def rows_for(self, user) -> models.QuerySet:
        manager = self.model._default_manager
        if self.person_field is None:
            return manager.filter(pk=user.pk)
        return manager.filter(**{self.person_field: user}).order_by("pk")

    def export_row(self, obj: models.Model) -> dict:
        if self.export is not None:
            return self.export(obj)
        row = {"id": obj.pk}
        for name in self.export_fields:
            row[name] = _jsonable(getattr(obj, name))
        for name in self.file_fields:
            file = getattr(obj, name)
            row[name] = file.name if file else None
        return row


@dataclass
class ErasureReport:
    """What a deletion did, and what it kept with why and until when."""

    deleted: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)
    kept: list[dict] = field(default_factory=list)
    files_deleted: list[str] = field(default_factory=list)


_entries: dict[type[models.Model], PersonalData] = {}


def register(entry: PersonalData) -> PersonalData:
    if entry.erase == Erase.KEEP and entry.retention is None:
        raise ValueError(f"{entry.label}: Erase.KEEP needs a Retention naming the law.")
    _entries[entry.model] = entry
    return entry


def entries() -> list[PersonalData]:
    return sorted(_entries.values(), key=lambda e: e.label)


def entry_for(model: type[models.Model]) -> PersonalData | None:
    return _entries.get(model)


def _pending_write() -> None:
    for entry in entries():
        if entry.write_pending is not None:
            entry.write_pending()


def export_for(user) -> dict[str, list[dict]]:
    """Everything held about a person, by model label, as JSON-ready rows."""
    _pending_write()
    return {entry.label: [entry.export_row(o) for o in entry.rows_for(user)] for entry in entries()}


def files_for(user) -> Iterator[tuple[str, models.fields.files.FieldFile]]:
    """(archive path, file) for every stored file that belongs to the person."""
    _pending_write()
    for entry in entries():
        for obj in entry.rows_for(user):
            for name in entry.file_fields:
                file = getattr(obj, name)
                if file:
                    yield (
                        f"files/{entry.label}/{obj.pk}/{name}/{file.name.rsplit('/', 1)[-1]}",
                        file,
                    )


def erase_for(user) -> ErasureReport:
    """Delete or anonymise every row about the person, keeping what a law requires.

    The user model's own entry runs last, so that rows pointing at the user
    are handled while the account still exists.
    """
    _pending_write()
    report = ErasureReport()
    today = timezone.localdate()
    ordered = sorted(entries(), key=lambda e: e.person_field is None)
    for entry in ordered:
        for obj in entry.rows_for(user):
            kept_until = entry.retention.keep_until(obj) if entry.retention else None
            if entry.erase == Erase.KEEP or (kept_until is not None and kept_until > today):
                report.kept.append(
                    {
                        "model": entry.label,
                        "id": obj.pk,
                        "law": entry.retention.law,
                        "reason": entry.retention.reason,
                        "kept_until": kept_until.isoformat() if kept_until else None,
                    }
                )
                continue
            _erase_files(entry, obj, report)
            if entry.erase == Erase.DELETE:
                obj.delete()
                report.deleted[entry.label] = report.deleted.get(entry.label, 0) + 1
            else:
                for name, value in entry.anonymise.items():
                    setattr(obj, name, value(obj) if callable(value) else value)
                obj.save()
                report.anonymised[entry.label] = report.anonymised.get(entry.label, 0) + 1
    return report


def revisable_choices() -> list[tuple[str, str]]:
    """("<model label>.<field>", label) of every value a person may ask to correct."""
    return [
        (f"{entry.label}.{name}", label)
        for entry in entries()
        for name, label in entry.revisable_fields.items()
    ]


def revise_for(user, changes: dict[str, str]) -> list[str]:
    """Apply corrections keyed as in revisable_choices(); returns the keys that changed."""
    changed = []
    for entry in entries():
        own = {
            key.rsplit(".", 1)[1]: value
            for key, value in changes.items()
            if key.rsplit(".", 1)[0] == entry.label
        }
        if not own or entry.revise is None:
            continue
        for obj in entry.rows_for(user):
            changed += [f"{entry.label}.{name}" for name in entry.revise(obj, own)]
    return changed


def _erase_files(entry: PersonalData, obj: models.Model, report: ErasureReport) -> None:
    """Files go once the erasure is committed: one rolled back (a lost database
    connection) keeps every row, and every file those rows name."""
    for name in entry.file_fields:
        file = getattr(obj, name)
        if file:
            report.files_deleted.append(file.name)
            transaction.on_commit(functools.partial(file.storage.delete, file.name))
            setattr(obj, name, None)


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | dict | str | int | float | bool) or value is None:
        return value
    return str(value)
