from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.core.models import PREFECTURE_CHOICES, Campaign


class GiftApplication(models.Model):
    """A person applied to a campaign that takes applications; staff may choose it.

    The user is emptied when the person's data is erased, so the campaign's counts stay.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="applications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gift_applications",
        verbose_name=_("applicant"),
    )
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    chosen_at = models.DateTimeField(_("chosen at"), null=True, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chosen by"),
    )
    draw = models.ForeignKey(
        "GiftDraw",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("chosen in draw"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="gift_application_once")
        ]

    def __str__(self):
        return f"{self.campaign} · {self.user or _('(erased)')}"


class GiftDraw(models.Model):
    """A recorded random draw: anyone can re-run it from its seed and its candidates.

    `random.Random(seed).sample(candidate_ids, number)` gives `chosen_ids`, where
    `candidate_ids` are the ids of the campaign's applications not chosen before the
    draw, in ascending order.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="gift_draws")
    seed = models.CharField(_("seed"), max_length=64)
    number = models.PositiveIntegerField(_("number drawn"))
    candidate_ids = models.JSONField(_("candidate application ids"))
    chosen_ids = models.JSONField(_("chosen application ids"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drawn by"),
    )
    drawn_at = models.DateTimeField(_("drawn at"))

    class Meta:
        ordering = ["-drawn_at", "-pk"]
        verbose_name = _("draw")
        verbose_name_plural = _("draws")

    def __str__(self):
        return f"{self.campaign} · {timezone.localtime(self.drawn_at):%Y-%m-%d %H:%M}"


class GiftShipment(models.Model):
    """The gift sent to one chosen person: where to, with the person's consent, and how far."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CONFIRMED = "confirmed", _("Arrival confirmed")

    class Carrier(models.TextChoices):
        YAMATO = "yamato", _("Yamato Transport")
        SAGAWA = "sagawa", _("Sagawa Express")
        JAPAN_POST = "japan_post", _("Japan Post")
        OTHER = "other", _("Other")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="gift_shipments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gift_shipments",
        verbose_name=_("recipient"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PREPARING)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    prefecture = models.CharField(
        _("prefecture"), max_length=10, choices=PREFECTURE_CHOICES, blank=True
    )
    city = models.CharField(_("city, ward, town"), max_length=100, blank=True)
    address_line = models.CharField(_("street address"), max_length=200, blank=True)
    building = models.CharField(_("building and room"), max_length=200, blank=True)
    recipient_name = models.CharField(_("recipient name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The person's consent to use this address for this shipment (policy 1.1.4).
    address_consented_at = models.DateTimeField(
        _("address consent given at"), null=True, blank=True
    )
    address_consent_ip = models.GenericIPAddressField(
        _("address consent IP"), null=True, blank=True
    )
    address_consent_policy = models.ForeignKey(
        "privacy.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("address consent policy version"),
    )
    carrier = models.CharField(_("carrier"), max_length=12, choices=Carrier, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("arrival confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("gift shipment")
        verbose_name_plural = _("gift shipments")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="gift_shipment_once")
        ]

    def __str__(self):
        return f"{self.campaign} → {self.user or _('(erased)')}"

    def get_absolute_url(self):
        return reverse("campaigns:gift_shipment", args=[self.pk])

    @property
    def address_given(self) -> bool:
        return self.address_consented_at is not None
