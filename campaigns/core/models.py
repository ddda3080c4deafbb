from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from listings.japanese import PREFECTURES

PREFECTURE_CHOICES = [(name, name) for name, _reading in PREFECTURES]


class Campaign(models.Model):
    """A mail to an audience, in each recipient's language, sent once to each of them."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        TENANTS = "tenants", _("Tenants (a reservation request or contract)")
        HOSTS = "hosts", _("Hosts (a listing)")
        PREFECTURE = "prefecture", _("Interested in a prefecture")
        STAY_ENDING = "stay_ending", _("Tenants whose stay ends within N days")
        OPENED = "opened", _("Opened an earlier campaign")
        NOT_OPENED = "not_opened", _("Did not open an earlier campaign")

    class Purpose(models.TextChoices):
        MARKETING = "marketing", _("Campaign, service or gift (marketing consent)")
        QUESTIONNAIRE = "questionnaires", _("Questionnaire (questionnaire consent)")

    name = models.CharField(_("name"), max_length=120, help_text=_("For staff only."))
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=Purpose, default=Purpose.MARKETING
    )
    subject_en = models.CharField(_("subject (English)"), max_length=150)
    subject_ja = models.CharField(_("subject (Japanese)"), max_length=150)
    body_en = models.TextField(_("body (English)"))
    body_ja = models.TextField(_("body (Japanese)"))
    audience = models.CharField(_("audience"), max_length=20, choices=Audience)
    audience_prefecture = models.CharField(
        _("prefecture"), max_length=10, choices=PREFECTURE_CHOICES, blank=True
    )
    audience_days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    audience_campaign = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("earlier campaign"),
    )
    questionnaire = models.ForeignKey(
        "campaigns.Questionnaire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("questionnaire"),
    )
    scheduled_at = models.DateTimeField(
        _("send at"), null=True, blank=True, help_text=_("Empty: as soon as staff press Send.")
    )
    applications_open = models.BooleanField(
        _("takes applications"),
        default=False,
        help_text=_("The campaign has a public page where signed-in users apply (for a gift)."),
    )
    applications_close_at = models.DateTimeField(
        _("applications close at"),
        null=True,
        blank=True,
        help_text=_("After this time the page says applications are closed. Needed for a draw."),
    )
    summary_en = models.TextField(
        _("summary (English)"), blank=True, help_text=_("Shown on the campaign's public page.")
    )
    summary_ja = models.TextField(_("summary (Japanese)"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.name

    @property
    def outbox_group(self) -> str:
        return f"campaign:{self.pk}"


class CampaignLink(models.Model):
    """A link of the campaign's body, in the order it appears; mails point at /t/<token>."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="links")
    position = models.PositiveSmallIntegerField(_("position"))
    url = models.URLField(_("address"), max_length=500)
    # The same link of the Japanese body (the two bodies have the same links, in order).
    url_ja = models.URLField(_("address (Japanese)"), max_length=500, blank=True)

    class Meta:
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "position"], name="campaign_link_once")
        ]

    def __str__(self):
        return self.url

    def url_for(self, language: str) -> str:
        return self.url_ja if language == "ja" and self.url_ja else self.url


class Delivery(models.Model):
    """The campaign's mail to one person: its outbox row, and what the person did with it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="campaign_deliveries",
        verbose_name=_("recipient"),
    )
    message = models.OneToOneField(
        "outbox.OutboxMessage", on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8)
    opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    opens = models.PositiveIntegerField(_("opens"), default=0)
    clicks = models.PositiveIntegerField(_("clicks"), default=0)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="delivery_once_per_person")
        ]

    def __str__(self):
        return f"{self.campaign} -> {self.user}"


class Click(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="click_rows")
    link = models.ForeignKey(CampaignLink, on_delete=models.CASCADE, related_name="click_rows")
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["link", "at"])]

    def __str__(self):
        return f"{self.link} at {self.at:%Y-%m-%d %H:%M}"
