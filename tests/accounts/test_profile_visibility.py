import json

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import PROFILE_FIELDS_WITH_VISIBILITY
from messaging.services import message_post
from tests.accounts.factories import UserFactory
from tests.messaging.builders import listing_near_station, start_thread
from tests.privacy.helpers import reauthenticate, sign_in

pytestmark = pytest.mark.django_db

CANARY = "canary-7f3a9c"
ALL_USER_TEXT = "All User — Open for all user. Anybody can see in your public profile."
ONLY_YOU_TEXT = "Only You — Only visible to you."


def profile_post(**overrides):
    data = {
        "account_type": "personal",
        "first_name": "Rin",
        "last_name": "Okada",
        "phone": "090-1111-2222",
        "introduction": "I like quiet rooms near parks.",
        **{f"{name}_visibility": "all" for name in PROFILE_FIELDS_WITH_VISIBILITY},
    }
    data.update(overrides)
    return data


def test_profile_form_offers_the_two_visibilities_in_the_customers_words(client):
    client.force_login(UserFactory())

    page = client.get(reverse("accounts:profile_edit")).text

    assert page.count(ALL_USER_TEXT) == len(PROFILE_FIELDS_WITH_VISIBILITY)
    assert page.count(ONLY_YOU_TEXT) == len(PROFILE_FIELDS_WITH_VISIBILITY)


def test_a_field_switched_to_only_you_vanishes_from_the_public_profile(client):
    member = UserFactory()
    client.force_login(member)
    client.post(reverse("accounts:profile_edit"), profile_post())
    public_url = reverse("users:detail", kwargs={"pk": member.pk})
    assert "I like quiet rooms near parks." in client.get(public_url).text

    client.post(reverse("accounts:profile_edit"), profile_post(introduction_visibility="me"))

    assert "I like quiet rooms near parks." not in client.get(public_url).text
    own_page = client.get(reverse("accounts:profile")).text
    assert "I like quiet rooms near parks." in own_page
    assert "Only You" in own_page


def test_all_user_fields_appear_on_the_public_profile(client):
    member = UserFactory(
        first_name="Rin",
        last_name="Okada",
        phone="090-1111-2222",
        introduction="Hello from Osaka.",
        first_name_visibility="all",
        phone_visibility="all",
    )

    page = client.get(reverse("users:detail", kwargs={"pk": member.pk})).text

    for value in ("Rin", "Okada", "090-1111-2222", "Hello from Osaka."):
        assert value in page


def test_a_hidden_last_name_leaves_only_member_as_the_public_name():
    member = UserFactory(last_name="Okada", last_name_visibility="me")

    assert member.public_name == "Member"


def test_only_you_fields_never_reach_another_user(client, django_capture_on_commit_callbacks):
    secret = UserFactory(
        first_name=f"{CANARY}-first",
        last_name=f"{CANARY}-last",
        phone=f"{CANARY}-phone",
        introduction=f"{CANARY}-introduction",
        email=f"{CANARY}@example.com",
        **{f"{name}_visibility": "me" for name in PROFILE_FIELDS_WITH_VISIBILITY},
    )
    other = UserFactory()
    mail.outbox.clear()
    sign_in(client, other)
    reauthenticate(client)

    pages = [
        reverse("users:detail", kwargs={"pk": secret.pk}),
        "/",
        "/listings/?q=introduction",
        "/messages/",
        "/contracts/",
        "/privacy/",
        reverse("accounts:profile"),
        reverse("privacy:me"),
        "/healthz",
    ]
    for url in pages:
        response = client.get(url)
        assert CANARY not in response.content.decode(), url
    download = client.get(reverse("privacy:me_download"))
    assert CANARY not in json.dumps(json.loads(download.content))
    assert all(CANARY not in m.body and CANARY not in str(m.to) for m in mail.outbox)


def test_a_hosts_only_you_fields_never_reach_a_tenant_who_writes_to_them(
    client, django_capture_on_commit_callbacks
):
    host = UserFactory(
        first_name=f"{CANARY}-first",
        last_name=f"{CANARY}-last",
        phone=f"{CANARY}-phone",
        introduction=f"{CANARY}-introduction",
        **{f"{name}_visibility": "me" for name in PROFILE_FIELDS_WITH_VISIBILITY},
    )
    listing = listing_near_station(host=host, title="Quiet 1K")
    tenant = UserFactory()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        thread = start_thread(listing=listing, tenant=tenant)
        message_post(thread=thread, sender=host, body="Welcome! It is free from next month.")
    client.force_login(tenant)

    pages = [
        listing.get_absolute_url(),
        "/listings/?q=quiet",
        "/messages/",
        f"/messages/{thread.pk}/",
        reverse("users:detail", kwargs={"pk": host.pk}),
    ]
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert CANARY not in response.content.decode(), url
    to_tenant = [m for m in mail.outbox if tenant.email in m.to]
    assert to_tenant, "the tenant is told of the host's reply"
    assert all(CANARY not in m.body and CANARY not in m.subject for m in to_tenant)
