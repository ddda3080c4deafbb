"""What the messaging app holds about a person, and how to export or erase it.

The privacy app discovers this module (as Django discovers admin modules) and
calls `export` for a disclosure request and `erase` for a deletion request; it
never imports the models here itself.

Held about a user:
- threads they take part in, as tenant or host, with the inquiry's answers
  (move-in date, months, people) and the profile fields they agreed to share;
- messages they sent, as typed (contact details are masked only when shown);
- files they attached (PDFs and images);
- delivery requests they made, and the decisions and reasons they gave as host;
- their mail notification preference, and when they were last mailed per thread.

Erasing keeps the threads (the other party's record of the conversation and of
the consent given) but removes what the person wrote: message texts are replaced,
files deleted, delivery details blanked, preferences and throttle rows deleted.
"""

from django.db.models import Q

from accounts.models import User
from messaging.models import (
    Attachment,
    DeliveryRequest,
    Message,
    NotificationPreference,
    Thread,
    ThreadNotification,
)

MODELS = [Thread, Message, Attachment, DeliveryRequest, NotificationPreference, ThreadNotification]


def export(user: User) -> dict:
    """Everything above about `user`, as plain JSON-ready data."""
    threads = Thread.objects.filter(Q(tenant=user) | Q(host=user)).select_related("listing")
    sent = Message.objects.filter(sender=user).order_by("id")
    preference = NotificationPreference.objects.filter(user=user).first()
    return {
        "threads": [
            {
                "id": thread.pk,
                "listing": thread.listing.title,
                "role": "tenant" if thread.tenant_id == user.pk else "host",
                "move_in": thread.move_in.isoformat(),
                "months": thread.months,
                "people": thread.people,
                "shared_fields": thread.shared_fields if thread.tenant_id == user.pk else None,
                "sharing_agreed_at": (
                    thread.sharing_agreed_at.isoformat()
                    if thread.tenant_id == user.pk and thread.sharing_agreed_at
                    else None
                ),
                "sharing_ip": thread.sharing_ip if thread.tenant_id == user.pk else None,
                "created_at": thread.created_at.isoformat(),
            }
            for thread in threads
        ],
        "messages": [
            {
                "thread": message.thread_id,
                "kind": message.kind,
                "text": message.body,
                "sent_at": message.created_at.isoformat(),
            }
            for message in sent
        ],
        "attachments": [
            {
                "thread": attachment.message.thread_id,
                "name": attachment.original_name,
                "type": attachment.content_type,
                "size": attachment.size,
            }
            for attachment in Attachment.objects.filter(message__sender=user).select_related(
                "message"
            )
        ],
        "delivery_requests": [
            {
                "thread": delivery.thread_id,
                "date": delivery.delivery_date.isoformat(),
                "item": delivery.item,
                "carrier": delivery.carrier,
                "notes": delivery.notes,
                "status": delivery.status,
                "reason": delivery.reason,
            }
            for delivery in DeliveryRequest.objects.filter(
                Q(thread__tenant=user) | Q(thread__host=user)
            )
        ],
        "notification_preference": {
            "email_on_message": preference.email_on_message if preference else True,
        },
    }


def erase(user: User) -> None:
    """Anonymise what `user` wrote and delete the files they sent."""
    for attachment in Attachment.objects.filter(message__sender=user):
        attachment.file.delete(save=False)
        attachment.delete()
    Message.objects.filter(sender=user).update(body="", erased=True)
    DeliveryRequest.objects.filter(thread__tenant=user).update(item="—", carrier="", notes="")
    DeliveryRequest.objects.filter(thread__host=user).exclude(reason="").update(reason="—")
    NotificationPreference.objects.filter(user=user).delete()
    ThreadNotification.objects.filter(recipient=user).delete()
