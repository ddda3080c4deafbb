"""Celery finds the app's tasks here; each sub-package keeps its own."""

from campaigns.core.tasks import campaigns_due
from campaigns.questionnaires.tasks import questionnaire_stay_invitations_send

__all__ = ["campaigns_due", "questionnaire_stay_invitations_send"]
