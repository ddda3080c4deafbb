"""A withdrawn questionnaire consent (or a stop of use) stops pending invitations at once."""

from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _

from campaigns.questionnaires.services import OUTBOX_KIND
from kaguaruoo.outbox.services import outbox_changed, outbox_skip
from privacy.models import Consent
from privacy.signals import consent_withdrawn


@receiver(consent_withdrawn)
def _questionnaire_consent_withdrawn(sender, *, user, purpose, **kwargs):
    if purpose == Consent.Purpose.QUESTIONNAIRES:
        outbox_skip(reason=_("consent withdrawn"), kind=OUTBOX_KIND, recipient=user)
        transaction.on_commit(outbox_changed)
