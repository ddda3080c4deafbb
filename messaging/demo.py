"""Demo conversations: Alex and Mei ask Hana about her Shibuya listing."""

import datetime

from django.utils import timezone

from accounts.models import User
from listings.demo import shibuya_listing
from messaging.models import Thread
from messaging.services import Inquiry, delivery_request_create, message_post, thread_start

CONVERSATIONS = [
    {
        "tenant": "alex.tenant@example.com",
        "optional_fields": ["full_name"],
        "inquiry": "Hello! I move to Tokyo for work. Is the flat quiet at night, "
        "and is there a desk big enough for two monitors?",
        "replies": [
            ("host", "Welcome! The street is calm after 22:00 and the desk is 140 cm wide."),
            ("tenant", "Perfect. Can I have a bicycle parked at the building?"),
            ("host", "Yes, there is a bicycle space; registration costs 300 yen a month."),
        ],
        "delivery": {"item": "Two boxes of books", "carrier": "Yamato Transport", "days": 20},
    },
    {
        "tenant": "mei.tenant@example.com",
        "optional_fields": [],
        "inquiry": "Hi, could you send the floor plan and tell me how far the supermarket is?",
        "replies": [
            ("host", "Of course: the floor plan follows; the supermarket is 3 minutes away."),
        ],
        "delivery": None,
    },
]


def load() -> int:
    """Create the demo threads once; a second run leaves them as they are. Returns their count."""
    listing = shibuya_listing()
    if listing is None:
        return 0
    today = timezone.localdate()
    for conversation in CONVERSATIONS:
        tenant = User.objects.get(email=conversation["tenant"])
        if Thread.objects.filter(listing=listing, tenant=tenant).exists():
            continue
        thread = thread_start(
            tenant=tenant,
            listing=listing,
            inquiry=Inquiry(
                move_in=max(listing.available_from, today + datetime.timedelta(days=30)),
                months=max(listing.min_months, min(3, listing.max_months)),
                people=1,
                body=conversation["inquiry"],
            ),
            optional_fields=conversation["optional_fields"],
            agreed=True,
            ip=None,
            notify=False,
        )
        for who, text in conversation["replies"]:
            sender = listing.host if who == "host" else tenant
            message_post(thread=thread, sender=sender, body=text, notify=False)
        if delivery := conversation["delivery"]:
            delivery_request_create(
                thread=thread,
                by=tenant,
                delivery_date=thread.move_in + datetime.timedelta(days=delivery["days"]),
                item=delivery["item"],
                carrier=delivery["carrier"],
                notify=False,
            )
    return Thread.objects.filter(listing=listing).count()
