"""Staff build questionnaires in admin, read results with charts, export CSV, send reminders."""

import csv
import io

import pytest
from django.urls import reverse

from campaigns.questionnaires.models import Question, Questionnaire
from kaguaruoo.outbox.models import OutboxMessage
from privacy.models import StaffAuditLog
from tests.accounts.factories import UserFactory
from tests.campaigns.questionnaires.builders import answer, questions, stay_survey
from tests.campaigns.questionnaires.test_sending import campaign_for
from tests.privacy.helpers import officer_create, sign_in_with_second_factor, staff_signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    """A privacy officer who may also build questionnaires."""
    client.officer = officer_create(is_superuser=True)
    sign_in_with_second_factor(client, client.officer)
    return client


def results_url(survey):
    return reverse("admin:campaigns_questionnaire_results", args=[survey.pk])


def csv_url(survey):
    return reverse("admin:campaigns_questionnaire_results_csv", args=[survey.pk])


def answered_by(survey, count, **kwargs):
    people = [UserFactory() for _ in range(count)]
    for n, person in enumerate(people):
        answer(survey, person, rating=1 + n % 5, **kwargs)
    return people


def inline_data(rows, *, initial=0):
    data = {
        "questions-TOTAL_FORMS": str(len(rows)),
        "questions-INITIAL_FORMS": str(initial),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"questions-{n}-{key}"] = value
    return data


QUESTIONNAIRE_FIELDS = {
    "title_en": "After your stay",
    "title_ja": "",
    "intro_en": "",
    "intro_ja": "",
    "closes_at_0": "2099-01-01",
    "closes_at_1": "00:00:00",
    "trigger": "none",
    "trigger_days": "",
}


def test_staff_build_a_questionnaire_with_questions_inline(officer):
    data = {
        **QUESTIONNAIRE_FIELDS,
        **inline_data(
            [
                {
                    "position": "1",
                    "kind": "single",
                    "text_en": "Clean?",
                    "choices_en": "Yes\nNo",
                    "required": "on",
                },
                {"position": "2", "kind": "rating", "text_en": "Quiet?"},
            ]
        ),
    }

    response = officer.post(reverse("admin:campaigns_questionnaire_add"), data)

    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    survey = Questionnaire.objects.get()
    assert [q.text_en for q in questions(survey)] == ["Clean?", "Quiet?"]


def change_data(survey, changes=None):
    changes = changes or {}
    rows = []
    for question in questions(survey):
        row = {
            "id": str(question.pk),
            "questionnaire": str(survey.pk),
            "position": str(question.position),
            "kind": question.kind,
            "text_en": question.text_en,
            "text_ja": question.text_ja,
            "choices_en": question.choices_en,
            "choices_ja": question.choices_ja,
            "condition_question": str(question.condition_question_id or ""),
            "condition_value": question.condition_value,
        }
        if question.required:
            row["required"] = "on"
        row.update(changes.get(question.position, {}))
        rows.append(row)
    return {
        **QUESTIONNAIRE_FIELDS,
        "title_en": survey.title_en,
        **inline_data(rows, initial=len(rows)),
    }


@pytest.mark.parametrize(
    ("position", "change", "message"),
    [
        (3, {"condition_value": "Maybe"}, "is not one of the choices"),
        (4, {"condition_question": "rating"}, "Select a valid choice"),
        (2, {"condition_question": "used", "condition_value": "Support"}, "on an earlier question"),
        (2, {"choices_en": "Yes"}, "at least two choices"),
        (2, {"choices_ja": "はい"}, "as many Japanese choices"),
    ],
)
def test_a_condition_must_point_at_an_earlier_choice_and_one_of_its_choices(
    officer, position, change, message
):
    survey = stay_survey()
    rating_q, _recommend_q, _why_q, used_q = questions(survey)
    names = {"rating": str(rating_q.pk), "used": str(used_q.pk)}
    if "condition_question" in change:
        change = {**change, "condition_question": names[change["condition_question"]]}

    response = officer.post(
        reverse("admin:campaigns_questionnaire_change", args=[survey.pk]),
        change_data(survey, {position: change}),
    )

    assert response.status_code == 200
    assert message in response.text


def test_a_question_others_depend_on_cannot_be_deleted(officer):
    survey = stay_survey()

    response = officer.post(
        reverse("admin:campaigns_questionnaire_change", args=[survey.pk]),
        change_data(survey, {2: {"DELETE": "on"}}),
    )

    assert response.status_code == 200
    assert "protected related objects" in response.text
    assert Question.objects.filter(questionnaire=survey).count() == 4


def test_move_in_trigger_needs_the_number_of_days(officer):
    survey = stay_survey()
    data = {**change_data(survey), "trigger": "move_in", "trigger_days": ""}

    response = officer.post(reverse("admin:campaigns_questionnaire_change", args=[survey.pk]), data)

    assert "how many days after move-in" in response.text


def test_results_show_counts_average_free_texts_with_who_and_a_chart(officer):
    survey = stay_survey()
    alice, bob = UserFactory(), UserFactory()
    answer(survey, alice, rating=5, used=["House Guide"])
    answer(survey, bob, rating=2, recommend="No", why="Too noisy")

    page = officer.get(results_url(survey))

    assert page.status_code == 200
    assert "average 3.5 of 5" in page.text
    assert "<rect" in page.text
    assert "Too noisy" in page.text and bob.email in page.text
    [item] = [q for q in page.context["results"].questions if q.question.position == 2]
    assert [(b.label, b.count, b.percent) for b in item.bars] == [("Yes", 1, 50), ("No", 1, 50)]
    assert StaffAuditLog.objects.filter(
        staff=officer.officer, action=StaffAuditLog.Action.VIEW, model="campaigns.Questionnaire"
    ).exists()


def test_staff_who_are_not_privacy_officers_cannot_see_who_answered_what(client):
    staff_signed_in(client, is_superuser=True)
    survey = stay_survey()
    answered_by(survey, 1)

    assert client.get(results_url(survey)).status_code == 403
    assert client.get(csv_url(survey)).status_code == 403


def test_anonymous_results_are_hidden_under_five_respondents(officer):
    survey = stay_survey(anonymous=True)
    answered_by(survey, 4, why="")

    page = officer.get(results_url(survey))
    export = officer.get(csv_url(survey))

    assert "Not enough answers to show results without identifying people" in page.text
    assert "<rect" not in page.text
    assert export.status_code == 409


def test_anonymous_results_are_shown_at_five_respondents_without_names(officer):
    survey = stay_survey(anonymous=True)
    people = answered_by(survey, 5)

    page = officer.get(results_url(survey))

    assert "<rect" in page.text
    assert "Results appear once" not in page.text
    assert all(person.email not in page.text for person in people)


def test_an_anonymous_question_answered_by_fewer_than_five_is_withheld(officer):
    survey = stay_survey(anonymous=True)
    answered_by(survey, 5)
    answer(survey, UserFactory(), recommend="No", why="Secret reason")

    page = officer.get(results_url(survey))

    assert "Secret reason" not in page.text


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_csv_has_one_row_per_response_and_one_column_per_question(officer):
    survey = stay_survey()
    alice, bob = UserFactory(), UserFactory()
    answer(survey, alice, rating=5, used=["House Guide", "Support"])
    answer(survey, bob, rating=2, recommend="No", why="Too noisy")

    export = officer.get(csv_url(survey))

    assert export["Content-Type"].startswith("text/csv")
    header, *rows = read_csv(export)
    assert header[1] == "respondent"
    assert header[3:] == [
        "1. How happy are you?",
        "2. Would you recommend us?",
        "3. Why not?",
        "4. What did you use?",
    ]
    assert [row[1:2] + row[3:] for row in rows] == [
        [alice.email, "5", "Yes", "", "House Guide; Support"],
        [bob.email, "2", "No", "Too noisy", ""],
    ]
    assert StaffAuditLog.objects.filter(action=StaffAuditLog.Action.EXPORT).exists()


def test_anonymous_csv_has_no_person_id_or_time_column(officer):
    survey = stay_survey(anonymous=True)
    people = answered_by(survey, 5)

    header, *rows = read_csv(officer.get(csv_url(survey)))

    assert header == [
        "1. How happy are you?",
        "2. Would you recommend us?",
        "3. Why not?",
        "4. What did you use?",
    ]
    assert len(rows) == 5
    assert sorted(row[0] for row in rows) == ["1", "2", "3", "4", "5"]
    assert not any(p.email in cell for p in people for row in rows for cell in row)


def test_the_reminder_action_reminds_only_those_who_have_not_answered(officer):
    survey = stay_survey()
    answered, silent = UserFactory(), UserFactory()
    campaign_for(survey, answered, silent)
    answer(survey, answered)

    response = officer.post(
        reverse("admin:campaigns_questionnaire_changelist"),
        {"action": "send_reminders", "_selected_action": [survey.pk]},
        follow=True,
    )

    assert "1 reminder queued" in response.text
    reminders = OutboxMessage.objects.filter(kind="questionnaire_invite")
    assert list(reminders.values_list("recipient", flat=True)) == [silent.pk]
