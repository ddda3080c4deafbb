"""Every write of the messaging app: threads, messages, delivery requests, notifications."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from kaguaruoo.i18n import every_language, in_reader_language
from kaguaruoo.mail import mail_send, recipient_language
from kaguaruoo.roles import Role, stay_role
from kaguaruoo.transitions import TransitionTable, transition_move
from kaguaruoo.uploads import attachment_check, attachment_store
from listings.models import Listing
from messaging import extensions
from messaging.masking import mask_contact_details
from messaging.models import (
    Attachment,
    DeliveryRequest,
    Message,
    NotificationPreference,
    Thread,
    ThreadNotification,
)
from messaging.selectors import unread_counts_forget
from privacy.services import ProvisionRefused, consent_record, personal_data_provide

NOTIFICATION_INTERVAL = datetime.timedelta(minutes=10)

# Profile fields a tenant may share with a host. The public name and the inquiry's
# answers always go with an inquiry; the others only when ticked.
ALWAYS_SHARED = ("public_name", "inquiry")
OPTIONAL_SHARED = ("full_name", "phone")


@dataclass(frozen=True)
class Inquiry:
    move_in: datetime.date
    months: int
    people: int
    body: str


def thread_contact_unmasked(thread: Thread) -> bool:
    """Whether the parties see each other's e-mail addresses and phone numbers in messages.

    False until the parties are protected by a signed contract: the contracts app
    registers the check (messaging/extensions.py).
    """
    return extensions.contact_unmasked(thread=thread)


def contact_text_for(*, text: str, author_id: int, viewer: User, unmasked: bool) -> str:
    """Text as `viewer` reads it: contact details hidden unless the viewer wrote it."""
    if unmasked or author_id == viewer.pk:
        return text
    return mask_contact_details(text)


def message_text_for(*, message: Message, viewer: User, unmasked: bool) -> str:
    if message.kind == Message.Kind.NOTICE:
        return in_reader_language(message.texts, message.body)
    return contact_text_for(
        text=message.body, author_id=message.sender_id, viewer=viewer, unmasked=unmasked
    )


def sharing_agreement_with(*, tenant: User, host: User) -> dict | None:
    """The tenant's earlier agreement to share with this host; None before a first inquiry."""
    return (
        Thread.objects.filter(tenant=tenant, host=host, sharing_agreed_at__isnull=False)
        .order_by("-sharing_agreed_at")
        .values("shared_fields", "sharing_agreed_at", "sharing_ip")
        .first()
    )


def _record_profile_sharing_consent(
    *, tenant: User, host: User, listing: Listing, fields: list[str], ip: str | None
) -> None:
    """Record that `tenant` agreed to share `fields` of their profile with `host`.

    Privacy policy 1.1.3 and 3.2: the consent goes into the privacy app's history
    (with the policy version in force and the IP), and the thread remembers which
    fields the host may see.
    """
    consent_record(
        user=tenant,
        purpose="profile_sharing",
        granted=True,
        ip=ip,
        source="inquiry",
    )
    Thread.objects.filter(tenant=tenant, listing=listing).update(
        shared_fields=fields, sharing_agreed_at=timezone.now(), sharing_ip=ip
    )


def _provide_inquiry_to_host(*, thread: Thread, tenant: User) -> None:
    """Hand the inquiry to the host under the tenant's consent, recorded as a provision.

    Without the consent in force (withdrawn on /privacy/me/) nothing goes to the host.
    """
    try:
        personal_data_provide(
            person=tenant,
            recipient=thread.host,
            recipient_name=thread.host.public_name,
            data_items=list(thread.shared_fields),
            purpose=lambda: (
                _("Inquiry about the listing “%(title)s”") % {"title": thread.listing.title}
            ),
            basis="consent",
        )
    except ProvisionRefused as error:
        raise ValidationError(
            _(
                "You withdrew your consent to share your details with hosts. "
                "Give it again on your privacy page to send an inquiry."
            )
        ) from error


def thread_start(
    *,
    tenant: User,
    listing: Listing,
    inquiry: Inquiry,
    optional_fields: list[str],
    agreed: bool,
    ip: str | None,
    notify: bool = True,
) -> Thread:
    """Open the tenant's thread on a listing with the inquiry as its first message."""
    if listing.host_id == tenant.pk:
        raise ValidationError(_("You cannot send an inquiry about your own listing."))
    if listing.status != Listing.Status.PUBLISHED:
        raise ValidationError(_("This listing is not published."))
    earlier = sharing_agreement_with(tenant=tenant, host=listing.host)
    if earlier is None and not agreed:
        raise ValidationError(_("Agree to share your details with the host to send an inquiry."))
    fields = list(ALWAYS_SHARED) + [f for f in OPTIONAL_SHARED if f in optional_fields]
    # One transaction: if the provision is refused, no thread, consent or message remains.
    with transaction.atomic():
        try:
            with transaction.atomic():
                thread = Thread.objects.create(
                    listing=listing,
                    tenant=tenant,
                    host=listing.host,
                    move_in=inquiry.move_in,
                    months=inquiry.months,
                    people=inquiry.people,
                )
        except IntegrityError as error:
            raise ValidationError(
                _("You already have a conversation about this listing."), code="duplicate"
            ) from error
        if agreed:
            _record_profile_sharing_consent(
                tenant=tenant, host=listing.host, listing=listing, fields=fields, ip=ip
            )
        else:
            # A later inquiry to the same host goes under the agreement already given.
            Thread.objects.filter(pk=thread.pk).update(**earlier)
        thread.refresh_from_db()
        _provide_inquiry_to_host(thread=thread, tenant=tenant)
        message_post(thread=thread, sender=tenant, body=inquiry.body, notify=notify)
    return thread


def _check_party(thread: Thread, user: User) -> None:
    if user.pk not in (thread.tenant_id, thread.host_id):
        raise PermissionDenied


@transaction.atomic
def message_post(
    *,
    thread: Thread,
    sender: User,
    body: str,
    attachment: UploadedFile | None = None,
    kind: str = Message.Kind.TEXT,
    link: str = "",
    notify: bool = True,
    texts: dict | None = None,
) -> Message:
    """Add a message (and its file) to the thread; the other party's mail is sent once
    it is committed."""
    _check_party(thread, sender)
    body = body.strip()
    if kind == Message.Kind.TEXT and not body and attachment is None:
        raise ValidationError(_("Write a message or attach a file."))
    checked = attachment_check(attachment) if attachment is not None else None
    # A reader sees the message with its file or not at all: a thread page keeps a
    # message's HTML in the cache without asking for its files again.
    with transaction.atomic():
        message = Message.objects.create(
            thread=thread, sender=sender, body=body, kind=kind, link=link, texts=texts or {}
        )
        if checked is not None:
            stored = Attachment(message=message)
            attachment_store(obj=stored, file=attachment, checked=checked)
            stored.save()
        read_field = "tenant_last_read_id" if sender.pk == thread.tenant_id else "host_last_read_id"
        Thread.objects.filter(pk=thread.pk).update(
            last_message_at=message.created_at, **{read_field: message.pk}
        )
        if notify:
            # In the message's own transaction: the mail exists exactly when the message
            # does, whether or not the broker is up (kaguaruoo/mail.py).
            message_notification_send(message=message)
        unread_counts_forget(thread.tenant_id, thread.host_id)
    return message


def notice_post(*, thread: Thread, actor: User, text: Callable[[], str], link: str = "") -> Message:
    """A step of the stay (a reservation request, a contract sent or signed) in the thread.

    `text` gives the notice in the active language; it is kept in every language
    of the site, and each party reads it in theirs. The app that posts it mails
    the parties itself, so no message notification goes out.
    """
    texts = every_language(text)
    return message_post(
        thread=thread,
        sender=actor,
        body=texts[settings.LANGUAGE_CODE],
        kind=Message.Kind.NOTICE,
        link=link,
        notify=False,
        texts=texts,
    )


def thread_mark_read(*, thread: Thread, user: User, up_to: int | None = None) -> None:
    """The thread's messages up to id `up_to` (by default every one so far) count as read
    by `user`. A read mark only moves forward."""
    _check_party(thread, user)
    latest = up_to
    if latest is None:
        latest = thread.messages.order_by("-id").values_list("id", flat=True).first() or 0
    field = "tenant_last_read_id" if user.pk == thread.tenant_id else "host_last_read_id"
    moved = Thread.objects.filter(pk=thread.pk, **{f"{field}__lt": latest}).update(
        **{field: latest}
    )
    if moved:
        unread_counts_forget(user.pk)


def notification_preference_set(*, user: User, email_on_message: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_on_message": email_on_message}
    )
    return preference


def _claim_notification_slot(*, thread: Thread, recipient: User) -> bool:
    """True for exactly one caller per thread and recipient in any 10 minutes."""
    row, _created = ThreadNotification.objects.get_or_create(thread=thread, recipient=recipient)
    now = timezone.now()
    claimed = (
        ThreadNotification.objects.filter(pk=row.pk)
        .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - NOTIFICATION_INTERVAL))
        .update(last_sent_at=now)
    )
    return claimed == 1


def message_notification_send(*, message: Message) -> bool:
    """Mail the other party about a new message, unless they opted out or were mailed lately.

    Returns whether a mail was queued.
    """
    thread = message.thread
    recipient = thread.other_party(message.sender)
    if not recipient.is_active:
        return False
    if NotificationPreference.objects.filter(user=recipient, email_on_message=False).exists():
        return False
    if not _claim_notification_slot(thread=thread, recipient=recipient):
        return False
    # The context's own words (a hidden name, the kind of message) in the recipient's language.
    with translation.override(recipient_language(recipient)):
        context = _notification_context(message, recipient)
    return mail_send(to=recipient, template="messaging/emails/new_message", context=context)


def _notification_context(message: Message, recipient) -> dict:
    thread = message.thread
    return {
        "recipient": recipient,
        "sender_name": message.sender.public_name,
        "listing_title": thread.listing.title,
        "text": message_text_for(
            message=message, viewer=recipient, unmasked=thread_contact_unmasked(thread)
        ),
        "has_attachment": message.attachments.exists(),
        "kind": message.get_kind_display() if message.kind != Message.Kind.TEXT else "",
        "thread_url": settings.SITE_URL + thread.get_absolute_url(),
        "preferences_url": settings.SITE_URL + reverse("messaging:preferences"),
    }


# Delivery requests: (from, to) -> who may make the move.
DELIVERY_TRANSITIONS = TransitionTable.of(
    {
        (DeliveryRequest.Status.PENDING, DeliveryRequest.Status.ACCEPTED): Role.HOST,
        (DeliveryRequest.Status.PENDING, DeliveryRequest.Status.REJECTED): Role.HOST,
        (DeliveryRequest.Status.PENDING, DeliveryRequest.Status.CANCELLED): Role.TENANT,
    }
)


@transaction.atomic
def delivery_request_create(
    *,
    thread: Thread,
    by: User,
    delivery_date: datetime.date,
    item: str,
    carrier: str = "",
    notes: str = "",
    notify: bool = True,
) -> DeliveryRequest:
    """The tenant asks the host to receive a delivery at the property."""
    _check_party(thread, by)
    if by.pk != thread.tenant_id:
        raise PermissionDenied
    if delivery_date < timezone.localdate():
        raise ValidationError(_("The delivery date is in the past."))
    if not item.strip():
        raise ValidationError(_("Say what is delivered."))
    message = message_post(
        thread=thread, sender=by, body=notes, kind=Message.Kind.DELIVERY_REQUEST, notify=notify
    )
    return DeliveryRequest.objects.create(
        thread=thread,
        message=message,
        delivery_date=delivery_date,
        item=item.strip(),
        carrier=carrier.strip(),
        notes=notes.strip(),
    )


@transaction.atomic
def delivery_request_transition(
    *, delivery: DeliveryRequest, by: User, to: str, reason: str = ""
) -> DeliveryRequest:
    """Accept, reject (with a reason) or cancel a delivery request; anything else raises."""
    thread = delivery.thread
    role = stay_role(thread, by)
    DELIVERY_TRANSITIONS.check(current=delivery.status, to=to, role=role)
    reason = reason.strip()
    if to == DeliveryRequest.Status.REJECTED and not reason:
        raise ValidationError(_("Give the tenant a reason for the rejection."))
    transition_move(
        obj=delivery,
        table=DELIVERY_TRANSITIONS,
        to=to,
        role=role,
        reason=reason,
        decided_at=timezone.now(),
    )
    decision = message_post(
        thread=thread, sender=by, body=reason, kind=Message.Kind.DELIVERY_DECISION
    )
    DeliveryRequest.objects.filter(pk=delivery.pk).update(decision_message=decision)
    delivery.refresh_from_db()
    return delivery
