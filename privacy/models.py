from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PolicyVersion(models.Model):
    """One published text of the privacy policy; the highest version is in force."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text = models.TextField(_("text"))
    changes = models.TextField(
        _("what changed"),
        blank=True,
        help_text=_("Shown to users with the notice of the revision."),
    )
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("privacy policy version")
        verbose_name_plural = _("privacy policy versions")
        constraints = [
            models.CheckConstraint(condition=models.Q(version__gte=1), name="privacy_version_gte_1")
        ]

    def __str__(self):
        return f"Privacy policy v{self.version}"

    def get_absolute_url(self):
        return reverse("privacy:policy_version", kwargs={"version": self.version})


class Consent(models.Model):
    """One decision of a person about one purpose; the newest row per purpose is in force.

    Rows are only ever added, so the table is the full history: granted or withdrawn,
    when, from which IP address and under which version of the policy. A granted
    marketing row is also the opt-in record that the Act on Regulation of Transmission
    of Specified Electronic Mail asks a sender to keep.
    """

    class Purpose(models.TextChoices):
        POLICY = "policy", _("Privacy policy accepted")
        MARKETING = "marketing", _("Campaigns and gifts by e-mail")
        QUESTIONNAIRES = "questionnaires", _("Questionnaires")
        PROFILE_SHARING = "profile_sharing", _("Share my profile with a host when I inquire")
        ANALYTICS = "analytics", _("Analytics cookies")

    class Source(models.TextChoices):
        SIGNUP = "signup", _("Sign-up")
        PRIVACY_PAGE = "privacy_page", _("Privacy page")
        POLICY_NOTICE = "policy_notice", _("Policy revision notice")
        COOKIE_NOTICE = "cookie_notice", _("Cookie notice")
        STOP_OF_USE = "stop_of_use", _("Request to stop the use")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("user"),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose)
    granted = models.BooleanField(_("granted"))
    recorded_at = models.DateTimeField(_("recorded at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("policy version")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["user", "purpose", "-recorded_at"])]

    def __str__(self):
        state = _("granted") if self.granted else _("withdrawn")
        return f"{self.get_purpose_display()}: {state}"
