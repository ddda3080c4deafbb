"""While the shared cache is down, signing in and resetting a password by address are
refused with a clear page (allauth counts their attempts in the cache); people already
signed in go on using the site, and can sign out."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.test_signup import sign_up
from tests.services import free_port

pytestmark = pytest.mark.django_db

PAUSED = "Signing in is paused for a few minutes while we fix a fault. Please try again shortly."
PAUSED_JA = "障害の復旧作業のため、数分間ログインを一時停止しています。"


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "kaguaruoo.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }


def test_signing_in_while_the_cache_is_down_answers_a_clear_503_page(client, cache_down):
    user = UserFactory()

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 503
    assert PAUSED in response.text
    assert response["Retry-After"] == "120"
    assert "_auth_user_id" not in client.session


def test_the_pause_page_is_in_the_readers_language(client, cache_down):
    user = UserFactory()

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="ja",
    )

    assert response.status_code == 503
    assert PAUSED_JA in response.text


def test_a_password_reset_by_address_while_the_cache_is_down_is_paused(client, cache_down):
    user = UserFactory()

    response = client.post(reverse("account_reset_password"), {"email": user.email})

    assert response.status_code == 503
    assert PAUSED in response.text


def test_the_sign_in_form_itself_still_shows_while_the_cache_is_down(client, cache_down):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert "Forgot your password?" in response.text


def test_someone_signed_in_keeps_using_the_site_and_can_sign_out_while_the_cache_is_down(
    client, settings
):
    user = UserFactory()
    client.force_login(user)
    settings.CACHES = {
        "default": {
            "BACKEND": "kaguaruoo.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }

    profile = client.get(reverse("accounts:profile"))
    signed_out = client.post(reverse("account_logout"))

    assert profile.status_code == 200
    assert user.email in profile.text
    assert signed_out.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_signing_up_while_the_cache_is_down_goes_on_without_its_rate_limit(client, cache_down):
    response = sign_up(client, email="newcomer@example.com")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="newcomer@example.com").exists()


def test_signing_in_with_the_cache_up_is_not_paused(client):
    user = UserFactory()

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
