from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        # The outbox kind "campaign" and the consent receiver register on import.
        from campaigns.core import receivers, services  # noqa: F401
