import pytest
from django.urls import reverse

from privacy.models import Consent, PolicyVersion
from privacy.services import PrivacyError, consent_record, policy_publish
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def accept_current_policy(user):
    consent_record(
        user=user, purpose=Consent.Purpose.POLICY, granted=True, ip="127.0.0.1", source="signup"
    )


def test_publishing_a_revision_numbers_it_after_the_latest_and_shows_it_first(client):
    staff = UserFactory(is_staff=True)

    revision = policy_publish(
        text="Revised text.",
        text_ja="改定後の本文。",
        changes="We added cookies.",
        changes_ja="Cookieの利用目的を追加しました。",
        by=staff,
    )

    assert revision.version == 2
    page = client.get(reverse("privacy:policy")).text
    assert "Revised text." in page
    assert "We added cookies." in page
    assert "Version 2, published" in page
    assert "Version 1, published 1 Nov 2026" in page


def test_an_older_version_stays_readable_and_says_it_is_no_longer_in_force(client):
    policy_publish(text="Revised text.", text_ja="改定後の本文。", by=None)

    page = client.get(reverse("privacy:policy_version", kwargs={"version": 1})).text

    assert "Purposes of use of Personal Information" in page
    assert "This version is no longer in force." in page


def test_signed_in_user_sees_the_revision_notice_until_acknowledging_it(client):
    user = UserFactory()
    accept_current_policy(user)
    client.force_login(user)
    assert "Our privacy policy was revised" not in client.get("/").text

    policy_publish(
        text="Revised text.",
        text_ja="改定後の本文。",
        changes="New purpose.",
        changes_ja="利用目的の追加。",
        by=None,
    )
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
    policy_publish(text="Revised text.", text_ja="改定後の本文。", by=None)

    assert "Our privacy policy was revised" not in client.get("/").text


def test_staff_publish_a_revision_in_admin_and_cannot_delete_or_edit_one(officer_client):
    response = officer_client.post(
        "/admin/privacy/policyversion/add/",
        {
            "text": "Admin revision.",
            "text_ja": "管理画面からの改定。",
            "changes": "Clarified.",
            "changes_ja": "表現を明確にしました。",
        },
    )

    assert response.status_code == 302
    revision = PolicyVersion.objects.get(version=2)
    assert (revision.text, revision.text_ja) == ("Admin revision.", "管理画面からの改定。")
    assert revision.published_by == officer_client.officer
    delete = officer_client.get(f"/admin/privacy/policyversion/{revision.pk}/delete/")
    assert delete.status_code == 403


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ({"text": "Revised text.", "text_ja": ""}, "in English and in Japanese"),
        ({"text": "", "text_ja": "改定後の本文。"}, "in English and in Japanese"),
        (
            {"text": "Revised text.", "text_ja": "改定後の本文。", "changes": "New purpose."},
            "Say what changed",
        ),
    ],
)
def test_a_revision_needs_both_languages(texts, message):
    with pytest.raises(PrivacyError, match=message):
        policy_publish(by=None, **texts)

    assert not PolicyVersion.objects.filter(version=2).exists()


def test_admin_refuses_a_revision_without_its_japanese_text(officer_client):
    response = officer_client.post(
        "/admin/privacy/policyversion/add/", {"text": "Admin revision.", "text_ja": ""}
    )

    assert response.status_code == 200
    assert 'id="id_text_ja"' in response.text and "errorlist" in response.text
    assert not PolicyVersion.objects.filter(version=2).exists()


def test_readers_see_what_changed_in_their_language(client):
    policy_publish(
        text="Revised text.",
        text_ja="改定後の本文。",
        changes="We added cookies.",
        changes_ja="Cookieの利用目的を追加しました。",
        by=None,
    )

    japanese = client.get(reverse("privacy:policy"), headers={"accept-language": "ja"}).text
    english = client.get(reverse("privacy:policy"), headers={"accept-language": "en"}).text

    assert "Cookieの利用目的を追加しました。" in japanese and "改定後の本文。" in japanese
    assert "We added cookies." not in japanese
    assert "We added cookies." in english and "改定後の本文。" not in english
