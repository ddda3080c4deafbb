"""Questionnaires as staff build them, and the links people are mailed."""

import datetime
from urllib.parse import urlsplit

from django.utils import timezone

from campaigns.questionnaires.models import Question, Questionnaire
from campaigns.questionnaires.selectors import questionnaire_link
from campaigns.questionnaires.services import response_save
from privacy.models import Consent
from privacy.services import consent_record


def stay_survey(*, anonymous=False, closes_in_days=7, **fields) -> Questionnaire:
    """Four questions: a rating, a choice, a question shown only when the choice is "No",
    and an optional free text."""
    closes_at = timezone.now() + datetime.timedelta(days=closes_in_days)
    questionnaire = Questionnaire.objects.create(
        title_en="How was your stay?",
        title_ja="ご滞在はいかがでしたか？",
        anonymous=anonymous,
        closes_at=closes_at,
        **fields,
    )
    Question.objects.create(
        questionnaire=questionnaire,
        position=1,
        kind=Question.Kind.RATING,
        text_en="How happy are you?",
        required=True,
    )
    recommend = Question.objects.create(
        questionnaire=questionnaire,
        position=2,
        kind=Question.Kind.SINGLE,
        text_en="Would you recommend us?",
        text_ja="勧めますか？",
        choices_en="Yes\nNo",
        choices_ja="はい\nいいえ",
        required=True,
    )
    Question.objects.create(
        questionnaire=questionnaire,
        position=3,
        kind=Question.Kind.TEXT,
        text_en="Why not?",
        required=True,
        condition_question=recommend,
        condition_value="No",
    )
    Question.objects.create(
        questionnaire=questionnaire,
        position=4,
        kind=Question.Kind.MULTIPLE,
        text_en="What did you use?",
        choices_en="House Guide\nMessages\nSupport",
    )
    return questionnaire


def questions(questionnaire):
    return list(questionnaire.questions.order_by("position"))


def link_path(questionnaire, user) -> str:
    return urlsplit(questionnaire_link(questionnaire=questionnaire, user=user)).path


def answer(questionnaire, user, *, rating=4, recommend="Yes", why="", used=()):
    rating_q, recommend_q, why_q, used_q = questions(questionnaire)
    answers = {rating_q: rating, recommend_q: recommend}
    if why:
        answers[why_q] = why
    if used:
        answers[used_q] = list(used)
    return response_save(questionnaire=questionnaire, user=user, answers=answers)


def questionnaire_consent(user, granted=True):
    consent_record(
        user=user,
        purpose=Consent.Purpose.QUESTIONNAIRES,
        granted=granted,
        ip=None,
        source=Consent.Source.PRIVACY_PAGE,
    )
