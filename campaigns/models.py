"""The app's models live in its sub-packages; Django finds them here."""

from campaigns.core.models import Campaign, CampaignLink, Click, Delivery
from campaigns.questionnaires.models import (
    Answer,
    Feedback,
    Invitation,
    Participation,
    Question,
    Questionnaire,
    Response,
)

__all__ = [
    "Answer",
    "Campaign",
    "CampaignLink",
    "Click",
    "Delivery",
    "Feedback",
    "Invitation",
    "Participation",
    "Question",
    "Questionnaire",
    "Response",
]
