"""Messages and inquiries past their limits: the form comes back with what was typed,
the reason on top, status 429 and when to try again."""

import pytest

from kaguaruoo.ratelimit import limit_hit, limit_windows
from messaging.models import Message, Thread
from tests.accounts.factories import UserFactory
from tests.messaging.builders import listing_near_station, start_thread
from tests.messaging.test_views import inquiry_data

pytestmark = pytest.mark.django_db


def test_a_message_past_the_minutes_limit_comes_back_in_its_form_with_429(client):
    thread = start_thread()
    client.force_login(thread.tenant)
    allowed = limit_windows("message")[0].count
    for n in range(allowed):
        response = client.post(f"/messages/{thread.pk}/post/", {"body": f"Question {n}"})
        assert response.status_code == 302

    response = client.post(f"/messages/{thread.pk}/post/", {"body": "Is parking included?"})

    page = response.content.decode()
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "You did this too many times in a short while" in page
    assert "What you wrote is still in the form below" in page
    assert "Is parking included?</textarea>" in page
    assert not Message.objects.filter(body="Is parking included?").exists()


def test_the_other_party_can_still_answer_when_one_party_hit_the_limit(client):
    thread = start_thread()
    for _ in range(limit_windows("message")[0].count):
        limit_hit(name="message", who=f"user:{thread.tenant.pk}")
    client.force_login(thread.host)

    response = client.post(f"/messages/{thread.pk}/post/", {"body": "Yes, it is free."})

    assert response.status_code == 302


def test_a_message_refused_by_its_limit_reads_in_japanese_for_a_japanese_reader(client):
    thread = start_thread()
    thread.tenant.language = "ja"
    thread.tenant.save(update_fields=["language"])
    client.force_login(thread.tenant)
    for _ in range(limit_windows("message")[0].count):
        limit_hit(name="message", who=f"user:{thread.tenant.pk}")

    response = client.post(f"/messages/{thread.pk}/post/", {"body": "駐車場はありますか"})

    page = response.content.decode()
    assert response.status_code == 429
    assert "もう一度お試しください" in page
    assert "駐車場はありますか</textarea>" in page


def test_an_inquiry_past_the_limit_keeps_the_form_and_its_text_with_429(client):
    tenant = UserFactory()
    listing = listing_near_station()
    client.force_login(tenant)
    for _ in range(limit_windows("inquiry")[0].count):
        limit_hit(name="inquiry", who=f"user:{tenant.pk}")

    response = client.post(
        f"/messages/inquire/{listing.pk}/", inquiry_data(body="Is the desk big enough?")
    )

    page = response.content.decode()
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "You did this too many times in a short while" in page
    assert "Is the desk big enough?</textarea>" in page
    assert not Thread.objects.exists()


def test_a_mistake_in_the_inquiry_form_does_not_use_up_the_allowance(client):
    tenant = UserFactory()
    listing = listing_near_station()
    client.force_login(tenant)
    for _ in range(limit_windows("inquiry")[0].count - 1):
        limit_hit(name="inquiry", who=f"user:{tenant.pk}")
    client.post(f"/messages/inquire/{listing.pk}/", inquiry_data(agree=None))

    response = client.post(f"/messages/inquire/{listing.pk}/", inquiry_data())

    assert response.status_code == 302
    assert Thread.objects.count() == 1
