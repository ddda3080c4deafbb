"""Stand-ins for two kernel interfaces not landed yet; each is used only when its real
module is missing, and goes once `kaguaruoo.outbox.services.outbox_add` and
`campaigns.core.fields.campaign_field_register` exist.
"""

from collections.abc import Callable

from django.utils import timezone

from kaguaruoo.outbox.models import OutboxMessage

campaign_fields: dict[str, tuple[str, Callable[..., str]]] = {}


def outbox_add(*, kind, key, group, address, recipient=None, payload=None) -> OutboxMessage:
    """A pending outbox row, idempotent on `key` (the real one also queues the drain)."""
    message, _created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "group": group,
            "address": address,
            "recipient": recipient,
            "payload": payload or {},
            "state": OutboxMessage.State.PENDING,
            "not_before": timezone.now(),
            "message_id": f"<{key}@kaguaruoo.jp>",
        },
    )
    return message


def campaign_field_register(name: str, label):
    def decorator(fn):
        campaign_fields[name] = (label, fn)
        return fn

    return decorator
