"""The app's models live in its sub-packages; Django finds them here."""

from campaigns.core.models import Campaign, CampaignLink, Click, Delivery
from campaigns.gifts.models import GiftApplication, GiftDraw, GiftShipment

__all__ = ["Campaign", "CampaignLink", "Click", "Delivery"]
__all__ += ["GiftApplication", "GiftDraw", "GiftShipment"]
