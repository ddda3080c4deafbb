import datetime
import io
import json
import re
import zipfile

import pytest
from django.apps import apps
from django.core import mail, serializers, signing
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from kaguaruoo.transitions import IllegalTransition
from privacy import registry
from privacy.models import Consent, PrivacyRequest, ProvisionRecord
from privacy.services import (
    PrivacyError,
    consent_is_granted,
    consent_record,
    deleted_accounts_sweep,
    personal_data_provide,
    privacy_request_decide,
    privacy_request_file,
    privacy_request_start,
)
from tests.accounts.factories import PASSWORD, UserFactory
from tests.privacy.helpers import reauthenticate, sign_in

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/privacy/archives/[^\s]+/)")


def file_request(user, kind, **fields):
    return privacy_request_file(
        user=user, kind=kind, identity_check="reauthentication", ip="127.0.0.1", **fields
    )


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_filing_a_request_needs_the_password_again_first(client):
    user = UserFactory()
    sign_in(client, user)

    response = client.get(reverse("privacy:request_new"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not PrivacyRequest.objects.exists()


def test_a_signed_in_person_files_a_request_and_sees_it_with_its_due_date(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    sign_in(client, user)
    reauthenticate(client)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("privacy:request_new"), {"kind": "disclosure", "details": ""}, follow=True
        )

    privacy_request = PrivacyRequest.objects.get(user=user)
    due = timezone.localdate() + datetime.timedelta(days=14)
    assert privacy_request.due_on == due
    assert privacy_request.identity_check == "reauthentication"
    assert "Disclosure of my personal data" in response.text
    assert f"answer by {date_format(due)}" in response.text
    [received] = mails_to(user)
    assert "We received your request" in received.subject


def test_a_revision_request_needs_details(client):
    user = UserFactory()
    sign_in(client, user)
    reauthenticate(client)

    response = client.post(reverse("privacy:request_new"), {"kind": "revision", "details": ""})

    assert "Say what should be revised." in response.text


def test_stop_of_use_takes_the_person_out_of_campaigns_questionnaires_and_analytics_at_once():
    user = UserFactory()
    for purpose in ("marketing", "questionnaires", "analytics", "profile_sharing"):
        consent_record(user=user, purpose=purpose, granted=True, ip=None, source="signup")

    file_request(user, "stop_of_use")

    for purpose in ("marketing", "questionnaires", "analytics"):
        assert not consent_is_granted(user=user, purpose=purpose), purpose
    assert consent_is_granted(user=user, purpose="profile_sharing")


def test_the_person_is_mailed_at_each_step(django_capture_on_commit_callbacks):
    user, officer = UserFactory(), UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        privacy_request = file_request(user, "revision", details="My phone is 080-1.")
        privacy_request_start(privacy_request=privacy_request, by=officer)
        privacy_request_decide(privacy_request=privacy_request, decision="fulfilled", by=officer)

    subjects = [m.subject for m in mails_to(user)]
    assert len(subjects) == 3
    assert "We received your request" in subjects[0]
    assert "We are handling your request" in subjects[1]
    assert "Fulfilled" in subjects[2]
    assert "Your data now reads as shown on your account page." in mails_to(user)[2].body


def test_a_closed_request_cannot_be_reopened():
    user, officer = UserFactory(), UserFactory(is_staff=True)
    privacy_request = file_request(user, "revision", details="x")
    privacy_request_decide(privacy_request=privacy_request, decision="fulfilled", by=officer)

    with pytest.raises(IllegalTransition):
        privacy_request_start(privacy_request=privacy_request, by=officer)


@pytest.mark.parametrize(
    ("kind", "decision", "ground", "reason", "message"),
    [
        ("disclosure", "refused", "", "Because.", "grounds 7.1 to 7.3"),
        ("disclosure", "refused", "7.2", "", "written reason"),
        ("disclosure", "refused", "7.4", "Costly.", "grounds 7.1 to 7.3"),
        ("disclosure", "alternative_measure", "7.4", "We froze it.", "only a stop of use"),
        ("deletion", "alternative_measure", "", "We froze it.", "ground 7.4"),
        ("revision", "partly_fulfilled", "", "", "not fulfilled"),
    ],
)
def test_a_decision_without_its_ground_or_reason_is_refused(
    kind, decision, ground, reason, message
):
    privacy_request = file_request(UserFactory(), kind, details="x")

    with pytest.raises(PrivacyError, match=message):
        privacy_request_decide(
            privacy_request=privacy_request,
            decision=decision,
            ground=ground,
            reason=reason,
            by=UserFactory(is_staff=True),
        )
    privacy_request.refresh_from_db()
    assert privacy_request.status == "received"


def test_admin_lists_requests_with_the_overdue_ones_highlighted(officer_client):
    late = file_request(UserFactory(), "disclosure")
    PrivacyRequest.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    file_request(UserFactory(), "deletion")

    page = officer_client.get(reverse("admin:privacy_privacyrequest_changelist")).text

    assert page.count("overdue</strong>") == 1


def test_admin_refusal_without_ground_is_rejected_by_the_form(officer_client):
    privacy_request = file_request(UserFactory(), "disclosure")
    url = reverse("admin:privacy_privacyrequest_change", args=[privacy_request.pk])

    response = officer_client.post(
        url, {"decision": "refused", "ground": "", "decision_reason": ""}
    )

    assert response.status_code == 200
    assert "A refusal needs one of the grounds 7.1 to 7.3." in response.text
    privacy_request.refresh_from_db()
    assert privacy_request.status == "received"


def test_admin_refusal_with_ground_and_reason_closes_the_request(
    officer_client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    privacy_request = file_request(user, "disclosure")
    url = reverse("admin:privacy_privacyrequest_change", args=[privacy_request.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            url,
            {"decision": "refused", "ground": "7.3", "decision_reason": "A court order forbids."},
        )

    assert response.status_code == 302
    privacy_request.refresh_from_db()
    assert (privacy_request.status, privacy_request.decided_by) == (
        "closed",
        officer_client.officer,
    )
    assert "A court order forbids." in mails_to(user)[-1].body


def test_staff_file_a_request_for_someone_who_lost_access_after_checking_a_document(
    officer_client,
):
    person = UserFactory()
    add = reverse("admin:privacy_privacyrequest_add")

    missing = officer_client.post(add, {"user": person.pk, "kind": "deletion"})
    response = officer_client.post(
        add,
        {"user": person.pk, "kind": "deletion", "identity_note": "Residence card, video call"},
    )

    assert missing.status_code == 200
    assert response.status_code == 302
    filed = PrivacyRequest.objects.get(user=person)
    assert filed.identity_check == "document"
    assert filed.identity_checked_by == officer_client.officer


def fulfil_disclosure(user, on_commit, kind="disclosure"):
    with on_commit(execute=True):
        privacy_request = file_request(user, kind)
    with on_commit(execute=True):
        privacy_request_decide(
            privacy_request=privacy_request, decision="fulfilled", by=UserFactory(is_staff=True)
        )
    privacy_request.refresh_from_db()
    return privacy_request


def archive_from(client, user):
    [ready] = [m for m in mails_to(user) if "archive is ready" in m.subject]
    response = client.get(LINK.search(ready.body).group(1))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return json.loads(archive.read("data.json"))["data"]


def test_disclosure_mails_a_link_to_an_archive_of_everything_held(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(first_name="Natsuki", phone="090-4444-5555")
    consent_record(user=user, purpose="marketing", granted=True, ip="198.51.100.7", source="signup")
    fulfil_disclosure(user, django_capture_on_commit_callbacks)
    client.force_login(user)

    data = archive_from(client, user)

    assert data["accounts.User"][0]["first_name"] == "Natsuki"
    assert data["accounts.User"][0]["phone"] == "090-4444-5555"
    assert data["privacy.Consent"][0]["ip_address"] == "198.51.100.7"
    assert data["privacy.PrivacyRequest"][0]["kind"] == "disclosure"


def test_the_archive_task_run_again_after_its_worker_died_mails_no_second_link(
    client, django_capture_on_commit_callbacks
):
    """A worker killed after the build committed gives the task back (acks_late): the run
    it gets again leaves the archive and its link as they were."""
    from privacy.tasks import privacy_archive_build

    user = UserFactory()
    privacy_request = fulfil_disclosure(user, django_capture_on_commit_callbacks)
    first_archive = privacy_request.archive.name

    with django_capture_on_commit_callbacks(execute=True):
        privacy_archive_build(privacy_request.pk)

    privacy_request.refresh_from_db()
    assert privacy_request.archive.name == first_archive
    assert len([m for m in mails_to(user) if "archive is ready" in m.subject]) == 1
    client.force_login(user)
    assert archive_from(client, user)["accounts.User"][0]["email"] == user.email


def test_the_archive_holds_every_model_that_points_at_the_person(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    fulfil_disclosure(user, django_capture_on_commit_callbacks)
    client.force_login(user)

    data = archive_from(client, user)

    user_model = User
    holding = {
        model._meta.label
        for model in apps.get_models()
        if any(
            getattr(field, "related_model", None) is user_model and field.many_to_one
            for field in model._meta.get_fields()
        )
        and model._meta.app_label in {"accounts", "privacy", "listings", "messaging", "contracts"}
    }
    assert holding <= set(data), holding - set(data)
    assert {entry.label for entry in registry.entries()} == set(data)


def test_provision_records_disclosure_gives_only_the_records(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    personal_data_provide(
        person=user,
        recipient_name="Tokyo District Court",
        data_items=["name"],
        purpose="court order",
        basis="public_body",
        exception_reason="Order no. 5",
    )
    fulfil_disclosure(user, django_capture_on_commit_callbacks, kind="provision_records")
    client.force_login(user)

    data = archive_from(client, user)

    assert list(data) == ["privacy.ProvisionRecord"]
    assert data["privacy.ProvisionRecord"][0]["recipient"] == "Tokyo District Court"


def test_the_archive_link_works_for_nobody_else_and_not_after_seven_days(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    user = UserFactory()
    privacy_request = fulfil_disclosure(user, django_capture_on_commit_callbacks)
    [ready] = [m for m in mails_to(user) if "archive is ready" in m.subject]
    path = LINK.search(ready.body).group(1)

    assert client.get(path).status_code == 302  # anonymous: sign in first
    client.force_login(UserFactory())
    assert client.get(path).status_code == 404
    client.force_login(user)
    assert client.get(path).status_code == 200

    eight_days_ago = timezone.now().timestamp() - 8 * 86400
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_ago)
    old_token = signing.dumps(privacy_request.pk, salt="privacy.archive")
    monkeypatch.undo()
    assert client.get(reverse("privacy:archive_download", args=[old_token])).status_code == 404
    PrivacyRequest.objects.filter(pk=privacy_request.pk).update(
        archive_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(path).status_code == 404


CANARY = "canary-d31e7"


def test_deletion_anonymises_the_account_keeps_what_law_requires_and_leaves_nothing_else(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(
        email=f"{CANARY}@example.com",
        first_name=f"{CANARY}-first",
        last_name=f"{CANARY}-last",
        phone=f"{CANARY}-phone",
        introduction=f"{CANARY}-introduction",
    )
    consent_record(user=user, purpose="profile_sharing", granted=True, ip=None, source="signup")
    host = UserFactory(is_host=True)
    provision = personal_data_provide(
        person=user,
        recipient=host,
        recipient_name=host.public_name,
        data_items=["name"],
        purpose="inquiry",
        basis="consent",
    )
    with django_capture_on_commit_callbacks(execute=True):
        privacy_request = file_request(user, "deletion", details=f"{CANARY}-details")
        privacy_request_decide(
            privacy_request=privacy_request, decision="fulfilled", by=UserFactory(is_staff=True)
        )

    assert not client.login(email=f"{CANARY}@example.com", password=PASSWORD)
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert ProvisionRecord.objects.filter(pk=provision.pk).exists()
    privacy_request.refresh_from_db()
    kept = {k["model"]: k for k in privacy_request.erasure_report["kept"]}
    assert kept["privacy.ProvisionRecord"]["kept_until"] == provision.keep_until.isoformat()
    every_row = "".join(
        serializers.serialize("json", model._default_manager.all()) for model in apps.get_models()
    )
    assert CANARY not in every_row
    assert "Your account is closed" in mails_to_address(f"{CANARY}@example.com")[-1].body


def mails_to_address(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_what_a_deletion_kept_for_a_legal_period_goes_once_the_period_ends():
    user = UserFactory()
    consent_record(user=user, purpose="marketing", granted=True, ip="203.0.113.5", source="signup")
    privacy_request = file_request(user, "deletion")
    privacy_request_decide(
        privacy_request=privacy_request, decision="fulfilled", by=UserFactory(is_staff=True)
    )
    assert Consent.objects.filter(user=user).exists()
    assert deleted_accounts_sweep() == 0

    Consent.objects.filter(user=user).update(
        recorded_at=timezone.now() - datetime.timedelta(days=32)
    )

    assert deleted_accounts_sweep() == 1
    assert not Consent.objects.filter(user=user).exists()


def test_a_revision_corrects_the_value_and_says_so(client, django_capture_on_commit_callbacks):
    user = UserFactory(phone="090-0000-0001")
    sign_in(client, user)
    reauthenticate(client)
    client.post(
        reverse("privacy:request_new"),
        {"kind": "revision", "correct_field": "accounts.User.phone", "correct_value": "090-1234"},
    )
    privacy_request = PrivacyRequest.objects.get(user=user)

    with django_capture_on_commit_callbacks(execute=True):
        privacy_request_decide(
            privacy_request=privacy_request, decision="fulfilled", by=UserFactory(is_staff=True)
        )

    user.refresh_from_db()
    assert user.phone == "090-1234"
    assert "We corrected: phone number." in mails_to(user)[-1].body


def test_a_revision_that_changes_nothing_still_tells_the_person(django_capture_on_commit_callbacks):
    user = UserFactory(phone="090-1234")
    privacy_request = file_request(
        user, "revision", corrections={"accounts.User.phone": "090-1234"}
    )

    with django_capture_on_commit_callbacks(execute=True):
        privacy_request_decide(
            privacy_request=privacy_request, decision="fulfilled", by=UserFactory(is_staff=True)
        )

    assert "Nothing needed changing" in mails_to(user)[-1].body
    privacy_request.refresh_from_db()
    assert privacy_request.corrected == []
