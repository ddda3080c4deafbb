import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)")


def sign_up(client, email="newcomer@example.com", *, on_commit=None, **extra):
    """Post the signup form; with on_commit (the pytest-django fixture), run commit hooks."""
    data = {
        "email": email,
        "password1": "quiet-maple-river-42",
        "password2": "quiet-maple-river-42",
        "account_type": "personal",
        "first_name": "Yuki",
        "last_name": "Tanaka",
        "accept_policy": "on",
        **extra,
    }
    if on_commit is None:
        return client.post(reverse("account_signup"), data)
    with on_commit(execute=True):
        return client.post(reverse("account_signup"), data)


def confirm_and_log_in(client, body: str, email: str):
    path = LINK.search(body).group(1)
    assert client.get(path).status_code == 200
    client.post(path)
    assert EmailAddress.objects.get(email=email).verified
    response = client.post(
        reverse("account_login"), {"login": email, "password": "quiet-maple-river-42"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    return client.get(response["Location"])


def test_signup_sends_verification_mail_and_login_waits_for_it(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    response = sign_up(client, on_commit=django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="newcomer@example.com")
    assert (user.first_name, user.last_name, user.account_type) == ("Yuki", "Tanaka", "personal")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["newcomer@example.com"]
    assert LINK.search(mailoutbox[0].body)

    blocked = client.post(
        reverse("account_login"),
        {"login": "newcomer@example.com", "password": "quiet-maple-river-42"},
    )
    assert blocked.status_code == 302
    assert blocked["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_verification_link_from_mail_lets_the_user_log_in_and_see_the_account_page(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    sign_up(client, on_commit=django_capture_on_commit_callbacks)

    page = confirm_and_log_in(client, mailoutbox[0].body, "newcomer@example.com")

    assert page.status_code == 200
    assert "newcomer@example.com" in page.text
    assert "Yuki Tanaka" in page.text


def test_corporate_signup_needs_the_corporation_name(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    response = sign_up(
        client,
        on_commit=django_capture_on_commit_callbacks,
        account_type="corporate",
        first_name="",
        last_name="",
    )

    assert response.status_code == 200
    assert "Enter the corporation&#x27;s name." in response.text
    assert not User.objects.filter(email="newcomer@example.com").exists()
    assert mailoutbox == []


def test_corporate_signup_keeps_no_personal_names(client, mailoutbox):
    sign_up(client, account_type="corporate", corporation_name="Kagu Estates K.K.")

    user = User.objects.get(email="newcomer@example.com")
    assert user.corporation_name == "Kagu Estates K.K."
    assert (user.first_name, user.last_name) == ("", "")


def test_personal_signup_needs_both_names(client):
    response = sign_up(client, last_name="")

    assert response.status_code == 200
    assert "This field is required for a personal account." in response.text


def test_signup_with_an_email_already_taken_in_other_case_is_refused(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="taken@example.com")

    sign_up(client, email="Taken@Example.COM", on_commit=django_capture_on_commit_callbacks)

    assert User.objects.filter(email__iexact="taken@example.com").count() == 1
    assert len(mailoutbox) == 1
    assert "already" in mailoutbox[0].subject.lower()


def test_signup_form_marks_its_required_fields(client):
    page = client.get(reverse("account_signup")).text

    assert "Required field" in page
    for label in ("Email", "Password", "Account type", "Last name", "Corporation name"):
        assert re.search(rf">{label}<span class=\"required-mark\"", page), label


@pytest.mark.integration
def test_verification_mail_arrives_over_smtp_from_the_worker(client, live_worker, smtp_sink):
    sign_up(client, email="smtp.newcomer@example.com")

    [message] = smtp_sink.wait_for("smtp.newcomer@example.com")
    body = message.get_body(preferencelist=("plain",)).get_content()
    page = confirm_and_log_in(client, body, "smtp.newcomer@example.com")

    assert message["Subject"].startswith("[KaguAruoo]")
    assert "smtp.newcomer@example.com" in page.text
