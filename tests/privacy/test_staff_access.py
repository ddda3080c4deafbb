import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from privacy.models import StaffAuditLog
from privacy.services import consent_record
from tests.accounts.factories import UserFactory
from tests.privacy.helpers import (
    officer_create,
    sign_in,
    sign_in_with_second_factor,
    staff_signed_in,
    staff_with_authenticator,
)

pytestmark = pytest.mark.django_db


def test_staff_without_an_authenticator_are_sent_to_set_one_up_before_admin(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, staff)

    response = client.get("/admin/", follow=True)

    visited = [url for url, _status in response.redirect_chain]
    assert any(url.startswith(reverse("mfa_activate_totp")) for url in visited), visited
    assert "Set up an authenticator app before you use the staff site." in response.text


def test_a_session_without_the_second_factor_must_confirm_it_before_admin(client):
    staff = staff_with_authenticator(is_superuser=True)
    client.force_login(staff)

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("mfa_reauthenticate"))


def test_password_alone_does_not_sign_staff_with_an_authenticator_in(client):
    staff = officer_create()

    response = sign_in(client, staff)

    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302


def test_members_never_reach_admin(client):
    client.force_login(UserFactory())

    response = client.get("/admin/")

    assert response.status_code in (302, 403)
    assert client.get("/admin/accounts/user/").status_code in (302, 403)


# The permission matrix: (url, who, expected status).
def person_urls(person):
    return {
        "user list": "/admin/accounts/user/",
        "user": f"/admin/accounts/user/{person.pk}/change/",
        "consents": "/admin/privacy/consent/",
        "provisions": "/admin/privacy/provisionrecord/",
        "email addresses": "/admin/account/emailaddress/",
        "audit log": "/admin/privacy/staffauditlog/",
    }


@pytest.mark.parametrize(
    ("page", "who", "expected"),
    [
        (page, who, 200 if who == "officer" else 403)
        for page in ("user list", "user", "consents", "provisions", "email addresses", "audit log")
        for who in ("officer", "staff", "superuser")
    ],
)
def test_only_privacy_officers_see_personal_data_in_admin(client, page, who, expected):
    person = UserFactory()
    if who == "officer":
        officer = officer_create()
        sign_in_with_second_factor(client, officer)
    else:
        staff_signed_in(client, is_superuser=who == "superuser")

    assert client.get(person_urls(person)[page]).status_code == expected


def test_admin_index_hides_personal_data_from_staff_who_are_not_officers(client):
    staff_signed_in(client, is_superuser=True)

    page = client.get("/admin/").text

    assert "/admin/accounts/user/" not in page
    assert "/admin/privacy/policyversion/" in page


def test_every_admin_look_at_a_persons_data_is_audited(officer_client):
    person = UserFactory()

    officer_client.get("/admin/accounts/user/")
    officer_client.get(f"/admin/accounts/user/{person.pk}/change/")

    entries = list(StaffAuditLog.objects.order_by("pk"))
    assert [(e.action, e.model) for e in entries] == [
        ("list", "accounts.User"),
        ("view", "accounts.User"),
    ]
    assert entries[1].person == person
    assert entries[1].staff == officer_client.officer
    assert entries[1].ip_address == "127.0.0.1"


def test_an_admin_change_of_a_persons_data_is_audited_with_the_fields(officer_client):
    person = UserFactory(phone="090-0000-0000")
    consent_record(user=person, purpose="marketing", granted=True, ip=None, source="signup")
    form = officer_client.get(f"/admin/accounts/user/{person.pk}/change/").context["adminform"]
    data = {
        name: value
        for name, value in form.form.initial.items()
        if value is not None and name not in {"groups", "user_permissions", "password"}
    }
    data.update(phone="080-1234-0000", groups=[], date_joined_0="2026-11-01", date_joined_1="00:00")

    response = officer_client.post(f"/admin/accounts/user/{person.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    change = StaffAuditLog.objects.get(action="change")
    assert change.person == person
    assert "phone" in change.changed_fields


def test_nobody_can_change_or_delete_the_audit_log_in_admin(officer_client):
    officer_client.get("/admin/accounts/user/")
    entry = StaffAuditLog.objects.get()

    change = officer_client.post(
        f"/admin/privacy/staffauditlog/{entry.pk}/change/", {"action": "view"}
    )
    delete = officer_client.post(
        f"/admin/privacy/staffauditlog/{entry.pk}/delete/", {"post": "yes"}
    )

    assert change.status_code == 403
    assert delete.status_code == 403
    assert StaffAuditLog.objects.filter(pk=entry.pk, action="list").exists()


@pytest.mark.integration
def test_the_database_refuses_to_change_or_delete_audit_log_rows(officer_client):
    officer_client.get("/admin/accounts/user/")
    entry = StaffAuditLog.objects.get()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        StaffAuditLog.objects.filter(pk=entry.pk).update(action="view")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        StaffAuditLog.objects.filter(pk=entry.pk).delete()

    assert StaffAuditLog.objects.filter(pk=entry.pk, action="list").exists()
