"""The payment schedule on the contract page: each party's commission, amounts and ways to pay."""

import datetime

import pytest
from django.utils.formats import date_format

from contracts.booking.selectors import contract_get_for_party
from contracts.booking.services import contract_decline, contract_transition
from contracts.changes import services as changes
from contracts.core.schedule import commission_of
from contracts.models import Contract, Payment
from contracts.payments.services import (
    payment_mark_paid,
    payment_transition,
    payments_cancel_unpaid,
)
from contracts.payments.views import contract_section
from tests.accounts.factories import UserFactory
from tests.contracts.builders import listing_near_station, sent_contract, signed_contract
from tests.contracts.payments.builders import (
    cancellation_charge,
    commission_rates,
    table_rows,
    yen,
)

pytestmark = pytest.mark.django_db

# Rent ¥99,999 + utilities ¥10,000: a full month's base is ¥109,999. At 3.5% the
# tenant's fee is ¥3,849.965 and at 4.25% the host's commission ¥4,674.9575:
# both are rounded down to the yen.
FULL_MONTH_BASE = 109_999
FULL_MONTH_TENANT_FEE = 3_849
FULL_MONTH_HOST_COMMISSION = 4_674


@pytest.fixture
def contract_money():
    """Sums that do not divide evenly, so that each commission is rounded down."""
    return {"rent": 99_999, "deposit": 50_000, "tenant_percent": "3.5", "host_percent": "4.25"}


def schedule(html):
    """Body rows of the schedule table (header and totals rows left out)."""
    rows = table_rows(html, "payment-schedule")
    return rows[1:-1]


def totals_row(html):
    return table_rows(html, "payment-schedule")[-1]


def paid(payment):
    return payment_mark_paid(payment=payment, method=Payment.Method.CARD, reference="pi_1")


def test_tenant_sees_each_payment_as_scheduled_with_their_service_fee(contract):
    rows = schedule(contract_section(contract=contract, user=contract.tenant))

    payments = list(contract.payments.order_by("sequence"))
    assert len(rows) == len(payments) > 2
    for row, payment in zip(rows, payments, strict=True):
        assert row[:8] == [
            str(payment.sequence),
            f"{date_format(payment.period_start)} – {date_format(payment.period_end)}",
            date_format(payment.due_date),
            yen(payment.base),
            yen(payment.deposit),
            yen(payment.tenant_commission),
            yen(payment.amount),
            "Due",
        ]


def test_a_full_months_service_fee_is_rounded_down_to_the_yen(contract):
    rows = schedule(contract_section(contract=contract, user=contract.tenant))

    second = rows[1]
    assert second[3:7] == [
        yen(FULL_MONTH_BASE),
        yen(0),
        yen(FULL_MONTH_TENANT_FEE),
        yen(FULL_MONTH_BASE + FULL_MONTH_TENANT_FEE),
    ]


def test_the_deposit_is_paid_with_the_first_payment_and_bears_no_fee(contract):
    first = contract.payments.get(sequence=1)

    row = schedule(contract_section(contract=contract, user=contract.tenant))[0]

    assert row[4] == yen(50_000)
    assert row[5] == yen(int(first.base * 35 // 1000))
    assert row[6] == yen(first.base + 50_000 + first.tenant_commission)


def test_host_sees_their_commission_and_payout_and_not_the_tenants_fee(contract):
    html = contract_section(contract=contract, user=contract.host)
    rows = schedule(html)

    assert rows[1][3:7] == [
        yen(FULL_MONTH_BASE),
        yen(0),
        f"−{yen(FULL_MONTH_HOST_COMMISSION)}",
        yen(FULL_MONTH_BASE - FULL_MONTH_HOST_COMMISSION),
    ]
    assert "Your payout" in html
    assert yen(FULL_MONTH_TENANT_FEE) not in html
    assert "Service fee" not in html
    assert "Pay by card" not in html
    assert "bank transfer" not in html.lower()


def test_each_party_is_told_their_own_commission_percentage(contract):
    tenant_html = contract_section(contract=contract, user=contract.tenant)
    host_html = contract_section(contract=contract, user=contract.host)

    assert "service fee for tenants is 3.5%" in tenant_html
    assert "4.25%" not in tenant_html
    assert "commission for hosts is 4.25%" in host_html
    assert "3.5%" not in host_html


def test_the_totals_add_up_the_rows(contract):
    payments = list(contract.payments.all())

    tenant_totals = totals_row(contract_section(contract=contract, user=contract.tenant))
    host_totals = totals_row(contract_section(contract=contract, user=contract.host))

    assert tenant_totals[1:5] == [
        yen(sum(p.base for p in payments)),
        yen(50_000),
        yen(sum(p.tenant_commission for p in payments)),
        yen(contract.tenant_total),
    ]
    assert host_totals[4] == yen(sum(p.host_payout for p in payments))


def test_tenant_sees_what_is_paid_and_what_is_still_to_pay(contract):
    first = paid(contract.payments.get(sequence=1))

    html = contract_section(contract=contract, user=contract.tenant)

    assert schedule(html)[0][7].startswith("Paid")
    assert (
        f"Paid so far: {yen(first.amount)}. "
        f"Still to pay: {yen(contract.tenant_total - first.amount)}." in html
    )


def test_before_signing_the_planned_schedule_of_the_terms_is_shown():
    commission_rates("3.5", "4.25")
    contract = sent_contract(listing=listing_near_station(rent=99_999))

    rows = schedule(contract_section(contract=contract, user=contract.tenant))

    planned = contract.terms["schedule"]
    assert [row[0] for row in rows] == [str(p["sequence"]) for p in planned]
    assert rows[0][2] == "3 days after signing, no later than move-in"
    assert rows[1][2] == date_format(datetime.date.fromisoformat(planned[1]["due_date"]))
    assert rows[1][5:8] == [yen(FULL_MONTH_TENANT_FEE), yen(planned[1]["amount"]), "Planned"]
    assert not contract.payments.exists()


def test_before_signing_the_tenant_cannot_pay_yet(contract_settings_with_card):
    contract = sent_contract()

    html = contract_section(contract=contract, user=contract.tenant)

    assert "Pay by card" not in html
    assert "Transfer reference" not in html


def test_a_declined_contract_has_no_payment_schedule():
    contract = sent_contract()
    contract_decline(contract=contract, by=contract.tenant, reason="Found another flat")

    assert contract_section(contract=contract, user=contract.tenant) == ""
    assert contract_section(contract=contract, user=contract.host) == ""


def test_someone_not_party_to_the_contract_sees_nothing(contract):
    assert contract_section(contract=contract, user=UserFactory()) == ""


@pytest.fixture
def contract_settings_with_card(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_configured"
    return settings


def test_pay_by_card_is_offered_for_due_and_overdue_payments_only(
    contract, contract_settings_with_card
):
    paid(contract.payments.get(sequence=1))
    payment_transition(payment=contract.payments.get(sequence=2), to=Payment.Status.OVERDUE)

    html = contract_section(contract=contract, user=contract.tenant)

    for payment in contract.payments.all():
        link = f"/contracts/{contract.pk}/payments/{payment.pk}/checkout/"
        assert (link in html) == (payment.status != Payment.Status.PAID), payment.sequence
    assert "Card payments are not available" not in html


def test_without_a_stripe_key_the_card_buttons_give_way_to_a_message(contract, settings):
    settings.STRIPE_SECRET_KEY = ""

    html = contract_section(contract=contract, user=contract.tenant)

    assert "Pay by card" not in html
    assert "Card payments are not available at the moment. Please pay by bank transfer." in html


def test_bank_transfer_instructions_give_the_account_and_each_payments_reference(
    contract, settings
):
    settings.BANK_TRANSFER_ACCOUNT = "Example Bank, Shibuya branch, ordinary 1234567"

    html = contract_section(contract=contract, user=contract.tenant)

    assert "Example Bank, Shibuya branch, ordinary 1234567" in html
    for payment in contract.payments.all():
        assert f"{contract.number}-{payment.sequence:02d}" in html


def test_after_an_early_end_the_cancelled_payments_are_left_out_of_the_totals(contract):
    first = paid(contract.payments.get(sequence=1))
    contract_transition(contract=contract, to=Contract.Status.CANCELLED, by=contract.tenant)
    payments_cancel_unpaid(contract=contract)

    html = contract_section(contract=contract, user=contract.tenant)

    assert [row[7] for row in schedule(html)][1:] == ["Cancelled"] * (len(schedule(html)) - 1)
    assert totals_row(html)[4] == yen(first.amount)
    assert "Pay by card" not in html


def test_after_the_host_cancels_they_see_the_refund_to_the_tenant_taken_off_their_payouts(
    contract,
):
    first = paid(contract.payments.get(sequence=1))
    changes.contract_cancel(contract=contract, by=contract.host, reason="Water damage.")
    contract.refresh_from_db()

    html = contract_section(contract=contract, user=contract.host)

    commission = first.amount - first.host_payout
    assert "Paid out so far: ¥0. Still to come: ¥0." in html
    assert (
        f"After the cancellation, {yen(first.amount)} is refunded to the tenant: "
        f"{yen(first.host_payout)} of it comes out of your payouts" in html
    )
    assert f"KaguAruoo returns the other {yen(commission)}, its commission." in html


def test_after_the_tenant_cancels_the_host_keeps_the_payout_of_the_charge(contract):
    first = paid(contract.payments.get(sequence=1))
    quote = changes.cancellation_quote(contract=contract, by=contract.tenant)
    changes.contract_cancel(contract=contract, by=contract.tenant, reason="Visa refused.")
    contract.refresh_from_db()
    kept = quote.charge_base - commission_of(quote.charge_base, contract.host_commission_percent)
    assert quote.refund > 0

    host_html = contract_section(contract=contract, user=contract.host)
    tenant_html = contract_section(contract=contract, user=contract.tenant)

    assert f"Paid out so far: {yen(kept)}." in host_html
    assert f"{yen(first.host_payout - kept)} of it comes out of your payouts" in host_html
    assert f"After the cancellation, {yen(quote.refund)} is refunded to you." in tenant_html
    assert f"Paid so far: {yen(first.amount)}." in tenant_html


def test_a_contract_cancelled_without_refund_shows_none(contract):
    changes.contract_cancel(contract=contract, by=contract.tenant, reason="Visa refused.")
    contract.refresh_from_db()

    html = contract_section(contract=contract, user=contract.host)

    assert 'data-testid="cancellation-refund"' not in html


def test_a_cancellation_charge_left_after_an_early_end_can_still_be_paid(
    contract, contract_settings_with_card
):
    contract_transition(contract=contract, to=Contract.Status.CANCELLED, by=contract.tenant)
    payments_cancel_unpaid(contract=contract)
    charge = cancellation_charge(contract, amount=30_000)

    html = contract_section(contract=contract, user=contract.tenant)

    last = schedule(html)[-1]
    assert last[1] == "Cancellation charge"
    assert last[6:8] == [yen(30_000), "Due"]
    assert f"/contracts/{contract.pk}/payments/{charge.pk}/checkout/" in html
    assert totals_row(html)[4] == yen(30_000)


@pytest.mark.parametrize("months", [1, 12])
def test_the_section_costs_the_same_few_queries_however_long_the_stay(
    django_assert_max_num_queries, months
):
    commission_rates("5", "3")
    signed = signed_contract(months=months)
    tenant = signed.tenant
    contract = contract_get_for_party(user=tenant, pk=signed.pk)

    with django_assert_max_num_queries(1):
        html = contract_section(contract=contract, user=tenant)

    assert len(schedule(html)) == contract.payments.count()


def test_the_contract_page_shows_each_party_their_schedule(client, contract):
    client.force_login(contract.tenant)
    tenant_page = client.get(contract.get_absolute_url())
    client.force_login(contract.host)
    host_page = client.get(contract.get_absolute_url())

    assert yen(FULL_MONTH_BASE + FULL_MONTH_TENANT_FEE) in tenant_page.text
    assert yen(FULL_MONTH_BASE - FULL_MONTH_HOST_COMMISSION) in host_page.text
    assert "Your payout" in host_page.text
    assert len(schedule(tenant_page.text)) == contract.payments.count()
