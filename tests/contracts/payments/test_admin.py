"""Staff in admin: bank transfers reconciled with their reference, commission rates set."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.utils import timezone

from contracts.booking.services import commission_rate_current
from contracts.changes import services as changes
from contracts.models import CommissionRate, ContractEvent, Payment
from contracts.payments.services import payment_bank_transfer_record
from privacy.models import StaffAuditLog
from tests.contracts.payments.builders import commission_rates, signed_contract_at, staff_create
from tests.privacy.helpers import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

PAYMENTS = "/admin/contracts/payment/"
RATES = "/admin/contracts/commissionrate/"
ACTION = "mark_paid_by_bank_transfer"


@pytest.fixture
def staff_client(officer_client):
    """A privacy officer, signed in to admin with a second factor: payments are personal data."""
    officer_client.staff = officer_client.officer
    return officer_client


def start_action(client, payments):
    return client.post(
        PAYMENTS, {"action": ACTION, "_selected_action": [str(p.pk) for p in payments]}
    )


def confirm_action(client, payments, references):
    data = {
        "action": ACTION,
        "_selected_action": [str(p.pk) for p in payments],
        "confirm": "yes",
        **{f"reference_{p.pk}": ref for p, ref in zip(payments, references, strict=True)},
    }
    return client.post(PAYMENTS, data)


def test_staff_mark_a_payment_paid_by_bank_transfer_with_its_reference(
    staff_client, contract, django_capture_on_commit_callbacks
):
    payment = contract.payments.get(sequence=1)

    form_page = start_action(staff_client, [payment])
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm_action(staff_client, [payment], ["MUFG 1201-0042"])

    assert form_page.status_code == 200
    assert f"{contract.number}-01, ¥{payment.amount:,}" in form_page.text
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.method == Payment.Method.BANK_TRANSFER
    assert payment.reference == "MUFG 1201-0042"
    assert payment.reconciled_by == staff_client.staff
    assert contract.events.filter(kind=ContractEvent.Kind.PAYMENT_RECEIVED).exists()
    assert LogEntry.objects.filter(
        user=staff_client.staff, object_id=str(payment.pk), change_message__contains="MUFG"
    ).exists()
    assert {m.to[0] for m in mail.outbox} == {contract.tenant.email, contract.host.email}


def test_without_a_reference_nothing_is_marked_paid(staff_client, contract):
    payment = contract.payments.get(sequence=1)

    response = confirm_action(staff_client, [payment], [""])

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.DUE


def test_payments_already_paid_are_left_as_they_are(staff_client, contract):
    paid, due = contract.payments.order_by("sequence")[:2]
    confirm_action(staff_client, [paid], ["FIRST"])

    form_page = start_action(staff_client, [paid, due])
    confirm_action(staff_client, [paid, due], ["SECOND", "SECOND"])

    assert "1 selected payment is not due or overdue" in form_page.text
    paid.refresh_from_db()
    due.refresh_from_db()
    assert (paid.reference, due.reference) == ("FIRST", "SECOND")


def test_staff_find_a_contracts_payments_by_its_number(staff_client, contract):
    other = signed_contract_at()

    response = staff_client.get(PAYMENTS, {"q": contract.number})
    one = staff_client.get(PAYMENTS, {"q": f"{contract.number}-02"})

    assert response.status_code == 200
    assert f"{contract.number}-01" in response.text
    assert f"{other.number}-01" not in response.text
    assert f"{contract.number}-02" in one.text
    assert f"{contract.number}-01" not in one.text


def test_staff_list_payments_by_status(staff_client, contract):
    payment = contract.payments.get(sequence=1)
    confirm_action(staff_client, [payment], ["REF"])

    response = staff_client.get(PAYMENTS, {"status__exact": "paid"})

    assert f"{contract.number}-01" in response.text
    assert f"{contract.number}-02" not in response.text


def test_every_look_at_payments_and_every_reconciliation_is_audited(staff_client, contract):
    payment = contract.payments.get(sequence=1)

    staff_client.get(PAYMENTS)
    staff_client.get(f"{PAYMENTS}{payment.pk}/change/")
    confirm_action(staff_client, [payment], ["REF"])

    audit = StaffAuditLog.objects.filter(staff=staff_client.staff, model="contracts.Payment")
    assert sorted(audit.values_list("action", flat=True)) == ["change", "list", "view"]
    change = audit.get(action="change")
    assert change.object_id == str(payment.pk)
    assert "reconciled_by" in change.changed_fields


def test_the_payment_list_shows_no_names_or_addresses(staff_client, contract):
    response = staff_client.get(PAYMENTS)

    assert contract.tenant.email not in response.text
    assert contract.tenant.last_name not in response.text
    assert contract.host.last_name not in response.text


def test_a_payment_page_can_be_read_but_not_edited(staff_client, contract):
    payment = contract.payments.get(sequence=1)
    url = f"{PAYMENTS}{payment.pk}/change/"

    page = staff_client.get(url)
    staff_client.post(url, {"status": "paid", "reference": "forged"})

    assert page.status_code == 200
    assert 'name="reference"' not in page.text
    payment.refresh_from_db()
    assert (payment.status, payment.reference) == (Payment.Status.DUE, "")


def test_staff_who_are_not_privacy_officers_cannot_see_or_reconcile_payments(client, contract):
    sign_in_with_second_factor(client, staff_create("view_payment", "change_payment"))
    payment = contract.payments.get(sequence=1)

    list_page = client.get(PAYMENTS)
    confirm_action(client, [payment], ["REF"])

    assert list_page.status_code == 403
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.DUE


# --- Commission rates -----------------------------------------------------------------------


def add_rate(client, tenant, host, effective_from):
    local = timezone.localtime(effective_from)
    return client.post(
        f"{RATES}add/",
        {
            "tenant_percent": tenant,
            "host_percent": host,
            "effective_from_0": local.strftime("%Y-%m-%d"),
            "effective_from_1": local.strftime("%H:%M:%S"),
        },
    )


def test_staff_set_new_commission_rates_that_contracts_then_use(staff_client):
    response = add_rate(staff_client, "4.5", "2.75", timezone.now())

    assert response.status_code == 302
    rate = CommissionRate.objects.get()
    assert rate.set_by == staff_client.staff
    assert commission_rate_current() == (rate.tenant_percent, rate.host_percent)
    assert str(rate.tenant_percent) == "4.50"


def test_a_rate_cannot_be_backdated(staff_client):
    response = add_rate(staff_client, "4.5", "2.75", timezone.now() - datetime.timedelta(days=2))

    assert response.status_code == 200
    assert "cannot start in the past" in response.text
    assert not CommissionRate.objects.exists()


def test_a_rate_above_fifty_percent_is_refused(staff_client):
    response = add_rate(staff_client, "55", "2", timezone.now())

    assert response.status_code == 200
    assert not CommissionRate.objects.exists()


def test_a_rate_once_set_cannot_be_edited_or_deleted(staff_client):
    rate = commission_rates("5", "3")

    staff_client.post(f"{RATES}{rate.pk}/change/", {"tenant_percent": "1", "host_percent": "1"})
    staff_client.post(f"{RATES}{rate.pk}/delete/", {"post": "yes"})

    rate.refresh_from_db()
    assert (str(rate.tenant_percent), str(rate.host_percent)) == ("5.00", "3.00")


def test_the_rate_list_tells_which_rate_is_in_force(staff_client):
    old = commission_rates("5", "3")
    CommissionRate.objects.filter(pk=old.pk).update(
        effective_from=timezone.now() - datetime.timedelta(days=30)
    )
    commission_rates("6", "3")
    CommissionRate.objects.create(
        tenant_percent=7,
        host_percent=3,
        effective_from=timezone.now() + datetime.timedelta(days=30),
    )

    response = staff_client.get(RATES)

    assert response.text.count(">In force<") == 1
    assert response.text.count(">Superseded<") == 1
    assert response.text.count(">Scheduled<") == 1


# --- Contracts whose cancellation leaves a refund -------------------------------------------

CONTRACTS = "/admin/contracts/contract/"


def listed_contracts(client, **query):
    response = client.get(CONTRACTS, query)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_staff_list_the_cancelled_contracts_that_owe_the_tenant_a_refund(staff_client):
    refunded = signed_contract_at()
    payment_bank_transfer_record(
        payment=refunded.payments.get(sequence=1), reference="REF", by=staff_client.staff
    )
    changes.contract_cancel(contract=refunded, by=refunded.host, reason="Water damage.")
    nothing_paid = signed_contract_at()
    changes.contract_cancel(contract=nothing_paid, by=nothing_paid.host, reason="Water damage.")
    running = signed_contract_at()
    first = refunded.payments.get(sequence=1)

    owed = listed_contracts(staff_client, refund="owed")
    everything = listed_contracts(staff_client)
    page = staff_client.get(CONTRACTS, {"refund": "owed"}).text

    assert owed == [refunded]
    assert {c.pk for c in everything} == {refunded.pk, nothing_paid.pk, running.pk}
    assert f"{first.amount:,}" in page  # the refund to the tenant
    assert f"{first.host_payout:,}" in page  # of it, from the host's payouts
    assert refunded.tenant.email not in page
    assert refunded.tenant.last_name not in page
    detail = staff_client.get(f"{CONTRACTS}{refunded.pk}/change/").text
    assert '<div class="readonly">the host</div>' in detail
    assert refunded.host.last_name not in detail


def test_staff_find_a_contract_by_its_number(staff_client):
    wanted, other = signed_contract_at(), signed_contract_at()

    found = listed_contracts(staff_client, q=wanted.number)

    assert found == [wanted]
    assert listed_contracts(staff_client, q="Shibuya") == []
    assert other not in found


def test_a_contract_in_admin_can_be_read_but_not_changed(staff_client):
    contract = signed_contract_at()
    url = f"{CONTRACTS}{contract.pk}/change/"

    page = staff_client.get(url)
    staff_client.post(url, {"status": "cancelled"})
    deleted = staff_client.post(f"{CONTRACTS}{contract.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200
    assert 'name="status"' not in page.text
    assert deleted.status_code == 403
    contract.refresh_from_db()
    assert contract.status == "signed"
    assert sorted(
        StaffAuditLog.objects.filter(model="contracts.Contract").values_list("action", flat=True)
    ) == ["view"]


def test_staff_who_are_not_privacy_officers_cannot_see_contracts(client):
    sign_in_with_second_factor(client, staff_create("view_contract"))

    assert client.get(CONTRACTS).status_code == 403


def test_payment_amounts_in_the_list_read_in_yen_with_separators(staff_client, contract):
    payment = contract.payments.get(sequence=1)

    response = staff_client.get(PAYMENTS)

    assert response.status_code == 200
    assert f"¥{payment.amount:,}" in response.text
    assert f"¥{payment.host_payout:,}" in response.text
    assert f">{payment.amount}<" not in response.text


def test_a_payment_page_shows_its_amounts_in_yen_with_separators(staff_client, contract):
    payment = contract.payments.get(sequence=1)

    page = staff_client.get(f"{PAYMENTS}{payment.pk}/change/").text

    for amount in [payment.rent, payment.base, payment.amount, payment.host_payout]:
        assert f"¥{amount:,}" in page
    assert f">{payment.amount}<" not in page
