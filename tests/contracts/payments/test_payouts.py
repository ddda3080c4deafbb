"""A host's payouts page: what each tenant payment brings them, to come and received."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from contracts.booking.services import contract_transition
from contracts.changes import services as changes
from contracts.core.schedule import commission_of
from contracts.models import Contract, Payment
from contracts.payments.selectors import host_refund_share
from contracts.payments.services import (
    payment_mark_paid,
    payment_transition,
    payments_cancel_unpaid,
)
from tests.accounts.factories import UserFactory
from tests.contracts.builders import listing_near_station, signed_contract
from tests.contracts.payments.builders import commission_rates, table_rows, yen
from tests.contracts.stays import first_of_month_after

pytestmark = pytest.mark.django_db

URL = "/contracts/payouts/"
# The page's four (totals with the lists' counts, a page of payouts to come, one of payouts
# received, one of refunds to tenants), plus the six every signed-in page costs: the session
# user, the policy and consent notices, unread messages, the access log.
MAX_QUERIES = 10


@pytest.fixture
def host():
    commission_rates("5", "3")
    return UserFactory(is_host=True)


def contract_of(host, *, move_in=None, **kwargs):
    return signed_contract(listing=listing_near_station(host=host, **kwargs), move_in=move_in)


def due_today(payment):
    Payment.objects.filter(pk=payment.pk).update(due_date=timezone.localdate())
    payment.refresh_from_db()
    return payment


def test_the_host_sees_each_payout_to_come_with_its_commission(client, host):
    contract = contract_of(host, title="Shibuya 1K")
    client.force_login(host)

    response = client.get(URL)

    rows = table_rows(response.text, "upcoming-payouts")[1:]
    payments = list(contract.payments.order_by("due_date"))
    assert len(rows) == len(payments)
    for row, payment in zip(rows, payments, strict=True):
        assert row[0] == date_format(payment.due_date)
        assert row[1] == f"{contract.number} Shibuya 1K"
        assert row[3:] == [f"−{yen(payment.host_commission)}", yen(payment.host_payout), "Due"]
    assert yen(payments[1].tenant_commission) not in response.text


def test_a_paid_payment_moves_to_the_payouts_received(client, host):
    contract = contract_of(host)
    paid = payment_mark_paid(
        payment=contract.payments.get(sequence=1), method=Payment.Method.CARD, reference="pi"
    )
    client.force_login(host)

    response = client.get(URL)

    [received] = table_rows(response.text, "past-payouts")[1:]
    assert received[4:] == [yen(paid.host_payout), date_format(timezone.localdate())]
    upcoming = table_rows(response.text, "upcoming-payouts")[1:]
    assert len(upcoming) == contract.payments.count() - 1


def test_a_payout_seen_before_shows_what_changed_since(client, host):
    contract = contract_of(host, title="Shibuya 1K")
    client.force_login(host)
    assert table_rows(client.get(URL).text, "upcoming-payouts")[1][5] == "Due"
    first, second = contract.payments.order_by("sequence")[:2]

    payment_mark_paid(payment=first, method=Payment.Method.CARD, reference="pi")
    payment_transition(payment=second, to=Payment.Status.OVERDUE)
    contract.listing.title = "Shibuya 1K, renovated"
    contract.listing.save(update_fields=["title"])
    page = client.get(URL).text

    upcoming = table_rows(page, "upcoming-payouts")[1:]
    assert upcoming[0][1] == f"{contract.number} Shibuya 1K, renovated"
    assert upcoming[0][5] == "Overdue"
    [received] = table_rows(page, "past-payouts")[1:]
    assert received[5] == date_format(timezone.localdate())


def test_the_totals_give_this_months_payouts_what_is_paid_and_what_is_late(client, host):
    one, two = contract_of(host), contract_of(host)
    paid = payment_mark_paid(
        payment=due_today(one.payments.get(sequence=1)), method="card", reference="pi"
    )
    waiting = due_today(two.payments.get(sequence=1))
    late = two.payments.get(sequence=2)
    Payment.objects.filter(pk=late.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=40)
    )
    payment_transition(payment=late, to=Payment.Status.OVERDUE)
    client.force_login(host)

    response = client.get(URL)

    totals = response.context["totals"]
    assert totals == {
        "month": paid.host_payout + waiting.host_payout,
        "month_paid": paid.host_payout,
        "overdue": late.host_payout,
        "upcoming_count": one.payments.count() + two.payments.count() - 1,
        "received_count": 1,
        "refund_count": 0,
    }
    assert yen(totals["month"]) in response.text
    upcoming = table_rows(response.text, "upcoming-payouts")[1:]
    assert upcoming[0][5] == "Overdue"


def test_cancelled_payments_are_no_payouts(client, host):
    contract = contract_of(host)
    contract_transition(contract=contract, to=Contract.Status.CANCELLED, by=host)
    payments_cancel_unpaid(contract=contract)
    client.force_login(host)

    response = client.get(URL)

    assert table_rows(response.text, "upcoming-payouts") == []
    assert "No payouts yet" in response.text


def test_a_host_sees_only_their_own_payouts(client, host):
    contract_of(host)
    other_host = UserFactory(is_host=True)
    client.force_login(other_host)

    response = client.get(URL)

    assert response.status_code == 200
    assert "No payouts yet" in response.text


def test_the_tenant_of_a_contract_has_no_payouts(client, host):
    contract = contract_of(host)
    client.force_login(contract.tenant)

    response = client.get(URL)

    assert "No payouts yet" in response.text
    assert contract.number not in response.text


def test_a_signed_out_visitor_is_asked_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("contracts", [1, 4])
def test_the_payouts_page_costs_the_same_few_queries_however_many_contracts(
    client, django_assert_max_num_queries, host, contracts
):
    made = [contract_of(host) for _ in range(contracts)]
    for contract in made:
        payment_mark_paid(payment=contract.payments.get(sequence=1), method="card", reference="pi")
    client.force_login(host)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL)

    assert response.status_code == 200
    assert len(table_rows(response.text, "past-payouts")) == contracts + 1


def payments_to_come(contract, count):
    """`count` more payments due on the contract, a day apart from tomorrow on."""
    first = contract.payments.count() + 1
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return Payment.objects.bulk_create(
        Payment(
            contract=contract,
            sequence=first + n,
            kind=Payment.Kind.EXTENSION,
            due_date=tomorrow + datetime.timedelta(days=n),
            base=10_000,
            tenant_commission=500,
            host_commission=300,
            amount=10_500,
            host_payout=9_700,
        )
        for n in range(count)
    )


def test_the_payouts_to_come_are_shown_fifty_a_page_soonest_first(client, host):
    contract = contract_of(host)
    Payment.objects.filter(contract=contract).delete()
    made = payments_to_come(contract, 120)
    client.force_login(host)

    first = client.get(URL)
    third = client.get(URL, {"upcoming": 3})

    first_rows = table_rows(first.text, "upcoming-payouts")[1:]
    assert [row[0] for row in first_rows] == [date_format(p.due_date) for p in made[:50]]
    third_rows = table_rows(third.text, "upcoming-payouts")[1:]
    assert [row[0] for row in third_rows] == [date_format(p.due_date) for p in made[100:]]
    assert "Page 1 of 3" in first.text
    assert 'href="?upcoming=2"' in first.text


def test_paging_through_one_list_keeps_the_others_page(client, host):
    contract = contract_of(host)
    payments_to_come(contract, 60)
    for payment in payments_to_come(contract, 60):
        payment_mark_paid(payment=payment, method="card", reference="pi")
    client.force_login(host)

    response = client.get(URL, {"upcoming": 2, "page": 2})

    assert 'href="?upcoming=1&amp;page=2"' in response.text
    assert 'href="?upcoming=2&amp;page=1"' in response.text


def test_many_payouts_to_come_cost_no_more_queries(client, django_assert_max_num_queries, host):
    payments_to_come(contract_of(host), 120)
    client.force_login(host)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL, {"upcoming": 2})

    assert len(table_rows(response.text, "upcoming-payouts")) == 51


# --- Refunds to tenants after cancellations -------------------------------------------------


def paid_then_cancelled(host, *, by, **listing):
    """A contract whose first payment (a whole month, the one-time fees and the deposit) was
    paid before `by` ("host"/"tenant") cancelled it."""
    contract = contract_of(host, move_in=first_of_month_after(70), **listing)
    first = payment_mark_paid(
        payment=contract.payments.get(sequence=1), method="card", reference="pi"
    )
    canceller = contract.host if by == "host" else contract.tenant
    quote = changes.cancellation_quote(contract=contract, by=canceller)
    changes.contract_cancel(contract=contract, by=canceller, reason="Water damage.")
    contract.refresh_from_db()
    return contract, first, quote


def test_a_host_cancelling_gives_back_all_their_payouts_of_the_contract(client, host):
    contract, first, _quote = paid_then_cancelled(host, by="host", title="Shibuya 1K")
    client.force_login(host)

    response = client.get(URL)

    [row] = table_rows(response.text, "refunds")[1:]
    assert row == [
        date_format(timezone.localdate()),
        f"{contract.number} Shibuya 1K",
        yen(first.amount),
        f"−{yen(first.host_payout)}",
    ]


def test_after_a_tenant_cancels_the_host_keeps_the_payout_of_the_charge(client, host):
    # Cancelled well before move-in under a strict policy: one month is charged; the deposit
    # and one-time fees paid with the first payment come back.
    contract, first, quote = paid_then_cancelled(
        host, by="tenant", cancellation_policy="strict", deposit=50_000, cleaning_fee=20_000
    )
    client.force_login(host)

    response = client.get(URL)

    kept = quote.charge_base - commission_of(quote.charge_base, contract.host_commission_percent)
    assert 0 < quote.refund < first.amount
    [row] = table_rows(response.text, "refunds")[1:]
    assert row[2:] == [yen(quote.refund), f"−{yen(first.host_payout - kept)}"]


def test_a_cancellation_that_leaves_nothing_to_refund_is_not_listed(client, host):
    contract = contract_of(host)
    changes.contract_cancel(contract=contract, by=host, reason="Water damage.")
    client.force_login(host)

    response = client.get(URL)

    assert table_rows(response.text, "refunds") == []


def test_refunds_cost_no_more_queries(client, django_assert_max_num_queries, host):
    for _ in range(3):
        paid_then_cancelled(host, by="host")
    client.force_login(host)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL)

    assert len(table_rows(response.text, "refunds")) == 4


@pytest.mark.parametrize("tenant_percent", ["0", "3.5", "5", "7.25", "12.5"])
@pytest.mark.parametrize("charge_base", [0, 1, 99, 110_000, 123_457, 999_999])
def test_the_hosts_share_of_a_refund_leaves_them_the_payout_of_the_charge(
    tenant_percent, charge_base
):
    contract = Contract(
        tenant_commission_percent=Decimal(tenant_percent),
        host_commission_percent=Decimal("4.25"),
        cancellation_charge=charge_base + commission_of(charge_base, Decimal(tenant_percent)),
        cancellation_refund=2_000_000,  # more than the host received: not what limits the share
    )
    kept = charge_base - commission_of(charge_base, Decimal("4.25"))

    share = host_refund_share(contract=contract, received=1_200_000)

    assert share == 1_200_000 - kept
