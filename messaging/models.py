from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaguaruoo.uploads import upload_path


class Thread(models.Model):
    """The one conversation between a tenant and the host of a listing."""

    listing = models.ForeignKey(
        "listings.Listing", on_delete=models.PROTECT, related_name="threads"
    )
    tenant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads_as_tenant"
    )
    # The listing's host when the thread began: the other party, whatever later happens.
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads_as_host"
    )
    # The inquiry's answers (privacy policy 1.1.2).
    move_in = models.DateField(_("move-in date"))
    months = models.PositiveSmallIntegerField(
        _("months"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    people = models.PositiveSmallIntegerField(
        _("number of people"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    # What the tenant agreed to share with the host (privacy policy 1.1.3, 3.2).
    shared_fields = models.JSONField(default=list, blank=True)
    sharing_agreed_at = models.DateTimeField(null=True, blank=True)
    sharing_ip = models.GenericIPAddressField(null=True, blank=True)
    # Each party has read every message up to this id.
    tenant_last_read_id = models.PositiveBigIntegerField(default=0)
    host_last_read_id = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        constraints = [
            models.UniqueConstraint(fields=["listing", "tenant"], name="thread_one_per_tenant"),
            models.CheckConstraint(
                condition=~models.Q(tenant=models.F("host")), name="thread_tenant_is_not_host"
            ),
        ]

    def __str__(self):
        return f"{self.listing} / {self.tenant}"

    def get_absolute_url(self):
        return reverse("messaging:thread_detail", kwargs={"pk": self.pk})

    def other_party(self, user):
        return self.host if user.pk == self.tenant_id else self.tenant


class Message(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Message")
        DELIVERY_REQUEST = "delivery_request", _("Delivery request")
        DELIVERY_DECISION = "delivery_decision", _("Delivery decision")
        # A step of the stay told by another app (a reservation request, a contract sent...).
        NOTICE = "notice", _("Notice")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages_sent"
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.TEXT)
    # The text as typed: contact details are masked when shown, never in storage.
    body = models.TextField(_("message"), blank=True)
    # A notice in each language of the site ({"en": …, "ja": …}): the parties may read
    # different ones. `body` holds the default language's, for admin and search.
    texts = models.JSONField(default=dict, blank=True)
    erased = models.BooleanField(default=False)
    # Where a notice points (the contract, the reservation request).
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["thread", "id"], name="message_thread_id")]

    def __str__(self):
        return f"{self.sender} @ {self.created_at:%Y-%m-%d %H:%M}"


def attachment_upload_to(attachment, filename):
    return upload_path(f"messaging/{attachment.message.thread_id}", filename)


class Attachment(models.Model):
    """A PDF or an image sent in a message; served only to the thread's parties."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse(
            "messaging:attachment",
            kwargs={"pk": self.message.thread_id, "attachment_pk": self.pk},
        )


class DeliveryRequest(models.Model):
    """A tenant asks the host to accept a parcel or furniture at the property."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the host")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="deliveries")
    message = models.OneToOneField(
        Message, on_delete=models.CASCADE, related_name="delivery_request"
    )
    decision_message = models.OneToOneField(
        Message,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decided_delivery",
    )
    delivery_date = models.DateField(_("delivery date"))
    item = models.CharField(_("what is delivered"), max_length=200)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reason=""),
                name="delivery_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.item} on {self.delivery_date}"


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_preference"
    )
    email_on_message = models.BooleanField(_("Email me when a new message arrives"), default=True)

    def __str__(self):
        return f"{self.user}: {'email' if self.email_on_message else 'no email'}"


class ThreadNotification(models.Model):
    """When a recipient was last mailed about a thread: the row that throttles mail.

    One row per thread and recipient; a worker sends only after it has moved
    `last_sent_at` forward with a conditional update, so two workers never both send.
    """

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "recipient"], name="thread_notification_once"
            ),
        ]

    def __str__(self):
        return f"{self.thread_id} -> {self.recipient_id}: {self.last_sent_at}"
