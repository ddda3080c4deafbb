from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PolicyVersion(models.Model):
    """One published text of the privacy policy; the highest version is in force."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"))

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
        return reverse("privacy:policy")
