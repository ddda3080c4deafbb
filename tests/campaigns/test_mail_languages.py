"""Campaign, questionnaire and gift mail is written, at sending, in the recipient's language."""

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, override

from accounts.models import Visibility
from campaigns.core.models import Delivery
from campaigns.core.services import campaign_send
from campaigns.gifts import services as gifts
from campaigns.questionnaires.mail import questionnaire_invite_prepare
from campaigns.questionnaires.models import Questionnaire
from campaigns.questionnaires.services import OUTBOX_KIND, stay_invitations_send
from kaguaruoo.mail import mail_render
from kaguaruoo.outbox.models import OutboxMessage
from kaguaruoo.outbox.services import outbox_drain
from tests.accounts.factories import UserFactory
from tests.campaigns.builders import campaign_build, consenting_user
from tests.campaigns.gifts.builders import gift_campaign
from tests.campaigns.questionnaires.builders import questionnaire_consent, stay_survey
from tests.contracts.builders import signed_contract

pytestmark = pytest.mark.django_db


def test_someone_who_chose_japanese_after_the_campaign_started_gets_it_in_japanese():
    person = consenting_user(email="switch@example.com", language="en", last_name="Ito")
    campaign = campaign_build()
    campaign_send(campaign=campaign, by=campaign.created_by)
    person.language = "ja"
    person.save(update_fields=["language"])

    outbox_drain()

    [sent] = mail.outbox
    assert sent.subject == "Ito様へ 春のお部屋"
    # Their tracked links lead to the Japanese pages too.
    assert Delivery.objects.get(user=person).language == "ja"


def test_a_hidden_name_is_written_in_the_recipients_language():
    hidden = consenting_user(email="hidden@example.com", language="ja")
    hidden.last_name_visibility = Visibility.ONLY_ME
    hidden.save(update_fields=["last_name_visibility"])
    campaign = campaign_build()

    with override("en"):
        campaign_send(campaign=campaign, by=campaign.created_by)
        outbox_drain()

    with override("ja"):
        member = gettext("Member")
    assert mail.outbox[0].subject == f"{member}様へ 春のお部屋"


def test_a_questionnaire_invitation_gives_its_closing_date_in_the_persons_language():
    contract = signed_contract(tenant=UserFactory(language="ja"))
    survey = stay_survey(trigger=Questionnaire.Trigger.MOVE_OUT, closes_in_days=400)
    questionnaire_consent(contract.tenant)
    stay_invitations_send(today=contract.end_date)

    with override("en"):
        prepared = questionnaire_invite_prepare(OutboxMessage.objects.get(kind=OUTBOX_KIND))

    with override("ja"):
        closes = date_format(timezone.localtime(survey.closes_at), "DATETIME_FORMAT")
    assert survey.title_ja in prepared.subject
    assert closes in prepared.body


def test_the_chosen_are_told_in_their_own_language(django_capture_on_commit_callbacks):
    campaign = gift_campaign()
    japanese, english = UserFactory(language="ja"), UserFactory(language="en")
    chosen = [gifts.gift_apply(campaign=campaign, user=user)[0] for user in (japanese, english)]
    mail.outbox.clear()

    with override("en"), django_capture_on_commit_callbacks(execute=True):
        shipments = gifts.gift_applications_choose(
            applications=chosen, by=UserFactory(is_staff=True)
        )

    for user, shipment in zip((japanese, english), shipments, strict=True):
        [told] = [m for m in mail.outbox if m.to == [user.email]]
        subject = mail_render(
            template="campaigns/emails/gift_chosen",
            context={"recipient": user, "shipment": shipment, "campaign": campaign},
            language=user.language,
        )[0]
        assert told.subject == subject
    with override("ja"):
        assert japanese.full_name in mail.outbox[0].body + mail.outbox[1].body
