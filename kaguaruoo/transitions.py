"""One shape for every state machine of the site.

A model with a status field declares a `TransitionTable`: for each allowed
(from, to) move, the roles that may make it. `transition_move` checks the move
and applies it with a compare-and-swap (an UPDATE that matches the state the
caller read), so two requests racing on one object give one move and one
`IllegalTransition`, never two moves.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import models

from kaguaruoo.roles import Role

ANYONE = frozenset(Role)


class IllegalTransition(Exception):
    """The object cannot move from its state to the one asked, not by this role, or it
    changed state since it was read."""


@dataclass(frozen=True)
class TransitionTable:
    """(from, to) -> the roles that may make the move."""

    moves: Mapping[tuple[str, str], frozenset[Role]]

    @classmethod
    def of(cls, moves: Mapping[tuple[str, str], Iterable[Role] | Role]) -> "TransitionTable":
        return cls(
            {
                move: frozenset({who} if isinstance(who, Role) else who)
                for move, who in moves.items()
            }
        )

    @classmethod
    def unguarded(cls, moves: Iterable[tuple[str, str]]) -> "TransitionTable":
        """A table whose moves anyone the service lets through may make."""
        return cls({move: ANYONE for move in moves})

    def allows(self, *, current: str, to: str, role: Role = Role.SYSTEM) -> bool:
        return role in self.moves.get((current, to), ())

    def check(self, *, current: str, to: str, role: Role = Role.SYSTEM, message: str = ""):
        if not self.allows(current=current, to=to, role=role):
            raise IllegalTransition(message or f"{role} cannot move {current} -> {to}")

    def sources(self, to: str) -> set[str]:
        """The states from which `to` may be reached."""
        return {start for start, end in self.moves if end == to}


def transition_move(
    *,
    obj: models.Model,
    table: TransitionTable,
    to: str,
    role: Role = Role.SYSTEM,
    field: str = "status",
    message: str = "",
    **fields,
) -> models.Model:
    """Move `obj` to `to` if the table allows it and nobody moved it meanwhile.

    `fields` are written in the same UPDATE. The object is re-read afterwards.
    """
    current = getattr(obj, field)
    table.check(current=current, to=to, role=role, message=message)
    manager = type(obj)._default_manager
    moved = manager.filter(pk=obj.pk, **{field: current}).update(**{field: to}, **fields)
    if not moved:
        raise IllegalTransition(
            message or f"{obj._meta.model_name} {obj.pk} changed state meanwhile"
        )
    obj.refresh_from_db()
    return obj


def transition_move_many(
    *, queryset: models.QuerySet, table: TransitionTable, to: str, field: str = "status", **fields
) -> int:
    """Move every row of `queryset` that the table lets reach `to`; the count moved."""
    return queryset.filter(**{f"{field}__in": table.sources(to)}).update(**{field: to}, **fields)
