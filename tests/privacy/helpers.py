"""Signing in as a person does, so that allauth records how they authenticated."""

from django.urls import reverse

from tests.accounts.factories import PASSWORD


def sign_in(client, user, password=PASSWORD):
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302, response.text
    return response


def reauthenticate(client, password=PASSWORD):
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.text
    return response
