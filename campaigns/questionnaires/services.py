"""Writes of questionnaires: answers, stay invitations, reminders, feedback.

Mail goes through the durable outbox as kind "questionnaire_invite" (mail.py
prepares it at send time); its payload holds ids only.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.questionnaires import selectors
from campaigns.questionnaires.models import (
    Answer,
    Feedback,
    Invitation,
    Participation,
    Question,
    Questionnaire,
    Response,
    respondent_key_for,
)
from contracts.models import Contract
from kaguaruoo.outbox.services import outbox_add

OUTBOX_KIND = "questionnaire_invite"
# A stay trigger mails stays whose moment came at most this long ago, so that a new
# questionnaire does not mail people who moved out months ago.
STAY_WINDOW_DAYS = 14


class QuestionnaireClosed(ValidationError):
    def __init__(self):
        super().__init__(_("This questionnaire is closed; answers can no longer be changed."))


def question_condition_check(
    *,
    position: int,
    condition: Question | None,
    condition_position: int,
    kind: str,
    choices: list[str],
    value: str,
) -> None:
    """A condition must name an earlier choice question and one of its English choices."""
    if condition is None:
        if value:
            raise ValidationError(_("Choose the question this answer belongs to."))
        return
    if condition_position >= position:
        raise ValidationError(_("A question can only depend on an earlier question."))
    if kind not in Question.CHOICE_KINDS:
        raise ValidationError(_("A question can only depend on a choice question."))
    if value not in choices:
        raise ValidationError(
            _("“%(value)s” is not one of the choices of that question: %(choices)s.")
            % {"value": value, "choices": ", ".join(choices)}
        )


def _answer_fields(question: Question, value) -> dict:
    if question.kind == Question.Kind.RATING:
        return {"rating": int(value)}
    if question.kind == Question.Kind.SINGLE:
        return {"choices": [value]}
    if question.kind == Question.Kind.MULTIPLE:
        return {"choices": list(value)}
    return {"text": value}


def _day(moment: datetime.datetime) -> datetime.datetime:
    """Anonymous responses keep only the day: a time would match the participation row."""
    local = timezone.localtime(moment)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def response_save(
    *, questionnaire: Questionnaire, user, answers: dict[Question, object]
) -> Response:
    """Record or replace the person's answers (`answers` holds the shown, answered questions,
    values as the form cleans them: English choice texts, a rating 1–5, text)."""
    now = timezone.now()
    with transaction.atomic():
        locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        if not locked.is_open:
            raise QuestionnaireClosed()
        response = selectors.response_of(questionnaire=locked, user=user)
        stamp = _day(now) if locked.anonymous else now
        if response is None:
            response = Response.objects.create(
                questionnaire=locked,
                user=None if locked.anonymous else user,
                respondent_key=(
                    respondent_key_for(questionnaire_id=locked.pk, user_id=user.pk)
                    if locked.anonymous
                    else ""
                ),
                submitted_at=stamp,
                updated_at=stamp,
            )
        else:
            response.updated_at = stamp
            response.save(update_fields=["updated_at"])
            response.answers.all().delete()
        Answer.objects.bulk_create(
            Answer(response=response, question=question, **_answer_fields(question, value))
            for question, value in answers.items()
        )
        Participation.objects.get_or_create(
            questionnaire=locked, user=user, defaults={"answered_at": now}
        )
    return response


def _invite_add(*, questionnaire: Questionnaire, user, key: str, payload: dict):
    return outbox_add(
        kind=OUTBOX_KIND,
        key=key,
        group=f"questionnaire:{questionnaire.pk}",
        address=user.email,
        recipient=user,
        payload={"questionnaire": questionnaire.pk, "user": user.pk, **payload},
    )


def _stays_due(questionnaire: Questionnaire, today: datetime.date):
    earliest = today - datetime.timedelta(days=STAY_WINDOW_DAYS)
    contracts = Contract.objects.filter(status=Contract.Status.SIGNED).select_related("tenant")
    if questionnaire.trigger == Questionnaire.Trigger.MOVE_IN:
        shift = datetime.timedelta(days=questionnaire.trigger_days or 0)
        return Invitation.Moment.MOVE_IN, contracts.filter(
            start_date__gte=earliest - shift, start_date__lte=today - shift
        )
    return Invitation.Moment.MOVE_OUT, contracts.filter(end_date__gte=earliest, end_date__lte=today)


def stay_invitations_send(*, today: datetime.date | None = None) -> int:
    """Invite each signed contract's tenant whose moment has come, once per questionnaire,
    contract and moment, however often this runs; returns how many were invited."""
    today = today or timezone.localdate()
    invited = 0
    questionnaires = Questionnaire.objects.exclude(trigger=Questionnaire.Trigger.NONE)
    for questionnaire in questionnaires:
        if not questionnaire.is_open:
            continue
        moment, contracts = _stays_due(questionnaire, today)
        for contract in contracts:
            invited += _stay_invite(questionnaire=questionnaire, contract=contract, moment=moment)
    return invited


def _stay_invite(*, questionnaire: Questionnaire, contract: Contract, moment: str) -> int:
    done = Invitation.objects.filter(questionnaire=questionnaire, contract=contract, moment=moment)
    if done.exists():
        return 0
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                questionnaire=questionnaire, contract=contract, moment=moment, user=contract.tenant
            )
            _invite_add(
                questionnaire=questionnaire,
                user=contract.tenant,
                key=invitation.outbox_key,
                payload={"contract": contract.pk, "moment": moment},
            )
    except IntegrityError:
        return 0  # invited a moment ago by a run in parallel
    return 1


def questionnaire_remind(*, questionnaire: Questionnaire) -> int:
    """Remind everyone invited who has not answered; returns how many reminders were queued."""
    if not questionnaire.is_open:
        raise QuestionnaireClosed()
    with transaction.atomic():
        locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        number = locked.reminders_sent + 1
        answered = Participation.objects.filter(questionnaire=locked).values("user")
        people = selectors.questionnaire_invitees(questionnaire=locked).exclude(pk__in=answered)
        sent = 0
        for user in people.filter(is_active=True).exclude(email=""):
            _invite_add(
                questionnaire=locked,
                user=user,
                key=f"questionnaire:{locked.pk}:user:{user.pk}:reminder:{number}",
                payload={"reminder": number},
            )
            sent += 1
        locked.reminders_sent = number
        locked.save(update_fields=["reminders_sent"])
    questionnaire.reminders_sent = number
    return sent


def feedback_send(*, user, text: str, category: str = "") -> Feedback:
    text = text.strip()
    if not text:
        raise ValidationError(_("Write your opinion first."))
    return Feedback.objects.create(user=user, text=text, category=category)
