"""A consent withdrawn anywhere (privacy page, unsubscribe, stop of use) stops pending mail."""

from django.dispatch import receiver

from campaigns.core.services import deliveries_cancel_for
from privacy.signals import consent_withdrawn


@receiver(consent_withdrawn)
def _consent_withdrawn(sender, *, user, purpose, **kwargs):
    deliveries_cancel_for(user=user, purpose=purpose)
