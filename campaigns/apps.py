from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        # Outbox kinds ("campaign", "questionnaire_invite"), campaign fields and the
        # receiver of withdrawn consents register when their modules are imported.
        import campaigns.core.receivers
        import campaigns.core.services
        import campaigns.core.slots
        import campaigns.questionnaires.mail
        import campaigns.questionnaires.receivers  # noqa: F401
