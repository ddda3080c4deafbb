"""Reads of questionnaires: links, who may answer, a person's answers, results, the CSV."""

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse

from campaigns.core.models import Delivery
from campaigns.questionnaires.models import (
    Answer,
    Invitation,
    Participation,
    Question,
    Questionnaire,
    Response,
    respondent_key_for,
)
from privacy.anonymised import MINIMUM_GROUP

LINK_SALT = "campaigns.questionnaires.link"
# Anonymous results are shown only for groups this large or larger (policy 3.4).
ANONYMOUS_MINIMUM = MINIMUM_GROUP


def questionnaire_token(*, questionnaire: Questionnaire, user) -> str:
    return signing.dumps({"q": questionnaire.pk, "u": user.pk}, salt=LINK_SALT, compress=True)


def questionnaire_link(*, questionnaire: Questionnaire, user) -> str:
    """The person's own absolute link to the questionnaire, for mail."""
    token = questionnaire_token(questionnaire=questionnaire, user=user)
    path = reverse("campaigns:questionnaire_by_link", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"


def questionnaire_get_by_token(*, token: str) -> tuple[Questionnaire, object]:
    """The questionnaire and the person a link names; Http404 for a changed or unknown link."""
    try:
        data = signing.loads(token, salt=LINK_SALT)
        questionnaire_id, user_id = int(data["q"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise Http404 from error
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    questionnaire = Questionnaire.objects.filter(pk=questionnaire_id).first()
    if user is None or questionnaire is None:
        raise Http404
    return questionnaire, user


def questionnaire_invitees(*, questionnaire: Questionnaire) -> QuerySet:
    """Everyone the questionnaire was mailed to: by a campaign or by a stay."""
    user_model = get_user_model()
    return user_model.objects.filter(
        Q(pk__in=Invitation.objects.filter(questionnaire=questionnaire).values("user"))
        | Q(pk__in=Delivery.objects.filter(campaign__questionnaire=questionnaire).values("user"))
    ).order_by("pk")


def questionnaire_has_answered(*, questionnaire: Questionnaire, user) -> bool:
    return Participation.objects.filter(questionnaire=questionnaire, user=user).exists()


def questionnaire_get_for_invitee(*, user, pk: int) -> Questionnaire:
    """The questionnaire for a signed-in person it was sent to (or who answered it); else 404."""
    questionnaire = Questionnaire.objects.filter(pk=pk).first()
    if questionnaire is None or not (
        questionnaire_invitees(questionnaire=questionnaire).filter(pk=user.pk).exists()
        or questionnaire_has_answered(questionnaire=questionnaire, user=user)
    ):
        raise Http404
    return questionnaire


def questions_of(*, questionnaire: Questionnaire) -> list[Question]:
    return list(questionnaire.questions.select_related("condition_question").order_by("position"))


def response_of(*, questionnaire: Questionnaire, user) -> Response | None:
    """The person's response, found by the user in normal mode and by the key in anonymous."""
    responses = Response.objects.filter(questionnaire=questionnaire).prefetch_related("answers")
    if questionnaire.anonymous:
        key = respondent_key_for(questionnaire_id=questionnaire.pk, user_id=user.pk)
        return responses.filter(respondent_key=key).first()
    return responses.filter(user=user).first()


@dataclass
class Bar:
    label: str
    count: int
    percent: int = 0


@dataclass
class QuestionResult:
    question: Question
    answered: int
    bars: list[Bar] = field(default_factory=list)
    average: float | None = None
    texts: list[tuple[str, str]] = field(default_factory=list)  # (who or "", text)
    hidden: bool = False  # too few answers to show without identifying people

    @property
    def chart_height(self) -> int:
        return 28 * len(self.bars)


@dataclass
class Results:
    questionnaire: Questionnaire
    respondents: int
    questions: list[QuestionResult]

    @property
    def hidden(self) -> bool:
        return self.questionnaire.anonymous and self.respondents < ANONYMOUS_MINIMUM


def _bars(labels: list[str], counts: dict, answered: int) -> list[Bar]:
    return [
        Bar(
            label=label,
            count=counts.get(label, 0),
            percent=_percent(counts.get(label, 0), answered),
        )
        for label in labels
    ]


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def _question_result(question: Question, answers: list[Answer], anonymous: bool) -> QuestionResult:
    result = QuestionResult(question=question, answered=len(answers))
    if anonymous and result.answered < ANONYMOUS_MINIMUM:
        result.hidden = bool(answers)
        return result
    if question.is_choice:
        counts: dict[str, int] = {}
        for answer in answers:
            for choice in answer.choices:
                counts[choice] = counts.get(choice, 0) + 1
        result.bars = _bars(question.choice_list, counts, result.answered)
    elif question.kind == Question.Kind.RATING:
        counts = {}
        for answer in answers:
            counts[str(answer.rating)] = counts.get(str(answer.rating), 0) + 1
        result.bars = _bars([str(n) for n in range(1, 6)], counts, result.answered)
        if answers:
            result.average = round(sum(a.rating for a in answers) / len(answers), 2)
    else:
        result.texts = [
            (
                "" if anonymous else answer.response.user.email if answer.response.user else "",
                answer.text,
            )
            for answer in answers
        ]
    return result


def questionnaire_results(*, questionnaire: Questionnaire) -> Results:
    """Counts per choice and rating, the average rating, and free texts (with who, unless
    anonymous). Anonymous results are withheld under ANONYMOUS_MINIMUM respondents."""
    respondents = questionnaire.responses.count()
    answers_by_question: dict[int, list[Answer]] = {}
    answers = Answer.objects.filter(response__questionnaire=questionnaire).select_related(
        "response__user"
    )
    for answer in answers.order_by(*_response_order(questionnaire, prefix="response__")):
        answers_by_question.setdefault(answer.question_id, []).append(answer)
    results = Results(questionnaire=questionnaire, respondents=respondents, questions=[])
    if results.hidden:
        return results
    results.questions = [
        _question_result(
            question, answers_by_question.get(question.pk, []), questionnaire.anonymous
        )
        for question in questions_of(questionnaire=questionnaire)
    ]
    return results


def _response_order(questionnaire: Questionnaire, *, prefix: str = "") -> list[str]:
    """Anonymous responses in the order of their keys, which says nothing about when or who
    (the order of answering would match the participation rows)."""
    if questionnaire.anonymous:
        return [f"{prefix}respondent_key"]
    return [f"{prefix}submitted_at", f"{prefix}pk"]


def questionnaire_csv(*, questionnaire: Questionnaire) -> str:
    """One row per response, one column per question; no person column when anonymous."""
    questions = questions_of(questionnaire=questionnaire)
    out = io.StringIO()
    writer = csv.writer(out)
    # Anonymous rows carry no id and no time either: both would match participation rows.
    head = [] if questionnaire.anonymous else ["response", "respondent", "submitted_at"]
    writer.writerow(head + [f"{q.position}. {q.text_en}" for q in questions])
    responses = (
        questionnaire.responses.select_related("user")
        .prefetch_related("answers")
        .order_by(*_response_order(questionnaire))
    )
    for response in responses:
        by_question = {answer.question_id: answer.display for answer in response.answers.all()}
        head = []
        if not questionnaire.anonymous:
            email = response.user.email if response.user else ""
            head = [response.pk, email, response.submitted_at.isoformat()]
        writer.writerow(head + [by_question.get(q.pk, "") for q in questions])
    return out.getvalue()


def response_summary(*, response: Response | None, language: str) -> list[tuple[str, str]]:
    """(question, answer) of a saved response in `language`, for the read-only page."""
    if response is None:
        return []
    rows = []
    for answer in response.answers.select_related("question").order_by("question__position"):
        question = answer.question
        if question.is_choice:
            labels = dict(zip(question.choice_list, question.choice_labels(language), strict=True))
            shown = "; ".join(labels.get(choice, choice) for choice in answer.choices)
        else:
            shown = answer.display
        rows.append((question.text_in(language), shown))
    return rows
