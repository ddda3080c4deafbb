from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One mail to one person, from the moment it is decided until the SMTP server answers.

    pending -> claimed (a worker holds it until `lease_until`) -> sent, failed or
    skipped. `key` is unique, so a message decided twice (one campaign, one person)
    is one row; `message_id` is derived from the key, so the same message keeps the
    same Message-ID however often it is tried.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("key"), max_length=120, unique=True)
    group = models.CharField(_("group"), max_length=60)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    address = models.EmailField(_("address"), max_length=254)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    not_before = models.DateTimeField(_("not before"))
    claim = models.CharField(_("claim"), max_length=40, blank=True)
    worker = models.CharField(_("worker"), max_length=120, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    message_id = models.CharField(_("Message-ID"), max_length=200)
    smtp_response = models.TextField(_("SMTP answer"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [
            models.Index(fields=["state", "not_before"], name="outbox_due"),
            models.Index(fields=["group", "state"], name="outbox_group_state"),
            models.Index(fields=["group", "finished_at"], name="outbox_group_finished"),
        ]

    def __str__(self):
        return f"{self.key} -> {self.address} ({self.get_state_display()})"
