"""A signed-in person applies to a campaign once, on its public page, while it is open."""

import pytest
from django.db import IntegrityError

from campaigns.gifts.models import GiftApplication
from campaigns.gifts.services import gift_apply
from tests.accounts.factories import UserFactory
from tests.campaigns.gifts.builders import campaign_close, gift_campaign

pytestmark = pytest.mark.django_db


def test_the_public_page_shows_title_summary_and_closing_time(client):
    campaign = gift_campaign()

    page = client.get(f"/campaigns/{campaign.pk}/").text

    assert "A tote bag for your move" in page
    assert "Four canvas tote bags" in page
    assert "Applications are open until" in page
    assert "Log in to apply" in page


def test_the_page_is_in_the_readers_language(client):
    campaign = gift_campaign()

    page = client.get(f"/campaigns/{campaign.pk}/", headers={"accept-language": "ja"}).text

    assert "お引越しにトートバッグを" in page
    assert "抽選で4名様に。" in page


def test_a_campaign_that_takes_no_applications_has_no_page(client):
    campaign = gift_campaign(applications_open=False)

    assert client.get(f"/campaigns/{campaign.pk}/").status_code == 404
    assert client.get("/campaigns/999999/").status_code == 404


def test_a_signed_in_user_applies_with_one_button(client):
    campaign = gift_campaign()
    user = UserFactory()
    client.force_login(user)

    response = client.post(f"/campaigns/{campaign.pk}/apply/", follow=True)

    assert response.status_code == 200
    assert "You applied" in response.text
    assert "You have already applied." in response.text
    assert GiftApplication.objects.filter(campaign=campaign, user=user).count() == 1


def test_applying_twice_says_so_and_keeps_one_application(client):
    campaign = gift_campaign()
    user = UserFactory()
    client.force_login(user)
    client.post(f"/campaigns/{campaign.pk}/apply/")

    response = client.post(f"/campaigns/{campaign.pk}/apply/", follow=True)

    assert response.status_code == 200
    assert "You have already applied" in response.text
    assert GiftApplication.objects.filter(campaign=campaign, user=user).count() == 1


def test_the_database_holds_one_application_per_campaign_and_user():
    campaign = gift_campaign()
    user = UserFactory()
    gift_apply(campaign=campaign, user=user)

    with pytest.raises(IntegrityError):
        GiftApplication.objects.create(campaign=campaign, user=user)


def test_a_closed_campaign_says_so_and_refuses_applications(client):
    campaign = campaign_close(gift_campaign())
    client.force_login(UserFactory())

    page = client.get(f"/campaigns/{campaign.pk}/").text
    response = client.post(f"/campaigns/{campaign.pk}/apply/")

    assert "Applications are closed." in page
    assert "Apply</button>" not in page
    assert response.status_code == 400
    assert "Applications for this campaign are closed." in response.text
    assert not GiftApplication.objects.filter(campaign=campaign).exists()


def test_an_anonymous_visitor_is_asked_to_log_in_to_apply(client):
    campaign = gift_campaign()

    response = client.post(f"/campaigns/{campaign.pk}/apply/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not GiftApplication.objects.exists()


def test_a_user_sees_their_applications_on_the_gifts_page(client):
    campaign = gift_campaign()
    user = UserFactory()
    gift_apply(campaign=campaign, user=user)
    client.force_login(user)

    page = client.get("/gifts/").text

    assert "A tote bag for your move" in page
    assert "Waiting for the results" in page
