"""Celery finds the app's tasks here; each area keeps them in its own sub-package."""

from campaigns.questionnaires.tasks import questionnaire_stay_invitations_send

__all__ = ["questionnaire_stay_invitations_send"]
