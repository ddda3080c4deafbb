"""Any signed-in person sends an opinion at any time; staff read them in admin."""

import pytest
from django.urls import reverse

from campaigns.questionnaires.models import Feedback
from tests.accounts.factories import UserFactory
from tests.privacy.helpers import sign_in

pytestmark = pytest.mark.django_db

URL = "/feedback/"


def test_the_feedback_address_is_feedback():
    assert reverse("campaigns:feedback") == URL


def test_a_visitor_is_sent_to_sign_in(client):
    page = client.get(URL)

    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))


def test_a_signed_in_person_sends_an_opinion_and_is_thanked(client):
    person = UserFactory()
    sign_in(client, person)

    page = client.post(
        URL, {"category": "site", "text": "  Search by school, please. "}, follow=True
    )

    assert "Thank you for your opinion" in page.text
    feedback = Feedback.objects.get()
    assert (feedback.user, feedback.category, feedback.text) == (
        person,
        "site",
        "Search by school, please.",
    )


def test_the_category_is_optional(client):
    sign_in(client, UserFactory())

    client.post(URL, {"category": "", "text": "Nice site."})

    assert Feedback.objects.get().category == ""


def test_an_empty_opinion_is_refused_with_a_message(client):
    sign_in(client, UserFactory())

    page = client.post(URL, {"text": ""})

    assert page.status_code == 400
    assert "This field is required." in page.text
    assert not Feedback.objects.exists()


def test_an_unknown_category_is_a_400(client):
    sign_in(client, UserFactory())

    page = client.post(URL, {"category": "bribes", "text": "Hello"})

    assert page.status_code == 400
    assert "Select a valid choice" in page.text


def test_privacy_officers_read_feedback_in_admin(officer_client):
    Feedback.objects.create(user=UserFactory(), text="The map is great.")

    page = officer_client.get(reverse("admin:campaigns_feedback_changelist"))

    assert page.status_code == 200
    assert "The map is great." in page.text
