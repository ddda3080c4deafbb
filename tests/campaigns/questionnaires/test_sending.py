"""Invitations after move-in and at move-out, reminders, and what the outbox sends of them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.core.models import Campaign, Delivery
from campaigns.questionnaires.mail import questionnaire_invite_prepare, questionnaire_link_field
from campaigns.questionnaires.models import Invitation, Questionnaire
from campaigns.questionnaires.services import (
    OUTBOX_KIND,
    QuestionnaireClosed,
    outbox_add,
    questionnaire_remind,
    stay_invitations_send,
)
from kaguaruoo.outbox.kinds import Prepared, Skip
from kaguaruoo.outbox.models import OutboxMessage
from tests.accounts.factories import UserFactory
from tests.campaigns.questionnaires.builders import answer, questionnaire_consent, stay_survey
from tests.contracts.builders import sent_contract, signed_contract
from tests.privacy.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    return signed_contract()


def invites():
    return OutboxMessage.objects.filter(kind=OUTBOX_KIND).order_by("pk")


def test_move_in_trigger_invites_the_tenant_once_however_often_the_task_runs(contract):
    survey = stay_survey(trigger=Questionnaire.Trigger.MOVE_IN, trigger_days=7)
    day = contract.start_date + datetime.timedelta(days=7)

    first = stay_invitations_send(today=day)
    second = stay_invitations_send(today=day)
    later = stay_invitations_send(today=day + datetime.timedelta(days=3))

    assert (first, second, later) == (1, 0, 0)
    [message] = invites()
    assert message.key == f"questionnaire:{survey.pk}:contract:{contract.pk}:move_in"
    assert message.group == f"questionnaire:{survey.pk}"
    assert (message.address, message.recipient) == (contract.tenant.email, contract.tenant)
    assert message.payload["questionnaire"] == survey.pk
    assert Invitation.objects.get().user == contract.tenant


def test_move_in_trigger_waits_for_the_days_after_move_in(contract):
    stay_survey(trigger=Questionnaire.Trigger.MOVE_IN, trigger_days=7)

    assert stay_invitations_send(today=contract.start_date + datetime.timedelta(days=6)) == 0
    assert not invites().exists()


def test_move_out_trigger_invites_at_move_out_and_apart_from_the_move_in_one(contract):
    stay_survey(trigger=Questionnaire.Trigger.MOVE_IN, trigger_days=0)
    stay_survey(trigger=Questionnaire.Trigger.MOVE_OUT, closes_in_days=400)

    stay_invitations_send(today=contract.start_date)
    stay_invitations_send(today=contract.end_date)
    stay_invitations_send(today=contract.end_date)

    assert sorted(Invitation.objects.values_list("moment", flat=True)) == ["move_in", "move_out"]
    assert invites().count() == 2


def test_a_new_questionnaire_does_not_mail_stays_that_ended_long_ago(contract):
    stay_survey(trigger=Questionnaire.Trigger.MOVE_OUT, closes_in_days=400)

    assert stay_invitations_send(today=contract.end_date + datetime.timedelta(days=15)) == 0
    assert stay_invitations_send(today=contract.end_date + datetime.timedelta(days=14)) == 1


def test_an_unsigned_contract_is_not_invited():
    unsigned = sent_contract()
    stay_survey(trigger=Questionnaire.Trigger.MOVE_OUT, closes_in_days=400)

    assert stay_invitations_send(today=unsigned.end_date) == 0


def test_a_closed_questionnaire_invites_nobody(contract):
    stay_survey(trigger=Questionnaire.Trigger.MOVE_OUT, closes_in_days=-1)

    assert stay_invitations_send(today=contract.end_date) == 0
    assert not Invitation.objects.exists()


def test_the_preparer_renders_the_invitation_with_the_personal_link(contract):
    survey = stay_survey(trigger=Questionnaire.Trigger.MOVE_OUT, closes_in_days=400)
    questionnaire_consent(contract.tenant)
    stay_invitations_send(today=contract.end_date)

    prepared = questionnaire_invite_prepare(invites().get())

    assert isinstance(prepared, Prepared)
    assert "How was your stay?" in prepared.subject
    assert "http://" in prepared.body or "https://" in prepared.body
    assert "/q/" in prepared.body
    assert "/q/" in prepared.html
    assert survey.title_en in prepared.body


def test_the_invitation_names_the_sender_and_unsubscribes_with_one_click(client, contract):
    import re

    from django.test import Client

    from privacy.selectors import consent_latest

    stay_survey(trigger=Questionnaire.Trigger.MOVE_OUT, closes_in_days=400)
    questionnaire_consent(contract.tenant)
    stay_invitations_send(today=contract.end_date)

    prepared = questionnaire_invite_prepare(invites().get())

    assert "Jingumae" in prepared.body
    assert prepared.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.search(r"<([^>]+)>", prepared.headers["List-Unsubscribe"]).group(1)
    assert url in prepared.body
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200
    assert consent_latest(user=contract.tenant, purpose="questionnaires").granted is True
    assert Client(enforce_csrf_checks=True).post(f"/{path}").status_code == 200
    assert consent_latest(user=contract.tenant, purpose="questionnaires").granted is False
    assert client.post(f"/{path[:-3]}xx/").status_code == 404


def test_the_preparer_skips_a_person_who_withdrew_the_questionnaire_consent(contract):
    stay_survey(trigger=Questionnaire.Trigger.MOVE_OUT, closes_in_days=400)
    questionnaire_consent(contract.tenant)
    stay_invitations_send(today=contract.end_date)
    questionnaire_consent(contract.tenant, granted=False)

    prepared = questionnaire_invite_prepare(invites().get())

    assert isinstance(prepared, Skip)
    assert "consent" in prepared.reason


def test_the_preparer_skips_a_person_who_never_consented(contract):
    stay_survey(trigger=Questionnaire.Trigger.MOVE_OUT, closes_in_days=400)
    stay_invitations_send(today=contract.end_date)

    assert isinstance(questionnaire_invite_prepare(invites().get()), Skip)


def test_the_preparer_skips_once_the_questionnaire_closed(contract):
    survey = stay_survey(trigger=Questionnaire.Trigger.MOVE_OUT, closes_in_days=400)
    questionnaire_consent(contract.tenant)
    stay_invitations_send(today=contract.end_date)
    survey.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    survey.save()

    prepared = questionnaire_invite_prepare(invites().get())

    assert prepared == Skip("The questionnaire is closed.")


def campaign_for(survey, *users):
    """A questionnaire campaign that reached `users` (the delivery rows core writes)."""
    campaign = Campaign.objects.create(
        name="Stay survey",
        purpose=Campaign.Purpose.QUESTIONNAIRE,
        subject_en="Your opinion",
        subject_ja="ご意見",
        body_en="{{ questionnaire_link }}",
        body_ja="{{ questionnaire_link }}",
        audience=Campaign.Audience.EVERYONE,
        questionnaire=survey,
    )
    for user in users:
        message = outbox_add(
            kind="campaign",
            key=f"campaign:{campaign.pk}:user:{user.pk}",
            group=campaign.outbox_group,
            address=user.email,
            recipient=user,
        )
        Delivery.objects.create(campaign=campaign, user=user, message=message, language="en")
    return campaign


def test_reminders_go_only_to_invited_people_who_have_not_answered():
    survey = stay_survey()
    answered, silent, other = UserFactory(), UserFactory(), UserFactory()
    campaign_for(survey, answered, silent)
    answer(survey, answered)

    count = questionnaire_remind(questionnaire=survey)
    again = questionnaire_remind(questionnaire=survey)

    assert (count, again) == (1, 1)
    keys = list(invites().values_list("key", flat=True))
    assert keys == [
        f"questionnaire:{survey.pk}:user:{silent.pk}:reminder:1",
        f"questionnaire:{survey.pk}:user:{silent.pk}:reminder:2",
    ]
    assert not invites().filter(recipient__in=[answered, other]).exists()


def test_reminders_skip_anonymous_answerers_too():
    survey = stay_survey(anonymous=True)
    answered, silent = UserFactory(), UserFactory()
    campaign_for(survey, answered, silent)
    answer(survey, answered)

    questionnaire_remind(questionnaire=survey)

    assert list(invites().values_list("recipient", flat=True)) == [silent.pk]


def test_a_reminder_queued_before_the_person_answered_is_skipped():
    survey = stay_survey()
    person = UserFactory()
    questionnaire_consent(person)
    campaign_for(survey, person)
    questionnaire_remind(questionnaire=survey)
    answer(survey, person)

    assert questionnaire_invite_prepare(invites().get()) == Skip("Answered already.")


def test_a_closed_questionnaire_sends_no_reminder():
    survey = stay_survey(closes_in_days=-1)
    campaign_for(survey, UserFactory())

    with pytest.raises(QuestionnaireClosed):
        questionnaire_remind(questionnaire=survey)
    assert not invites().exists()


def test_the_campaign_field_gives_each_recipient_their_own_absolute_link(settings):
    survey = stay_survey()
    person = UserFactory()
    campaign = campaign_for(survey, person)

    link = questionnaire_link_field(campaign=campaign, delivery=None, user=person)
    other = questionnaire_link_field(campaign=campaign, delivery=None, user=UserFactory())

    assert link.startswith(f"{settings.SITE_URL}/q/")
    assert link != other


def test_a_campaign_recipient_may_open_the_questionnaire_signed_in(client):
    survey = stay_survey()
    person = UserFactory()
    campaign_for(survey, person)
    sign_in(client, person)

    page = client.get(reverse("campaigns:questionnaire_answer", kwargs={"pk": survey.pk}))

    assert page.status_code == 200


def test_a_withdrawn_questionnaire_consent_cancels_the_pending_invitation_at_once(contract):
    from privacy.services import consent_record

    stay_survey(trigger=Questionnaire.Trigger.MOVE_IN, trigger_days=0)
    questionnaire_consent(contract.tenant)
    stay_invitations_send(today=contract.start_date)

    consent_record(
        user=contract.tenant,
        purpose="questionnaires",
        granted=False,
        ip=None,
        source="privacy_page",
    )

    [message] = invites()
    assert message.state == OutboxMessage.State.SKIPPED
    assert message.smtp_response == "consent withdrawn"
