import json

import pytest
from django.urls import reverse

from accounts.models import User
from privacy.models import Consent
from privacy.selectors import USER_CHOSEN_PURPOSES
from privacy.services import consent_is_granted
from tests.accounts.factories import UserFactory
from tests.accounts.test_signup import sign_up
from tests.privacy.helpers import reauthenticate, sign_in

pytestmark = pytest.mark.django_db


def test_signup_records_acceptance_of_the_current_policy_and_the_mail_opt_in(client):
    sign_up(client, marketing_mail="on")

    user = User.objects.get(email="newcomer@example.com")
    accepted = Consent.objects.get(user=user, purpose="policy")
    opt_in = Consent.objects.get(user=user, purpose="marketing")
    assert accepted.granted and accepted.policy_version.version == 1
    assert opt_in.granted and opt_in.source == "signup"
    assert consent_is_granted(user=user, purpose="marketing")


def test_signup_without_the_mail_opt_in_records_a_refusal(client):
    sign_up(client)

    user = User.objects.get(email="newcomer@example.com")
    assert Consent.objects.get(user=user, purpose="marketing").granted is False
    assert not consent_is_granted(user=user, purpose="marketing")


def test_signup_without_accepting_the_policy_is_refused(client):
    response = sign_up(client, accept_policy="")

    assert "Please accept the Privacy Policy to create an account." in response.text
    assert not User.objects.filter(email="newcomer@example.com").exists()


def test_privacy_page_changes_consents_and_keeps_their_history(client):
    user = UserFactory()
    client.force_login(user)

    client.post(reverse("privacy:me"), {"marketing": "on", "analytics": "on"})
    client.post(reverse("privacy:me"), {"analytics": "on"})
    page = client.get(reverse("privacy:me")).text

    history = list(Consent.objects.filter(user=user, purpose="marketing").order_by("pk"))
    assert [c.granted for c in history] == [True, False]
    assert all(c.ip_address == "127.0.0.1" and c.policy_version.version == 1 for c in history)
    assert consent_is_granted(user=user, purpose="analytics")
    assert not consent_is_granted(user=user, purpose="marketing")
    assert "Withdrawn" in page
    assert "Campaigns and gifts by e-mail" in page


def test_saving_unchanged_choices_records_nothing(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("privacy:me"), {"questionnaires": "on"})

    response = client.post(reverse("privacy:me"), {"questionnaires": "on"}, follow=True)

    assert "Nothing changed." in response.text
    # The first save recorded one decision per purpose; the second, none.
    assert Consent.objects.filter(user=user).count() == len(USER_CHOSEN_PURPOSES)


def test_privacy_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("privacy:me"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_data_download_needs_a_fresh_password_and_holds_the_persons_data(client):
    user = UserFactory(first_name="Kanoko", phone="090-2222-3333")
    sign_in(client, user)

    first = client.get(reverse("privacy:me_download"))
    assert first.status_code == 302
    assert first["Location"].startswith(reverse("account_reauthenticate"))

    reauthenticate(client)
    response = client.get(reverse("privacy:me_download"))

    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)["data"]
    [me] = data["accounts.User"]
    assert (me["first_name"], me["phone"], me["email"]) == ("Kanoko", "090-2222-3333", user.email)
    assert data["account.EmailAddress"][0]["email"] == user.email


def test_data_download_holds_nobody_elses_data(client):
    user = UserFactory()
    other = UserFactory(first_name="Otherperson")
    sign_in(client, user)
    reauthenticate(client)

    body = client.get(reverse("privacy:me_download")).text

    assert other.email not in body
    assert "Otherperson" not in body


def test_unticking_every_box_withdraws_every_consent(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("privacy:me"), {"marketing": "on", "analytics": "on"})

    client.post(reverse("privacy:me"), {})

    assert not consent_is_granted(user=user, purpose="marketing")
    assert not consent_is_granted(user=user, purpose="analytics")
