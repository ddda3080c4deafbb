"""A person's answers, participations, invitations and feedback are exported and erased."""

import pytest

from campaigns.questionnaires.models import (
    Answer,
    Feedback,
    Invitation,
    Participation,
    Questionnaire,
    Response,
)
from campaigns.questionnaires.services import stay_invitations_send
from privacy import registry
from tests.accounts.factories import UserFactory
from tests.campaigns.questionnaires.builders import answer, stay_survey
from tests.contracts.builders import signed_contract

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_persons_answers_and_feedback():
    survey = stay_survey()
    person = UserFactory()
    answer(survey, person, recommend="No", why="Too far")
    Feedback.objects.create(user=person, text="More photos")

    exported = registry.export_for(person)

    assert exported["campaigns.Response"][0]["questionnaire"] == "How was your stay?"
    assert {"question": "Why not?", "answer": "Too far"}.items() <= (
        exported["campaigns.Answer"][2].items()
    )
    assert exported["campaigns.Participation"][0]["questionnaire"] == "How was your stay?"
    assert exported["campaigns.Feedback"][0]["text"] == "More photos"


def test_erasure_keeps_counts_but_removes_the_person_and_free_texts():
    survey = stay_survey()
    person = UserFactory()
    answer(survey, person, rating=5, recommend="No", why="My neighbour Ken was loud")
    Feedback.objects.create(user=person, text="More photos")

    registry.erase_for(person)

    response = Response.objects.get(questionnaire=survey)
    assert response.user is None
    assert sorted(a.display for a in Answer.objects.all()) == ["", "5", "No"]
    assert not Participation.objects.filter(user=person).exists()
    assert not Feedback.objects.exists()


def test_erasure_deletes_the_stay_invitations():
    contract = signed_contract()
    stay_survey(trigger=Questionnaire.Trigger.MOVE_OUT, closes_in_days=400)
    stay_invitations_send(today=contract.end_date)

    registry.erase_for(contract.tenant)

    assert not Invitation.objects.exists()
