import pytest
from django.urls import reverse

from privacy.models import Consent
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTICE = "Accept analytics cookies"
BEACON = 'src="/privacy/beacon.gif"'


def choose(client, choice):
    return client.post(reverse("privacy:cookie_choice"), {"choice": choice, "next": "/terms/"})


def test_a_first_visit_shows_the_cookie_notice_and_sets_no_analytics_cookie(client):
    response = client.get("/")

    assert NOTICE in response.text
    assert BEACON not in response.text
    assert "kagu_analytics" not in response.cookies


def test_declining_keeps_analytics_cookies_and_beacons_away(client):
    response = choose(client, "declined")
    assert response["Location"] == "/terms/"

    page = client.get("/")

    assert NOTICE not in page.text
    assert BEACON not in page.text
    assert "kagu_analytics" not in page.cookies
    assert client.get(reverse("privacy:beacon")).status_code == 204


def test_accepting_sets_the_analytics_cookie_and_puts_the_beacon_in_pages(client):
    choose(client, "accepted")

    page = client.get("/")

    assert NOTICE not in page.text
    assert BEACON in page.text
    assert client.cookies["kagu_analytics"]["httponly"]
    assert client.get(reverse("privacy:beacon"))["Content-Type"] == "image/gif"


def test_a_signed_in_choice_is_recorded_as_a_consent(client):
    user = UserFactory()
    client.force_login(user)

    choose(client, "accepted")

    consent = Consent.objects.get(user=user, purpose="analytics")
    assert consent.granted and consent.source == "cookie_notice"


def test_withdrawing_on_the_privacy_page_removes_the_analytics_cookie(client):
    user = UserFactory()
    client.force_login(user)
    choose(client, "accepted")
    assert client.cookies["kagu_analytics"].value

    client.post(reverse("privacy:me"), {})
    response = client.get("/")

    assert client.cookies["kagu_analytics"].value == ""
    assert BEACON not in response.text
