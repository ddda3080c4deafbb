import datetime
import io

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from kaguaruoo.settings import CELERY_BEAT_SCHEDULE
from privacy.models import IdentityVerification, StaffAuditLog
from privacy.services import (
    PrivacyError,
    identity_decide,
    identity_document_submit,
    identity_documents_purge,
    identity_is_verified,
)
from tests.accounts.factories import UserFactory
from tests.listings.builders import listing_near_station
from tests.privacy.helpers import identity_png, officer_create, sign_in_with_second_factor

pytestmark = pytest.mark.django_db

PNG = identity_png().read()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(**overrides):
    return {
        "document_type": "passport",
        "document": SimpleUploadedFile("passport.png", PNG, content_type="image/png"),
        **overrides,
    }


def submitted(user, document_type="passport"):
    return identity_document_submit(
        user=user,
        document_type=document_type,
        document=SimpleUploadedFile("id.png", PNG),
        number_side=False,
    )


def test_a_member_uploads_a_document_and_waits_for_review(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("privacy:identity_upload"), upload(), follow=True)

    assert "A privacy officer will review your document." in response.text
    assert "Waiting for review" in response.text
    verification = IdentityVerification.objects.get(user=user)
    assert default_storage.exists(verification.document.name)
    assert not identity_is_verified(user=user)


def test_the_number_side_of_a_my_number_card_is_refused_and_nothing_is_stored(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("privacy:identity_upload"),
        upload(document_type="my_number_card", number_side="on"),
    )

    assert "We never accept the number side (back) of an Individual Number" in response.text
    assert not IdentityVerification.objects.exists()
    with pytest.raises(PrivacyError):
        identity_document_submit(
            user=user,
            document_type="my_number_card",
            document=SimpleUploadedFile("back.png", PNG),
            number_side=True,
        )


def test_approval_gives_the_verified_badge_on_the_public_profile(client):
    user = UserFactory()
    verification = submitted(user)
    profile = reverse("users:detail", kwargs={"pk": user.pk})
    assert "Verified</span>" not in client.get(profile).text

    identity_decide(verification=verification, approve=True, by=UserFactory(is_staff=True))

    assert identity_is_verified(user=user)
    assert "Verified</span>" in client.get(profile).text


def test_a_rejection_needs_a_reason_the_person_then_reads(client):
    user = UserFactory()
    verification = submitted(user)
    officer = UserFactory(is_staff=True)

    with pytest.raises(PrivacyError):
        identity_decide(verification=verification, approve=False, by=officer)
    identity_decide(
        verification=verification, approve=False, reason="The photo is blurred.", by=officer
    )
    client.force_login(user)

    assert "The photo is blurred." in client.get(reverse("privacy:me")).text
    assert not identity_is_verified(user=user)


def test_the_document_file_goes_30_days_after_the_decision_and_the_result_stays():
    user = UserFactory()
    verification = submitted(user, document_type="residence_card")
    officer = UserFactory(is_staff=True)
    identity_decide(verification=verification, approve=True, by=officer)
    name = verification.document.name

    assert identity_documents_purge(now=timezone.now() + datetime.timedelta(days=29)) == 0
    assert identity_documents_purge(now=timezone.now() + datetime.timedelta(days=31)) == 1

    verification.refresh_from_db()
    assert not default_storage.exists(name)
    assert not verification.document
    assert (verification.status, verification.document_type) == ("approved", "residence_card")
    assert verification.decided_by == officer
    assert identity_is_verified(user=user)


def test_beat_runs_the_privacy_purges():
    tasks = {entry["task"] for entry in CELERY_BEAT_SCHEDULE.values()}

    assert "privacy.tasks.identity_documents_purge" in tasks
    assert "privacy.tasks.access_logs_purge" in tasks
    assert "privacy.tasks.access_log_domains_resolve" in tasks
    assert "privacy.tasks.deleted_accounts_sweep" in tasks


def test_only_a_privacy_officer_opens_the_document_and_each_look_is_audited(client):
    verification = submitted(UserFactory())
    url = reverse("privacy:identity_document", args=[verification.pk])

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 404
    client.logout()

    officer = officer_create()
    sign_in_with_second_factor(client, officer)
    response = client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert StaffAuditLog.objects.filter(
        staff=officer, action="view", person=verification.user
    ).exists()


def test_an_officer_approves_in_admin(officer_client):
    verification = submitted(UserFactory())
    url = reverse("admin:privacy_identityverification_change", args=[verification.pk])

    rejected = officer_client.post(url, {"approve": "no", "reason": ""})
    approved = officer_client.post(url, {"approve": "yes", "reason": ""})

    assert "A rejection needs its reason" in rejected.text
    assert approved.status_code == 302
    verification.refresh_from_db()
    assert verification.status == "approved"
    assert verification.decided_by == officer_client.officer


def test_the_person_is_mailed_the_decision_with_the_reason(
    django_capture_on_commit_callbacks,
):
    officer = officer_create()
    approved, rejected = submitted(UserFactory()), submitted(UserFactory())

    with django_capture_on_commit_callbacks(execute=True):
        identity_decide(verification=approved, approve=True, by=officer)
        identity_decide(
            verification=rejected, approve=False, reason="The photo is blurred.", by=officer
        )

    by_person = {message.to[0]: message for message in mail.outbox}
    assert "Your identity is verified" in by_person[approved.user.email].subject
    assert "The photo is blurred." in by_person[rejected.user.email].body
    assert "/privacy/me/identity/" in by_person[rejected.user.email].body


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        (None, "Before you sign, KaguAruoo checks your identity"),
        ("pending", "is waiting for our check"),
        ("rejected", "We could not accept your identity document: The photo is blurred."),
    ],
)
def test_a_tenant_applying_reads_the_state_of_the_identity_check(client, state, shown):
    tenant, listing = UserFactory(), listing_near_station()
    if state:
        verification = submitted(tenant)
        if state == "rejected":
            identity_decide(
                verification=verification,
                approve=False,
                reason="The photo is blurred.",
                by=officer_create(),
            )
    client.force_login(tenant)

    page = client.get(reverse("contracts:reservation_create", args=[listing.pk])).text

    assert shown in page


def test_staff_see_how_long_a_document_has_waited(officer_client):
    verification = submitted(UserFactory())
    IdentityVerification.objects.filter(pk=verification.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=2, hours=1)
    )

    page = officer_client.get(reverse("admin:privacy_identityverification_changelist")).text

    assert "2\xa0days" in page


def test_a_host_reads_before_publishing_that_the_identity_check_comes_first(client):
    host = UserFactory()
    client.force_login(host)

    page = client.get(reverse("listings:host_list")).text

    assert "Before you publish a listing, KaguAruoo checks your identity" in page
    assert reverse("privacy:identity_upload") in page


def zip_bomb_png() -> bytes:
    """A PNG of 100 million black pixels that compresses to about 100 kB."""
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<!doctype html><script>alert(1)</script>"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("text.png", b"just some text, named like an image"),
        ("signature-only.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        ("bomb.png", zip_bomb_png()),
    ],
)
def test_a_document_that_is_not_a_pdf_or_a_real_image_is_refused_and_nothing_is_stored(
    client, settings, name, content
):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("privacy:identity_upload"),
        upload(document=SimpleUploadedFile(name, content, content_type="image/png")),
    )

    assert response.status_code == 400
    assert "Attach a PDF or an image (JPEG, PNG, GIF or WebP)." in response.text
    assert not IdentityVerification.objects.exists()
    assert not (settings.MEDIA_ROOT / "privacy").exists()


def test_a_document_is_stored_under_the_extension_of_its_content(client):
    user = UserFactory()
    client.force_login(user)

    client.post(reverse("privacy:identity_upload"), upload(document=identity_png("scan.html")))

    assert IdentityVerification.objects.get(user=user).document.name.endswith(".png")


def test_a_person_with_three_documents_waiting_is_told_to_wait_for_a_decision(client):
    user = UserFactory()
    for _ in range(3):
        submitted(user)
    client.force_login(user)

    response = client.post(reverse("privacy:identity_upload"), upload())

    assert response.status_code == 400
    assert "You already have 3 documents waiting for review." in response.text
    assert IdentityVerification.objects.filter(user=user).count() == 3


def test_a_decision_frees_a_place_for_another_document():
    user = UserFactory()
    first, *_others = [submitted(user) for _ in range(3)]
    identity_decide(verification=first, approve=False, reason="Blurred", by=officer_create())

    assert submitted(user).status == IdentityVerification.Status.PENDING
