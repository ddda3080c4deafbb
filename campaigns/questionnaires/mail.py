"""What questionnaire mail becomes when it goes out, and the campaign field for its link.

Imported once from `CampaignsConfig.ready`, which registers both.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from campaigns.core.fields import campaign_field_register
from campaigns.core.render import person_unsubscribe_url, unsubscribe_headers
from campaigns.questionnaires import selectors
from campaigns.questionnaires.models import Questionnaire
from campaigns.questionnaires.services import OUTBOX_KIND
from kaguaruoo.mail import mail_render, recipient_language
from kaguaruoo.outbox.kinds import Prepared, Skip, outbox_kind_register
from privacy.models import Consent
from privacy.selectors import user_reachable


@outbox_kind_register(OUTBOX_KIND)
def questionnaire_invite_prepare(message) -> Prepared | Skip:
    """The invitation or reminder in the recipient's language, if they still may be mailed:
    questionnaire consent in force, the questionnaire open, and (a reminder) not answered."""
    payload = message.payload
    user = get_user_model().objects.filter(pk=payload.get("user")).first()
    questionnaire = Questionnaire.objects.filter(pk=payload.get("questionnaire")).first()
    if user is None or questionnaire is None:
        return Skip("The person or the questionnaire no longer exists.")
    if not user_reachable(user=user, purpose=Consent.Purpose.QUESTIONNAIRES):
        return Skip("No questionnaire consent.")
    if not questionnaire.is_open:
        return Skip("The questionnaire is closed.")
    reminder = bool(payload.get("reminder"))
    if reminder and selectors.questionnaire_has_answered(questionnaire=questionnaire, user=user):
        return Skip("Answered already.")
    language = recipient_language(user)
    stop_url = person_unsubscribe_url(user_id=user.pk, purpose=Consent.Purpose.QUESTIONNAIRES)
    subject, body, html = mail_render(
        template=f"campaigns/emails/questionnaire_{'reminder' if reminder else 'invite'}",
        context={
            "recipient": user,
            "title": questionnaire.title_in(language),
            "intro": questionnaire.intro_in(language),
            "closes_at": questionnaire.closes_at,
            "link": selectors.questionnaire_link(questionnaire=questionnaire, user=user),
            "unsubscribe_url": stop_url,
            "company_address": settings.COMPANY_ADDRESS,
        },
        language=language,
    )
    return Prepared(subject=subject, body=body, html=html, headers=unsubscribe_headers(stop_url))


@campaign_field_register("questionnaire_link", _("Link to the campaign's questionnaire"))
def questionnaire_link_field(*, campaign, delivery, user) -> str:
    if campaign.questionnaire_id is None:
        return ""
    return selectors.questionnaire_link(questionnaire=campaign.questionnaire, user=user)
