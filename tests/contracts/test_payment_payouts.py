"""A host's payouts page: what each tenant payment brings them, to come and received."""

import datetime

import pytest
from django.utils import timezone

from contracts.models import Contract, Payment
from contracts.payments import payment_mark_paid, payment_transition, payments_cancel_unpaid
from contracts.services import contract_transition
from tests.accounts.factories import UserFactory
from tests.contracts.builders import contract_listing, signed_contract
from tests.contracts.payment_builders import commission_rates, table_rows, yen

pytestmark = pytest.mark.django_db

URL = "/contracts/payouts/"
# The page's three (totals with both lists' counts, a page of payouts to come, a page of
# payouts received), plus the six every signed-in page costs: the session user, the policy
# and consent notices, unread messages, the access log.
MAX_QUERIES = 9


@pytest.fixture
def host():
    commission_rates("5", "3")
    return UserFactory(is_host=True)


def contract_of(host, **kwargs):
    return signed_contract(listing=contract_listing(host=host, **kwargs))


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
        assert row[0] == f"{payment.due_date:%Y-%m-%d}"
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
    assert received[4:] == [yen(paid.host_payout), f"{timezone.localdate():%Y-%m-%d}"]
    upcoming = table_rows(response.text, "upcoming-payouts")[1:]
    assert len(upcoming) == contract.payments.count() - 1


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
    assert [row[0] for row in first_rows] == [f"{p.due_date:%Y-%m-%d}" for p in made[:50]]
    third_rows = table_rows(third.text, "upcoming-payouts")[1:]
    assert [row[0] for row in third_rows] == [f"{p.due_date:%Y-%m-%d}" for p in made[100:]]
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
