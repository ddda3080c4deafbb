from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        # Outbox kinds ("campaign", "questionnaire_invite"), campaign fields and the
        # receiver of withdrawn consents register when their modules are imported.
        from campaigns.core import receivers, services, slots  # noqa: F401
        from campaigns.questionnaires import mail  # noqa: F401
