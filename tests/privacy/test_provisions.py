import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from privacy import registry
from privacy.models import ProvisionRecord
from privacy.services import ProvisionRefused, consent_record, personal_data_provide
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def share_profile(user, granted=True):
    consent_record(
        user=user, purpose="profile_sharing", granted=granted, ip="127.0.0.1", source="signup"
    )


def provide_to_host(tenant, host, sent):
    return personal_data_provide(
        person=tenant,
        recipient=host,
        recipient_name=host.public_name,
        data_items=["name", "introduction"],
        purpose="inquiry about a listing",
        basis="consent",
        deliver=lambda: sent.append(tenant.pk),
    )


def test_provision_with_consent_is_recorded_and_delivered():
    tenant, host = UserFactory(), UserFactory(is_host=True)
    share_profile(tenant)
    sent = []

    record = provide_to_host(tenant, host, sent)

    assert sent == [tenant.pk]
    assert record.consent.granted
    assert record.recipient == host
    assert record.data_items == ["name", "introduction"]
    assert record.keep_until == timezone.localdate().replace(year=timezone.localdate().year + 3)


@pytest.mark.parametrize("consent", [None, False])
def test_provision_without_consent_is_refused_and_nothing_is_sent(consent):
    tenant, host = UserFactory(), UserFactory(is_host=True)
    if consent is not None:
        share_profile(tenant, granted=consent)
    sent = []

    with pytest.raises(ProvisionRefused, match="nothing was sent"):
        provide_to_host(tenant, host, sent)

    assert sent == []
    assert not ProvisionRecord.objects.exists()


def test_provision_after_consent_is_withdrawn_is_refused():
    tenant, host = UserFactory(), UserFactory(is_host=True)
    share_profile(tenant)
    share_profile(tenant, granted=False)

    with pytest.raises(ProvisionRefused):
        provide_to_host(tenant, host, [])


def test_legal_exception_needs_a_written_reason():
    person = UserFactory()

    with pytest.raises(ProvisionRefused, match="written reason"):
        personal_data_provide(
            person=person,
            recipient_name="Shibuya Police Station",
            data_items=["name"],
            purpose="investigation",
            basis="public_body",
        )
    record = personal_data_provide(
        person=person,
        recipient_name="Shibuya Police Station",
        data_items=["name", "phone"],
        purpose="investigation",
        basis="public_body",
        exception_reason="Written inquiry under Code of Criminal Procedure art. 197(2), no. 123",
    )
    assert record.consent is None


def test_a_provision_without_any_basis_cannot_be_stored():
    with pytest.raises(IntegrityError):
        ProvisionRecord.objects.create(
            person=UserFactory(),
            recipient_name="Someone",
            data_items=["name"],
            purpose="x",
            provided_at=timezone.now(),
            basis="law",
            keep_until=timezone.localdate(),
        )


def test_the_person_sees_every_provision_on_the_privacy_page(client):
    tenant, host = UserFactory(), UserFactory(is_host=True, last_name="Hostname")
    share_profile(tenant)
    provide_to_host(tenant, host, [])
    client.force_login(tenant)

    page = client.get(reverse("privacy:me")).text

    assert "Hostname" in page
    assert "name, introduction" in page
    assert "inquiry about a listing" in page


def test_erasure_keeps_provision_records_within_their_three_years():
    tenant, host = UserFactory(), UserFactory(is_host=True)
    share_profile(tenant)
    record = provide_to_host(tenant, host, [])

    report = registry.erase_for(tenant)

    assert ProvisionRecord.objects.filter(pk=record.pk).exists()
    [kept] = [k for k in report.kept if k["model"] == "privacy.ProvisionRecord"]
    assert kept["kept_until"] == record.keep_until.isoformat()
    assert "APPI" in kept["law"]


def test_admin_cannot_delete_a_record_before_its_retention_ends(officer_client):
    record = personal_data_provide(
        person=UserFactory(),
        recipient_name="Tokyo District Court",
        data_items=["name"],
        purpose="court order",
        basis="public_body",
        exception_reason="Order no. 42",
    )
    url = reverse("admin:privacy_provisionrecord_delete", args=[record.pk])

    assert officer_client.get(url).status_code == 403
    assert officer_client.post(url, {"post": "yes"}).status_code == 403
    assert ProvisionRecord.objects.filter(pk=record.pk).exists()

    ProvisionRecord.objects.filter(pk=record.pk).update(
        keep_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert officer_client.get(url).status_code == 200


def test_staff_record_a_legal_exception_in_admin(officer_client):
    person = UserFactory()

    response = officer_client.post(
        reverse("admin:privacy_provisionrecord_add"),
        {
            "person": person.pk,
            "recipient_name": "Shinjuku Police Station",
            "data_items_text": "name, phone",
            "purpose": "investigation",
            "basis": "public_body",
            "exception_reason": "Written inquiry no. 7",
        },
    )

    assert response.status_code == 302
    record = ProvisionRecord.objects.get(person=person)
    assert record.data_items == ["name", "phone"]
    assert record.recorded_by == officer_client.officer
