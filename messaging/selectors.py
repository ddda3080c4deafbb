"""Reads of threads and messages, each carrying the joins its page needs."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from kaguaruoo.cache import cache_forget
from listings.models import Listing, ListingPhoto
from listings.selectors import listing_get_public
from messaging.models import Attachment, DeliveryRequest, Message, NotificationPreference, Thread


def _unread_for(user: User) -> Q:
    """Messages of a thread that `user` has not read (the other party's, after the read mark)."""
    return ~Q(messages__sender=user) & (
        Q(tenant=user, messages__id__gt=F("tenant_last_read_id"))
        | Q(host=user, messages__id__gt=F("host_last_read_id"))
    )


def thread_get_for_party(*, user: User, pk: int) -> Thread:
    """The thread if `user` is its tenant or host; a 404 for anyone else.

    Every messaging view that touches a thread, its messages, files or delivery
    requests goes through here.
    """
    if not user.is_authenticated:
        raise Http404
    queryset = Thread.objects.filter(Q(tenant=user) | Q(host=user)).select_related(
        "listing", "listing__host", "tenant", "host"
    )
    return get_object_or_404(queryset, pk=pk)


def thread_get_for_tenant(*, user: User, pk: int) -> Thread:
    """The thread if `user` is its tenant; a 404 for the host and anyone else."""
    thread = thread_get_for_party(user=user, pk=pk)
    if thread.tenant_id != user.pk:
        raise Http404
    return thread


def delivery_get_for_thread(*, thread: Thread, pk: int) -> DeliveryRequest:
    """A delivery request of a thread already opened through an access helper."""
    return get_object_or_404(thread.deliveries.all(), pk=pk)


def listing_get_for_inquiry(*, user: User, pk: int) -> Listing:
    """A published listing that `user` may ask about: anyone's but their own (a 404)."""
    listing = listing_get_public(pk=pk)
    if listing.host_id == user.pk:
        raise Http404
    return listing


def thread_of_tenant(*, listing: Listing, tenant: User) -> Thread | None:
    """The tenant's conversation about the listing, if there is one already."""
    return listing.threads.filter(tenant=tenant).first()


def threads_for_user(*, user: User) -> QuerySet[Thread]:
    """The user's threads, newest activity first, each with its unread count."""
    return (
        Thread.objects.filter(Q(tenant=user) | Q(host=user))
        .select_related("listing", "tenant", "host")
        .annotate(unread=Count("messages", filter=_unread_for(user)))
        .order_by(F("last_message_at").desc(nulls_last=True), "-id")
    )


# What a message of a thread page shows of its sender (`User.public_name`) and of the
# delivery request it carries: reading no more keeps building thirty of them cheap.
SENDER_SHOWN = ("id", "account_type", "corporation_name", "last_name", "last_name_visibility")
DELIVERY_SHOWN = (
    "id",
    "thread_id",
    "message_id",
    "decision_message_id",
    "status",
    "delivery_date",
    "item",
    "carrier",
)


def thread_messages(*, thread: Thread) -> QuerySet[Message]:
    """A thread's messages in order, with what the page shows of their sender and delivery
    requests. Their files are read by `messages_with_attachments`, for the messages whose
    HTML is not in the cache."""
    return (
        thread.messages.select_related("sender", "delivery_request", "decided_delivery")
        .only(
            "id",
            "thread_id",
            "sender_id",
            "kind",
            "body",
            "texts",
            "erased",
            "link",
            "created_at",
            *(f"sender__{field}" for field in SENDER_SHOWN),
            *(f"delivery_request__{field}" for field in DELIVERY_SHOWN),
            *(f"decided_delivery__{field}" for field in DELIVERY_SHOWN),
        )
        .order_by("id")
    )


def messages_with_attachments(messages: list[Message]) -> list[Message]:
    """`messages`, each with its files in `attachment_list`: one query, none for no messages."""
    prefetch_related_objects(
        messages,
        Prefetch(
            "attachments", queryset=Attachment.objects.order_by("id"), to_attr="attachment_list"
        ),
    )
    return messages


MESSAGES_PER_PAGE = 30


@dataclass(frozen=True)
class MessageWindow:
    """One page of a thread: consecutive messages, oldest first, and the cursors around it."""

    messages: list[Message]
    older: int | None  # `before` for the page of older messages; None when none are older
    newer: int | None  # `after` for the page of newer messages; None on the newest page


def thread_messages_window(
    *,
    thread: Thread,
    before: int | None = None,
    after: int | None = None,
    size: int = MESSAGES_PER_PAGE,
) -> MessageWindow:
    """`size` messages of the thread: the newest, those just before message id `before`, or
    those just after message id `after`. One query wherever the page lies in a thread of
    any length; a cursor past either end gives the newest."""
    messages = thread_messages(thread=thread)
    if before is not None:
        # Whether anything is newer than the page rides on the page's own query.
        newer_exist = Exists(Message.objects.filter(thread=thread, id__gte=before))
        rows = list(
            messages.filter(id__lt=before).annotate(beyond=newer_exist).order_by("-id")[: size + 1]
        )
        if rows:
            page = rows[:size][::-1]
            older = page[0].id if len(rows) > size else None
            return MessageWindow(page, older=older, newer=page[-1].id if page[-1].beyond else None)
    elif after is not None:
        older_exist = Exists(Message.objects.filter(thread=thread, id__lte=after))
        rows = list(
            messages.filter(id__gt=after).annotate(beyond=older_exist).order_by("id")[: size + 1]
        )
        if rows:
            page = rows[:size]
            newer = page[-1].id if len(rows) > size else None
            return MessageWindow(page, older=page[0].id if page[0].beyond else None, newer=newer)
    rows = list(messages.order_by("-id")[: size + 1])
    page = rows[:size][::-1]
    return MessageWindow(page, older=page[0].id if len(rows) > size else None, newer=None)


def thread_cover_photo(*, thread: Thread) -> ListingPhoto | None:
    return (
        ListingPhoto.objects.filter(listing_id=thread.listing_id, state=ListingPhoto.State.READY)
        .order_by("-is_cover", "position", "id")
        .first()
    )


def message_get_for_notification(*, pk: int) -> Message | None:
    """A message with what its notification mail shows; None once it is gone."""
    return (
        Message.objects.select_related(
            "thread__listing", "thread__tenant", "thread__host", "sender"
        )
        .filter(pk=pk)
        .first()
    )


# The header's unread count is kept in the shared cache this long; the messaging
# services forget it when a message arrives or is read (unread_counts_forget).
UNREAD_SECONDS = 300


def _unread_key(user_id: int) -> str:
    return f"messaging:unread:{user_id}"


def unread_message_count(*, user: User) -> int:
    """How many messages wait for `user` across all threads: one query, or the count
    kept since the last message to or read by them."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = (
            Message.objects.filter(
                Q(thread__tenant=user, id__gt=F("thread__tenant_last_read_id"))
                | Q(thread__host=user, id__gt=F("thread__host_last_read_id"))
            )
            .exclude(sender=user)
            .count()
        )
        cache.set(key, count, UNREAD_SECONDS)
    return count


def unread_counts_forget(*user_ids: int) -> None:
    """After a message was added or read: the parties' counts are asked again."""
    cache_forget(*(_unread_key(pk) for pk in user_ids))


def notification_preference_of(*, user: User) -> NotificationPreference | None:
    return NotificationPreference.objects.filter(user=user).first()


def email_on_message(*, user: User) -> bool:
    preference = notification_preference_of(user=user)
    return preference.email_on_message if preference else True


def attachment_get_for_thread(*, thread: Thread, pk: int) -> Attachment:
    return get_object_or_404(Attachment.objects.filter(message__thread=thread), pk=pk)
