"""Request bodies larger than their page takes: 413 with a page that says so, before
the body is read; a form body Django refuses to read is a 413 too, not a 400."""

import pytest
from django.conf import settings
from django.urls import reverse

from messaging.models import Message
from tests.accounts.factories import UserFactory
from tests.messaging.builders import listing_near_station, start_thread

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def test_a_message_whose_body_is_over_its_cap_is_answered_413_unread(client):
    thread = start_thread()
    client.force_login(thread.tenant)

    response = client.post(
        f"/messages/{thread.pk}/post/",
        {"body": "Here is the plan."},
        CONTENT_LENGTH=str(settings.ATTACHMENT_REQUEST_MAX_BYTES + 1),
        HTTP_REFERER=f"http://testserver/messages/{thread.pk}/",
    )

    page = response.content.decode()
    assert response.status_code == 413
    assert "The upload is too large" in page
    assert "it was not read and nothing was saved" in page
    assert f'href="http://testserver/messages/{thread.pk}/"' in page
    assert not Message.objects.filter(body="Here is the plan.").exists()


def test_the_413_page_reads_in_japanese(client):
    thread = start_thread()
    client.force_login(thread.tenant)

    response = client.post(
        f"/messages/{thread.pk}/post/",
        {"body": "."},
        CONTENT_LENGTH=str(settings.ATTACHMENT_REQUEST_MAX_BYTES + 1),
        HTTP_ACCEPT_LANGUAGE="ja",
    )

    assert response.status_code == 413
    assert "アップロードが大きすぎます" in response.content.decode()


def test_a_form_without_files_takes_a_smaller_body_than_an_upload(client):
    listing = listing_near_station()
    client.force_login(UserFactory())

    response = client.post(
        f"/contracts/apply/{listing.pk}/",
        {"message": "."},
        CONTENT_LENGTH=str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
    )

    assert response.status_code == 413


def test_photos_take_a_larger_body_than_one_attachment():
    assert settings.REQUEST_BODY_MAX_BYTES["listings:host_photos"] > 20 * 15 * MB
    assert settings.REQUEST_BODY_MAX_BYTES["messaging:message_create"] > 10 * MB


def test_a_form_body_django_refuses_to_read_is_413_not_400(client):
    thread = start_thread()
    client.force_login(thread.tenant)
    text = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = client.post(
        f"/messages/{thread.pk}/post/",
        f"body={text}",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert "The upload is too large" in response.content.decode()
    assert not Message.objects.filter(body=text).exists()


def test_every_view_named_for_a_larger_body_exists():
    for name in settings.REQUEST_BODY_MAX_BYTES:
        if ":" in name:
            kwargs = {
                key: 1
                for key in ("pk", "contract_pk", "listing_pk")
                if f"<int:{key}>" in _route_of(name)
            }
            assert reverse(name, kwargs=kwargs)


def _route_of(name: str) -> str:
    from django.urls import get_resolver

    namespace, url_name = name.split(":")
    resolver = get_resolver().namespace_dict[namespace][1]
    for pattern in resolver.url_patterns:
        if getattr(pattern, "name", None) == url_name:
            return str(pattern.pattern)
    raise AssertionError(f"no URL named {name}")
