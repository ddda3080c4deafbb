"""The language: chosen in the header, remembered on the account, the browser's until chosen."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext, override

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
HTML_LANG = re.compile(r'<html lang="([a-z-]+)">')


def page_language(response) -> str:
    return HTML_LANG.search(response.text).group(1)


def choose(client, language: str, next_url: str = "/listings/?q=shibuya"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


@pytest.mark.parametrize("accept", ["en", "ja"])
def test_the_header_offers_each_language_named_in_its_own_language(client, accept):
    page = client.get("/", headers={"accept-language": accept}).text

    header = page.split('<header class="site-header">')[1].split("</header>")[0]
    assert re.search(
        r'<button[^>]*name="language" value="ja" lang="ja"[^>]*>日本語</button>', header
    )
    assert re.search(
        r'<button[^>]*name="language" value="en" lang="en"[^>]*>English</button>', header
    )
    assert "英語" not in page
    assert f'value="{accept}" lang="{accept}" class="language-choice" aria-pressed="true"' in header


@pytest.mark.parametrize(("accept", "expected"), [("ja-JP,ja;q=0.9", "ja"), ("en-GB", "en")])
def test_an_anonymous_visitor_reads_the_browsers_language(client, accept, expected):
    response = client.get("/listings/", headers={"accept-language": accept})

    assert page_language(response) == expected


def test_choosing_sets_the_cookie_and_returns_to_the_same_address(client):
    response = choose(client, "ja")

    assert response.status_code == 302
    assert response["Location"] == "/listings/?q=shibuya"
    assert response.cookies[COOKIE].value == "ja"
    # The address has no language in it: the same link reads in the chosen language.
    assert page_language(client.get("/listings/?q=shibuya", headers={"accept-language": "en"})) == (
        "ja"
    )


def test_a_language_the_site_does_not_offer_is_refused(client):
    response = choose(client, "fr")

    assert response.status_code == 400
    assert "日本語 or English" in response.text
    assert COOKIE not in response.cookies


def test_a_signed_in_person_choosing_saves_it_on_the_account(client):
    user = UserFactory(language="en")
    client.force_login(user)

    choose(client, "ja")

    user.refresh_from_db()
    assert user.language == "ja"


def test_the_saved_language_wins_over_cookie_and_browser_on_every_page(client):
    user = UserFactory(language="ja")
    client.force_login(user)
    client.cookies[COOKIE] = "en"

    for path in ("/", "/listings/", reverse("accounts:profile")):
        response = client.get(path, headers={"accept-language": "en"})
        assert page_language(response) == "ja", path
    # The cookie follows, so the site stays in that language after logging out.
    assert client.cookies[COOKIE].value == "ja"


def test_a_person_without_a_saved_language_keeps_the_cookies(client):
    user = UserFactory(language="")
    client.force_login(user)
    client.cookies[COOKIE] = "ja"

    assert page_language(client.get("/", headers={"accept-language": "en"})) == "ja"


def test_the_saved_language_applies_right_after_login(client):
    user = UserFactory(language="ja")
    client.cookies[COOKIE] = "en"

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        headers={"accept-language": "en"},
    )

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "ja"
    page = client.get(response["Location"], headers={"accept-language": "en"})
    assert page_language(page) == "ja"


def test_logging_in_without_a_saved_language_keeps_the_one_read_at_login(client):
    user = UserFactory(language="")

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        headers={"accept-language": "ja"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "ja"
    assert response.cookies[COOKIE].value == "ja"
    # From now on the account's language wins, whatever the browser asks for.
    assert page_language(client.get("/", headers={"accept-language": "en"})) == "ja"


def test_the_chooser_works_without_javascript_from_any_page(client):
    """A plain form post: the buttons are the submit buttons, nothing needs a script."""
    page = client.get("/privacy/", headers={"accept-language": "en"}).text
    form = re.search(r'<form class="language-form" action="([^"]+)" method="post">', page)

    assert form and form.group(1) == reverse("set_language")
    assert '<input name="next" type="hidden" value="/privacy/">' in page
    assert "data-autosubmit" not in page


def test_signing_up_in_japanese_keeps_japanese_for_the_account_and_its_mail(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "hanako@example.com",
                "password1": "quiet-maple-river-42",
                "password2": "quiet-maple-river-42",
                "account_type": "personal",
                "first_name": "花子",
                "last_name": "山田",
                "accept_policy": "on",
            },
            headers={"accept-language": "ja"},
        )

    assert User.objects.get(email="hanako@example.com").language == "ja"
    with override("ja"):
        subject = gettext("Please Confirm Your Email Address")
    assert subject in mailoutbox[0].subject


def test_a_password_reset_mail_is_in_the_accounts_language_whatever_the_browser_reads(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(language="ja")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"),
            {"email": user.email},
            headers={"accept-language": "en"},
        )

    [reset] = mailoutbox
    with override("ja"):
        assert gettext("Password Reset Email") in reset.subject


def test_signing_up_again_with_a_known_address_answers_in_that_accounts_language(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(language="ja")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": user.email,
                "password1": "quiet-maple-river-42",
                "password2": "quiet-maple-river-42",
                "account_type": "personal",
                "first_name": "Taro",
                "last_name": "Yamada",
                "accept_policy": "on",
            },
            headers={"accept-language": "en"},
        )

    [answer] = mailoutbox
    with override("ja"):
        assert gettext("Account Already Exists") in answer.subject


@pytest.mark.parametrize(("language", "family_first"), [("ja", True), ("en", False)])
def test_the_sign_up_and_profile_forms_ask_the_name_in_the_languages_order(
    client, language, family_first
):
    page = client.get(reverse("account_signup"), headers={"accept-language": language}).text
    assert (page.index('name="last_name"') < page.index('name="first_name"')) == family_first

    client.force_login(UserFactory(language=language))
    page = client.get(reverse("accounts:profile_edit")).text
    assert (page.index('name="last_name"') < page.index('name="first_name"')) == family_first
    assert (
        page.index('name="last_name_visibility"') < page.index('name="first_name"')
    ) == family_first
