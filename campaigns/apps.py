from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self):
        # Registers the questionnaire mail's outbox kind and its campaign field.
        from campaigns.questionnaires import mail  # noqa: F401
