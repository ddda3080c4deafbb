"""A staff decision on a person's request or document is in the audit log wherever it is
made: in admin (with the page and address) or from a command or task (without)."""

import pytest
from django.urls import reverse

from kaguaruoo.transitions import IllegalTransition
from privacy.models import IdentityVerification, PrivacyRequest, StaffAuditLog
from privacy.services import (
    identity_decide,
    identity_document_submit,
    privacy_request_decide,
    privacy_request_file,
    privacy_request_start,
)
from tests.accounts.factories import UserFactory
from tests.privacy.helpers import identity_png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def filed(user, kind="disclosure"):
    return privacy_request_file(
        user=user, kind=kind, details="x", identity_check="reauthentication", ip="127.0.0.1"
    )


def submitted(user):
    return identity_document_submit(
        user=user,
        document_type="passport",
        document=identity_png("id.png"),
        number_side=False,
    )


def test_a_request_decided_outside_admin_leaves_its_audit_rows():
    person, officer = UserFactory(), UserFactory(is_staff=True)
    privacy_request = filed(person)

    privacy_request_start(privacy_request=privacy_request, by=officer)
    privacy_request_decide(
        privacy_request=privacy_request, decision="partly_fulfilled", reason="Part.", by=officer
    )

    rows = list(StaffAuditLog.objects.order_by("pk"))
    assert [(row.action, row.model, row.object_id) for row in rows] == [
        ("change", "privacy.PrivacyRequest", str(privacy_request.pk)),
        ("decide", "privacy.PrivacyRequest", str(privacy_request.pk)),
    ]
    assert {(row.staff, row.person, row.path, row.ip_address) for row in rows} == {
        (officer, person, "", None)
    }
    assert rows[1].changed_fields == ["decision", "decision_reason"]


def test_a_request_a_person_files_themselves_is_not_a_staff_act():
    filed(UserFactory())

    assert not StaffAuditLog.objects.exists()


def test_a_decision_in_admin_is_audited_once_with_the_page_and_the_fields(officer_client):
    person = UserFactory()
    privacy_request = filed(person)
    url = reverse("admin:privacy_privacyrequest_change", args=[privacy_request.pk])

    officer_client.post(
        url, {"decision": "refused", "ground": "7.3", "decision_reason": "A court order."}
    )

    decision = StaffAuditLog.objects.get(action="decide")
    assert (decision.staff, decision.person) == (officer_client.officer, person)
    assert (decision.path, decision.ip_address) == (url, "127.0.0.1")
    assert decision.changed_fields == ["decision", "ground", "decision_reason"]


def test_starting_requests_from_the_admin_list_is_audited_per_request(officer_client):
    requests = [filed(UserFactory()), filed(UserFactory())]
    url = reverse("admin:privacy_privacyrequest_changelist")

    officer_client.post(
        url,
        {"action": "start_handling", "_selected_action": [r.pk for r in requests]},
    )

    changes = StaffAuditLog.objects.filter(action="change")
    assert sorted(int(row.object_id) for row in changes) == sorted(r.pk for r in requests)
    assert {row.path for row in changes} == {url}
    assert set(PrivacyRequest.objects.values_list("status", flat=True)) == {"in_progress"}


def test_two_staff_deciding_the_same_request_at_once_give_one_decision():
    privacy_request = filed(UserFactory())
    stale = PrivacyRequest.objects.get(pk=privacy_request.pk)
    first, second = UserFactory(is_staff=True), UserFactory(is_staff=True)
    privacy_request_decide(privacy_request=privacy_request, decision="fulfilled", by=first)

    with pytest.raises(IllegalTransition):
        privacy_request_decide(privacy_request=stale, decision="fulfilled", by=second)

    assert PrivacyRequest.objects.get(pk=privacy_request.pk).decided_by == first
    assert StaffAuditLog.objects.filter(action="decide").count() == 1


def test_an_identity_decision_is_audited_in_admin_and_outside_it(officer_client):
    in_admin, outside = submitted(UserFactory()), submitted(UserFactory())
    url = reverse("admin:privacy_identityverification_change", args=[in_admin.pk])

    officer_client.post(url, {"approve": "yes", "reason": ""})
    identity_decide(verification=outside, approve=True, by=officer_client.officer)

    rows = StaffAuditLog.objects.filter(action="decide", model="privacy.IdentityVerification")
    assert sorted((row.object_id, row.path) for row in rows) == sorted(
        [(str(in_admin.pk), url), (str(outside.pk), "")]
    )


def test_a_document_decided_meanwhile_cannot_be_decided_again():
    verification = submitted(UserFactory())
    stale = IdentityVerification.objects.get(pk=verification.pk)
    identity_decide(verification=verification, approve=True, by=UserFactory(is_staff=True))

    with pytest.raises(IllegalTransition):
        identity_decide(
            verification=stale, approve=False, reason="Blurred.", by=UserFactory(is_staff=True)
        )

    assert IdentityVerification.objects.get(pk=verification.pk).status == "approved"
