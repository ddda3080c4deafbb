"""The app's models live in its sub-packages; Django finds them here."""

from campaigns.core.models import Campaign, CampaignLink, Click, Delivery
from campaigns.gifts.models import GiftApplication, GiftDraw, GiftShipment
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
    "GiftApplication",
    "GiftDraw",
    "GiftShipment",
    "Invitation",
    "Participation",
    "Question",
    "Questionnaire",
    "Response",
]
