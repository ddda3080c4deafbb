import pytest
from django.urls import reverse

from privacy.models import Consent, PolicyVersion
from privacy.services import consent_record, policy_publish
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def accept_current_policy(user):
    consent_record(
        user=user, purpose=Consent.Purpose.POLICY, granted=True, ip="127.0.0.1", source="signup"
    )


def test_publishing_a_revision_numbers_it_after_the_latest_and_shows_it_first(client):
    staff = UserFactory(is_staff=True)

    revision = policy_publish(text="Revised text.", changes="We added cookies.", by=staff)

    assert revision.version == 2
    page = client.get(reverse("privacy:policy")).text
    assert "Revised text." in page
    assert "We added cookies." in page
    assert "Version 2, published" in page
    assert "Version 1, published 2026-11-01" in page


def test_an_older_version_stays_readable_and_says_it_is_no_longer_in_force(client):
    policy_publish(text="Revised text.", changes="", by=None)

    page = client.get(reverse("privacy:policy_version", kwargs={"version": 1})).text

    assert "Purposes of use of Personal Information" in page
    assert "This version is no longer in force." in page


def test_signed_in_user_sees_the_revision_notice_until_acknowledging_it(client):
    user = UserFactory()
    accept_current_policy(user)
    client.force_login(user)
    assert "Our privacy policy was revised" not in client.get("/").text

    policy_publish(text="Revised text.", changes="New purpose.", by=None)
    page = client.get("/").text
    assert "Our privacy policy was revised" in page
    assert 'href="/privacy/v/2/#changes"' in page

    response = client.post(reverse("privacy:policy_acknowledge"), {"next": "/listings/"})

    assert response["Location"] == "/listings/"
    assert "Our privacy policy was revised" not in client.get("/").text
    acknowledgement = Consent.objects.filter(user=user, purpose="policy").first()
    assert acknowledgement.policy_version.version == 2
    assert acknowledgement.ip_address == "127.0.0.1"


def test_acknowledgement_does_not_redirect_to_another_site(client):
    client.force_login(UserFactory())

    response = client.post(reverse("privacy:policy_acknowledge"), {"next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_anonymous_visitors_see_no_revision_notice(client):
    policy_publish(text="Revised text.", changes="", by=None)

    assert "Our privacy policy was revised" not in client.get("/").text


def test_staff_publish_a_revision_in_admin_and_cannot_delete_or_edit_one(officer_client):
    response = officer_client.post(
        "/admin/privacy/policyversion/add/", {"text": "Admin revision.", "changes": "Clarified."}
    )

    assert response.status_code == 302
    revision = PolicyVersion.objects.get(version=2)
    assert revision.text == "Admin revision."
    assert revision.published_by == officer_client.officer
    delete = officer_client.get(f"/admin/privacy/policyversion/{revision.pk}/delete/")
    assert delete.status_code == 403
