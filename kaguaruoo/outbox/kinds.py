"""What a row of each kind becomes at the moment it goes out.

An app registers a preparer for its kind from its `AppConfig.ready`::

    @outbox_kind_register("campaign")
    def campaign_prepare(message: OutboxMessage) -> Prepared | Skip | Hold: ...

The drain calls the preparer right before it speaks to the SMTP server, so a
consent withdrawn or a campaign paused a second earlier is seen. The preparer
returns the rendered mail (`Prepared`), a reason not to send it at all (`Skip`),
or `Hold` to put the row back until `outbox_group_release`.

`on_group_done(group)`, when given, runs once a drain finds nothing pending or
being sent in a group it worked on (a campaign is then finished).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Prepared:
    subject: str
    body: str
    html: str | None = None
    headers: dict = field(default_factory=dict)
    from_email: str = ""


@dataclass(frozen=True)
class Skip:
    reason: str


@dataclass(frozen=True)
class Hold:
    reason: str = ""


Preparer = Callable[..., "Prepared | Skip | Hold"]


@dataclass(frozen=True)
class Kind:
    name: str
    prepare: Preparer
    on_group_done: Callable[[str], None] | None = None


_kinds: dict[str, Kind] = {}


def outbox_kind_register(name: str, *, on_group_done: Callable[[str], None] | None = None):
    def decorator(prepare: Preparer) -> Preparer:
        _kinds[name] = Kind(name=name, prepare=prepare, on_group_done=on_group_done)
        return prepare

    return decorator


def outbox_kind(name: str) -> Kind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No outbox kind {name!r} is registered.") from None


@outbox_kind_register("mail")
def mail_prepare(message) -> Prepared:
    """A mail rendered when it was decided: the payload holds it whole."""
    payload = message.payload
    return Prepared(
        subject=payload["subject"],
        body=payload["body"],
        html=payload.get("html"),
        headers=payload.get("headers") or {},
        from_email=payload.get("from_email", ""),
    )
