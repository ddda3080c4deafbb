"""Tracked links, the open beacon and one-click unsubscribe, as a mail's reader meets them."""

import re

import pytest
from django.core import mail
from django.test import Client

from campaigns.core.models import Click, Delivery
from campaigns.core.services import campaign_send
from kaguaruoo.outbox.services import outbox_drain
from privacy.models import Consent
from privacy.selectors import consent_latest
from privacy.services import consent_record
from tests.campaigns.builders import campaign_build, consenting_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailed(settings):
    settings.SITE_URL = "https://kaguaruoo.example"
    person = consenting_user(email="reader@example.com", last_name="Tanaka")
    campaign = campaign_build()
    campaign_send(campaign=campaign, by=campaign.created_by)
    outbox_drain()
    (message,) = mail.outbox
    return person, campaign, message


def paths(text):
    return re.findall(r"https://kaguaruoo\.example(/t/[^/\s]+/)", text)


def unsubscribe_path(message):
    return re.search(
        r"<https://kaguaruoo\.example(/u/[^>]+)>", message.extra_headers["List-Unsubscribe"]
    ).group(1)


def test_a_click_is_recorded_and_goes_to_the_campaigns_own_link(client, mailed):
    person, _campaign, message = mailed
    _first, second = paths(message.body)

    response = client.get(second)

    assert response.status_code == 302
    assert response["Location"] == "https://kaguaruoo.example/faq"
    delivery = Delivery.objects.get(user=person)
    assert delivery.clicks == 1
    assert delivery.opened_at is not None
    assert Click.objects.get().link.url == "https://kaguaruoo.example/faq"


@pytest.mark.parametrize(
    "query",
    [
        "?next=//evil.example",
        "?url=https://evil.example",
        "?to=javascript:alert(1)",
        "?next=%0d%0aLocation:%20https://evil.example",
    ],
)
def test_the_redirect_never_takes_an_address_from_the_request(client, mailed, query):
    _person, _campaign, message = mailed
    first = paths(message.body)[0]

    response = client.get(first + query)

    assert response.status_code == 302
    assert response["Location"] == "https://kaguaruoo.example/spring"


@pytest.mark.parametrize(
    "change",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.replace(":", ".9:", 1),
        lambda token: "2.0:" + token.split(":", 1)[1],
        lambda token: "//evil.example",
        lambda token: "javascript:alert(1)",
        lambda token: token + "%0a",
    ],
)
def test_a_changed_token_is_not_found_and_counts_nothing(client, mailed, change):
    _person, _campaign, message = mailed
    token = paths(message.body)[0].split("/")[2]

    response = client.get(f"/t/{change(token)}/")

    assert response.status_code == 404
    assert Click.objects.count() == 0


def test_a_token_for_a_link_the_campaign_does_not_have_is_not_found(client, mailed):
    from campaigns.core.tokens import track_token

    _person, _campaign, _message = mailed
    delivery = Delivery.objects.get()

    assert client.get(f"/t/{track_token(delivery_id=delivery.pk, position=7)}/").status_code == 404
    assert client.get(f"/t/{track_token(delivery_id=999, position=0)}/").status_code == 404


def test_the_beacon_is_in_the_mail_only_for_people_who_accepted_web_beacons(settings):
    settings.SITE_URL = "https://kaguaruoo.example"
    consenting_user(email="beacon@example.com", purposes=("marketing", "analytics"))
    consenting_user(email="plain@example.com")
    campaign = campaign_build()
    campaign_send(campaign=campaign, by=campaign.created_by)
    outbox_drain()

    html = {m.to[0]: m.alternatives[0][0] for m in mail.outbox}
    assert "open.gif" in html["beacon@example.com"]
    assert "open.gif" not in html["plain@example.com"]

    beacon = re.search(
        r'src="https://kaguaruoo\.example([^"]+open\.gif)"', html["beacon@example.com"]
    ).group(1)
    response = Client().get(beacon)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    delivery = Delivery.objects.get(user__email="beacon@example.com")
    assert delivery.opens == 1 and delivery.opened_at is not None


def test_an_open_is_not_counted_once_the_person_withdrew_the_beacon_consent(settings):
    settings.SITE_URL = "https://kaguaruoo.example"
    person = consenting_user(email="beacon@example.com", purposes=("marketing", "analytics"))
    campaign = campaign_build()
    campaign_send(campaign=campaign, by=campaign.created_by)
    outbox_drain()
    beacon = re.search(
        r'src="https://kaguaruoo\.example([^"]+open\.gif)"', mail.outbox[0].alternatives[0][0]
    ).group(1)
    consent_record(user=person, purpose="analytics", granted=False, ip=None, source="cookie_notice")

    Client().get(beacon)

    assert Delivery.objects.get().opens == 0


def test_get_on_the_unsubscribe_address_changes_nothing_and_shows_one_button(mailed):
    person, _campaign, message = mailed
    path = unsubscribe_path(message)

    response = Client().get(path)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('type="submit"') >= 1
    assert "Stop these mails" in page
    assert consent_latest(user=person, purpose="marketing").granted is True


def test_one_click_post_without_cookies_or_csrf_token_withdraws_at_once(mailed):
    person, _campaign, message = mailed
    browserless = Client(enforce_csrf_checks=True)

    response = browserless.post(
        unsubscribe_path(message),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    latest = consent_latest(user=person, purpose="marketing")
    assert latest.granted is False
    assert latest.source == Consent.Source.UNSUBSCRIBE
    assert Delivery.objects.get().unsubscribed_at is not None


def test_the_footer_link_is_the_same_page_and_the_withdrawal_shows_on_the_privacy_page(
    client, mailed
):
    person, _campaign, message = mailed
    path = unsubscribe_path(message)
    assert f"https://kaguaruoo.example{path}" in message.body

    Client().post(path)
    client.force_login(person)
    page = client.get("/privacy/me/").content.decode()

    history = page.split('id="consent-history"', 1)[1]
    assert "Campaigns and gifts by e-mail" in history
    assert "Withdrawn" in history
    assert "Unsubscribe link" in history


def test_a_changed_unsubscribe_token_is_not_found(mailed):
    person, _campaign, message = mailed
    path = unsubscribe_path(message)

    assert Client().post(path[:-2] + "x/").status_code == 404
    assert Client().get("/u/1/").status_code == 404
    assert consent_latest(user=person, purpose="marketing").granted is True


def test_a_link_built_with_the_site_url_is_tracked_and_a_japanese_reader_gets_the_japanese_link(
    settings, client
):
    settings.SITE_URL = "https://kaguaruoo.example"
    consenting_user(email="ja@example.com", language="ja")
    campaign = campaign_build(
        body_en="Rooms: {{ site_url }}/listings/?q=kyoto and https://kaguaruoo.example/en/guide",
        body_ja="お部屋: {{ site_url }}/listings/?q=kyoto 、案内 https://kaguaruoo.example/ja/guide",
    )
    campaign_send(campaign=campaign, by=campaign.created_by)
    outbox_drain()

    (message,) = mail.outbox
    assert "listings/?q=kyoto" not in message.body
    first, second = paths(message.body)
    assert client.get(first)["Location"] == "https://kaguaruoo.example/listings/?q=kyoto"
    assert client.get(second)["Location"] == "https://kaguaruoo.example/ja/guide"
