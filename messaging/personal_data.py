"""What the messaging app holds about a person (see privacy/registry.py).

- threads a tenant opened, with the inquiry's answers and the profile fields
  they agreed to share (and from which IP);
- messages a person sent, as typed (contact details are masked only when shown);
- files they attached;
- delivery requests a tenant made;
- their mail notification preference, and when they were last mailed per thread.

Erasing keeps the threads and messages as the other party's record of the
conversation, but removes what the person wrote: texts are emptied, files
deleted, delivery details blanked, preferences and throttle rows deleted.
"""

from django.db.models import Count
from django.db.models.functions import TruncMonth

from messaging.models import (
    Attachment,
    DeliveryRequest,
    Message,
    NotificationPreference,
    Thread,
    ThreadNotification,
)
from privacy.anonymised import Aggregate, register_aggregate
from privacy.registry import Erase, PersonalData, register

register(
    PersonalData(
        model=Thread,
        person_field="tenant",
        export=lambda thread: {
            "id": thread.pk,
            "listing": thread.listing.title,
            "move_in": thread.move_in.isoformat(),
            "months": thread.months,
            "people": thread.people,
            "shared_fields": thread.shared_fields,
            "sharing_agreed_at": (
                thread.sharing_agreed_at.isoformat() if thread.sharing_agreed_at else None
            ),
            "sharing_ip": thread.sharing_ip,
            "created_at": thread.created_at.isoformat(),
        },
        erase=Erase.ANONYMISE,
        anonymise={"sharing_ip": None},
        other_user_fields={"host": "the host of the listing the inquiry went to"},
    )
)

register(
    PersonalData(
        model=Message,
        person_field="sender",
        export_fields=("thread_id", "kind", "body", "created_at"),
        erase=Erase.ANONYMISE,
        anonymise={"body": "", "erased": True},
    )
)

register(
    PersonalData(
        model=Attachment,
        person_field="message__sender",
        export_fields=("original_name", "content_type", "size"),
        file_fields=("file",),
        erase=Erase.DELETE,
    )
)

register(
    PersonalData(
        model=DeliveryRequest,
        person_field="thread__tenant",
        export_fields=("delivery_date", "item", "carrier", "notes", "status", "reason"),
        erase=Erase.ANONYMISE,
        anonymise={"item": "—", "carrier": "", "notes": ""},
    )
)

register(
    PersonalData(
        model=NotificationPreference,
        person_field="user",
        export_fields=("email_on_message",),
        erase=Erase.DELETE,
    )
)

register(
    PersonalData(
        model=ThreadNotification,
        person_field="recipient",
        export_fields=("thread_id", "last_sent_at"),
        erase=Erase.DELETE,
    )
)


def _inquiries_by_prefecture_and_month():
    """Tenants who inquired, per prefecture of the listing and month of the inquiry."""
    rows = (
        Thread.objects.annotate(month=TruncMonth("created_at"))
        .values("listing__prefecture", "month")
        .annotate(people=Count("tenant", distinct=True))
        .order_by("month", "listing__prefecture")
    )
    return [
        (
            {"prefecture": row["listing__prefecture"], "month": f"{row['month']:%Y-%m}"},
            row["people"],
        )
        for row in rows
    ]


def _stay_lengths_asked():
    """Tenants by the number of months they asked for in an inquiry."""
    rows = Thread.objects.values("months").annotate(people=Count("tenant", distinct=True))
    return [({"months": str(row["months"])}, row["people"]) for row in rows.order_by("months")]


register_aggregate(
    Aggregate(
        name="inquiries_by_prefecture_and_month",
        description="Tenants who inquired about a listing, by prefecture and month",
        items=("prefecture of the listing", "month of the inquiry", "number of tenants"),
        groups=_inquiries_by_prefecture_and_month,
    )
)

register_aggregate(
    Aggregate(
        name="stay_lengths_asked",
        description="Tenants by the length of stay they asked for",
        items=("months asked for", "number of tenants"),
        groups=_stay_lengths_asked,
    )
)
