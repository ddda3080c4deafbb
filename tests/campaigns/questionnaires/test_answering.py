"""A person answers once by their mailed link, edits until the questionnaire closes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.questionnaires.models import Answer, Participation, Response
from tests.accounts.factories import UserFactory
from tests.campaigns.questionnaires.builders import answer, link_path, questions, stay_survey
from tests.privacy.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    return stay_survey()


def form_data(survey, *, rating="4", recommend="0", why=None, used=()):
    rating_q, recommend_q, why_q, used_q = questions(survey)
    data = {f"q{rating_q.pk}": rating, f"q{recommend_q.pk}": recommend}
    if why is not None:
        data[f"q{why_q.pk}"] = why
    if used:
        data[f"q{used_q.pk}"] = list(used)
    return data


def stored(survey, user) -> dict:
    response = Response.objects.get(questionnaire=survey, user=user)
    return {a.question.position: a.display for a in response.answers.select_related("question")}


def test_the_mailed_link_opens_the_questionnaire_without_signing_in(client, survey):
    person = UserFactory()

    page = client.get(link_path(survey, person))

    assert page.status_code == 200
    assert "How was your stay?" in page.text
    assert "Would you recommend us?" in page.text


def test_a_person_answers_and_sees_a_thank_you(client, survey):
    person = UserFactory()
    url = link_path(survey, person)

    sent = client.post(url, form_data(survey, used=["0", "2"]), follow=True)

    assert "Thank you! Your answers are saved" in sent.text
    assert stored(survey, person) == {1: "4", 2: "Yes", 4: "House Guide; Support"}
    assert Participation.objects.filter(questionnaire=survey, user=person).exists()


def test_answering_again_replaces_the_answers_instead_of_adding_a_second_response(client, survey):
    person = UserFactory()
    url = link_path(survey, person)
    client.post(url, form_data(survey, rating="2"))

    page = client.get(url)
    client.post(url, form_data(survey, rating="5"))

    assert "You answered already" in page.text
    assert Response.objects.filter(questionnaire=survey).count() == 1
    assert stored(survey, person)[1] == "5"


def test_the_page_shows_the_saved_answers_to_edit(client, survey):
    person = UserFactory()
    answer(survey, person, rating=3, used=["Messages"])

    page = client.get(link_path(survey, person))

    rating_q, _recommend_q, _why_q, used_q = questions(survey)
    assert f'name="q{rating_q.pk}" value="3"' in page.text.replace(" required", "")
    assert page.context["form"].initial[f"q{used_q.pk}"] == [1]


def test_a_closed_questionnaire_shows_the_answers_read_only_and_refuses_changes(client, survey):
    person = UserFactory()
    answer(survey, person, rating=4)
    survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    survey.save()
    url = link_path(survey, person)

    page = client.get(url)
    refused = client.post(url, form_data(survey, rating="1"))

    assert page.status_code == 200
    assert "This questionnaire is closed" in page.text
    assert "How happy are you?" in page.text
    assert '<form class="form card questionnaire-form"' not in page.text
    assert refused.status_code == 400
    assert stored(survey, person)[1] == "4"


def test_a_link_with_one_changed_character_is_a_404(client, survey):
    url = link_path(survey, UserFactory())
    token = url.split("/")[2]
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")

    assert client.get(f"/q/{changed}/").status_code == 404
    assert client.get("/q/not-a-token/").status_code == 404


def test_signed_in_person_not_invited_gets_404_for_the_questionnaire(client, survey):
    stranger = UserFactory()
    sign_in(client, stranger)

    page = client.get(reverse("campaigns:questionnaire_answer", kwargs={"pk": survey.pk}))

    assert page.status_code == 404


def test_signed_in_person_who_answered_opens_it_from_the_site(client, survey):
    person = UserFactory()
    answer(survey, person)
    sign_in(client, person)

    page = client.get(reverse("campaigns:questionnaire_answer", kwargs={"pk": survey.pk}))

    assert page.status_code == 200
    assert "You answered already" in page.text


def test_visitor_is_sent_to_sign_in_for_the_site_address(client, survey):
    page = client.get(reverse("campaigns:questionnaire_answer", kwargs={"pk": survey.pk}))

    assert page.status_code == 302
    assert reverse("account_login") in page["Location"]


def test_a_hidden_question_is_not_required_and_its_answer_is_dropped(client, survey):
    person = UserFactory()

    sent = client.post(link_path(survey, person), form_data(survey, recommend="0", why="Noise"))

    assert sent.status_code == 302
    assert 3 not in stored(survey, person)


def test_a_shown_required_question_must_be_answered(client, survey):
    person = UserFactory()
    _rating_q, _recommend_q, why_q, _used_q = questions(survey)

    page = client.post(link_path(survey, person), form_data(survey, recommend="1", why=" "))

    assert page.status_code == 400
    assert "This question needs an answer." in page.text
    assert f'aria-describedby="id_q{why_q.pk}_error"' in page.text
    assert f'id="id_q{why_q.pk}_error"' in page.text
    assert not Response.objects.exists()


def test_a_shown_question_keeps_its_answer(client, survey):
    person = UserFactory()

    client.post(link_path(survey, person), form_data(survey, recommend="1", why="Too far"))

    assert stored(survey, person)[3] == "Too far"


def test_missing_required_answers_are_named_and_nothing_is_saved(client, survey):
    page = client.post(link_path(survey, UserFactory()), {})

    assert page.status_code == 400
    # Beside each of the two questions, and again in the list above the form.
    assert page.text.count('_error">This question needs an answer.') == 2
    assert page.text.count("This question needs an answer.") == 4
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("rating", "9"), ("rating", "abc"), ("recommend", "7"), ("recommend", "-1")],
)
def test_a_tampered_value_is_a_400_with_the_message(client, survey, field, value):
    data = form_data(survey, **{field: value})

    page = client.post(link_path(survey, UserFactory()), data)

    assert page.status_code == 400
    assert "Select a valid choice" in page.text
    assert not Response.objects.exists()


def test_a_tampered_multiple_choice_is_a_400(client, survey):
    page = client.post(link_path(survey, UserFactory()), form_data(survey, used=["0", "9"]))

    assert page.status_code == 400
    assert "Select a valid choice" in page.text


def test_the_page_carries_the_condition_for_the_script_and_no_inline_script(client, survey):
    page = client.get(link_path(survey, UserFactory()))

    _rating, recommend_q, _why, _used = questions(survey)
    assert f'data-condition-field="q{recommend_q.pk}" data-condition-value="1"' in page.text
    assert "campaigns/questionnaires.js" in page.text
    assert "<script>" not in page.text


def test_japanese_reader_sees_japanese_choices_and_the_english_choice_is_stored(client, survey):
    person = UserFactory()
    url = link_path(survey, person)

    page = client.get(url, headers={"accept-language": "ja"})
    client.post(url, form_data(survey, recommend="0"), headers={"accept-language": "ja"})

    assert "いいえ" in page.text
    assert stored(survey, person)[2] == "Yes"


def test_anonymous_answers_are_stored_without_the_person_and_can_be_edited(client):
    survey = stay_survey(anonymous=True)
    person = UserFactory()
    url = link_path(survey, person)

    client.post(url, form_data(survey, rating="2"))
    client.post(url, form_data(survey, rating="5"))

    [response] = Response.objects.filter(questionnaire=survey)
    assert response.user is None
    assert response.respondent_key
    assert [a.display for a in response.answers.all()] == ["5", "Yes"]
    assert Participation.objects.filter(questionnaire=survey, user=person).count() == 1
