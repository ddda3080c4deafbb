"""The demo questionnaire loads twice without failing or duplicating."""

import pytest

from accounts import demo as accounts_demo
from campaigns.questionnaires.demo import questionnaires_demo
from campaigns.questionnaires.models import Answer, Questionnaire, Response

pytestmark = pytest.mark.django_db


def test_the_demo_questionnaire_has_a_condition_and_answers_and_loads_twice():
    accounts_demo.load()

    first = questionnaires_demo()
    counts = (Questionnaire.objects.count(), Response.objects.count(), Answer.objects.count())
    second = questionnaires_demo()

    assert first == second
    assert counts == (1, 5, Answer.objects.count())
    assert (Questionnaire.objects.count(), Response.objects.count()) == (1, 5)
    assert first.questions.filter(condition_question__isnull=False).count() == 1
    assert Answer.objects.filter(question__position=4).count() == 2
