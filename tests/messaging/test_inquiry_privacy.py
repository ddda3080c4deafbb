"""An inquiry passes the tenant's details to the host only with consent, and says so."""

import pytest
from django.core.exceptions import ValidationError

from messaging.models import Thread
from messaging.services import Inquiry, thread_start
from privacy.models import Consent, ProvisionRecord
from privacy.services import consent_record
from tests.accounts.factories import UserFactory
from tests.listings.builders import days
from tests.messaging.builders import listing_near_station, start_thread

pytestmark = pytest.mark.django_db


def test_an_inquiry_records_the_consent_and_the_provision_to_the_host():
    thread = start_thread(share=["phone"], notify=False)

    consent = Consent.objects.get(user=thread.tenant, purpose="profile_sharing")
    assert consent.granted
    assert consent.source == "inquiry"
    assert consent.ip_address == "203.0.113.7"
    provision = ProvisionRecord.objects.get(person=thread.tenant)
    assert provision.recipient == thread.host
    assert provision.basis == "consent"
    assert provision.consent == consent
    assert provision.data_items == ["public_name", "inquiry", "phone"]


def test_the_tenant_sees_the_provision_on_their_privacy_page(client):
    thread = start_thread(notify=False)
    client.force_login(thread.tenant)

    page = client.get("/privacy/me/").text

    assert thread.host.public_name in page


def test_after_withdrawing_the_consent_a_new_inquiry_is_refused_and_nothing_is_sent():
    tenant = UserFactory()
    first = start_thread(tenant=tenant, notify=False)
    consent_record(
        user=tenant, purpose="profile_sharing", granted=False, ip=None, source="privacy_page"
    )
    other = listing_near_station(host=first.host)

    with pytest.raises(ValidationError, match="withdrew your consent"):
        thread_start(
            tenant=tenant,
            listing=other,
            inquiry=Inquiry(move_in=days(30), months=3, people=1, body="Still free?"),
            optional_fields=[],
            agreed=False,
            ip=None,
            notify=False,
        )

    assert not Thread.objects.filter(listing=other).exists()
    assert ProvisionRecord.objects.filter(person=tenant).count() == 1
