"""What a row of each kind becomes at the moment it goes out.

An app registers a preparer for its kind from its `AppConfig.ready`::

    @outbox_kind_register("campaign")
    def campaign_prepare(message: OutboxMessage) -> Prepared | Skip | Hold: ...

The drain asks the preparer about each claimed batch right before the batch goes out
(a few dozen mails, well under a second at the usual rates), so a consent withdrawn
or a campaign paused a moment earlier is seen; a kind may answer for the whole batch
at once (`prepare_many`) so that it reads consents and renders in a few queries. The preparer
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
    # `prepare_many(rows) -> {row pk: answer}`: the same answers for a batch of rows in
    # a few queries; without it, `prepare` is asked row by row.
    prepare_many: Callable[[list], dict] | None = None

    def prepare_batch(self, messages: list) -> dict:
        if self.prepare_many is not None:
            return self.prepare_many(messages)
        return {message.pk: self.prepare(message) for message in messages}


_kinds: dict[str, Kind] = {}


def outbox_kind_register(
    name: str,
    *,
    on_group_done: Callable[[str], None] | None = None,
    prepare_many: Callable[[list], dict] | None = None,
):
    def decorator(prepare: Preparer) -> Preparer:
        _kinds[name] = Kind(
            name=name, prepare=prepare, on_group_done=on_group_done, prepare_many=prepare_many
        )
        return prepare

    return decorator


def outbox_kind(name: str) -> Kind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No outbox kind {name!r} is registered.") from None


@outbox_kind_register("mail")
def mail_prepare(message) -> Prepared | Skip:
    """A mail rendered when it was decided: the payload holds it whole. A row whose
    person was erased before it went out has lost its payload and is not sent."""
    payload = message.payload
    if "subject" not in payload:
        return Skip("erased before it was sent")
    return Prepared(
        subject=payload["subject"],
        body=payload["body"],
        html=payload.get("html"),
        headers=payload.get("headers") or {},
        from_email=payload.get("from_email", ""),
    )
