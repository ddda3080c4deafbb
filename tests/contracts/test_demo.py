"""load_demo gives the contracts DESIGN.md describes, and a second run changes nothing.

Each test starts from the demo loaded on an empty database (the `demo` fixture) and
runs load_demo a second time itself.
"""

import pytest
from django.core.management import call_command
from django.utils import timezone

from contracts.models import Contract, ReservationRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

DEMO_PASSWORD = "kagu-demo-2026"


def test_demo_contracts_for_alex_mei_and_sam(client):
    call_command("load_demo", quiet_logins=True)

    alex = Contract.objects.get(tenant__email="alex.tenant@example.com")
    assert alex.status == "signed"
    assert alex.listing.host.email == "hana.host@example.com"
    assert list(alex.payments.values_list("status", flat=True))[:2] == ["paid", "due"]
    mei = Contract.objects.get(tenant__email="mei.tenant@example.com")
    assert mei.status == "sent" and mei.listing == alex.listing
    assert ReservationRequest.objects.filter(
        tenant__email="mei.tenant@example.com", status="open"
    ).exists()
    assert not Contract.objects.filter(tenant__email="sam.tenant@example.com").exists()

    client.login(email="alex.tenant@example.com", password=DEMO_PASSWORD)
    thread_page = client.get(alex.thread.get_absolute_url()).content.decode()
    assert "Open the House Guide" in thread_page
    guide = client.get(f"/contracts/{alex.pk}/house-guide/")
    assert guide.status_code == 200
    assert b"".join(guide.streaming_content).startswith(b"%PDF")

    client.login(email="mei.tenant@example.com", password=DEMO_PASSWORD)
    page = client.get(mei.get_absolute_url()).content.decode()
    assert "Agree" in page
    assert (
        "unlocks when the contract is signed"
        in client.get(mei.thread.get_absolute_url()).content.decode()
    )


def test_a_later_run_gives_mei_a_new_contract_once_hers_expired():
    Contract.objects.filter(tenant__email="mei.tenant@example.com").update(
        expires_at=timezone.now()
    )

    call_command("load_demo", quiet_logins=True)

    statuses = sorted(
        Contract.objects.filter(tenant__email="mei.tenant@example.com").values_list(
            "status", flat=True
        )
    )
    assert statuses == ["expired", "sent"]
