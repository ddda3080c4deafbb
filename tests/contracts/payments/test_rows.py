"""Payment rows come from a plan through one function; the webhook says what an event came to."""

import pytest
from django.http import Http404

from contracts.core.schedule import PlannedPayment
from contracts.models import Payment
from contracts.payments.selectors import payment_get_for_tenant
from contracts.payments.services import WebhookOutcome, payment_from_plan, stripe_event_handle
from tests.accounts.factories import UserFactory
from tests.contracts.builders import signed_contract
from tests.contracts.payments.builders import checkout_completed_event, signed_contract_at
from tests.contracts.stays import first_of_month_after

pytestmark = pytest.mark.django_db


def test_a_planned_payment_becomes_a_row_with_every_amount_of_the_plan():
    contract = signed_contract_at(rent=100_000)
    month = first_of_month_after(40)
    planned = PlannedPayment(
        sequence=9,
        kind=Payment.Kind.EXTENSION,
        due_date=month,
        period_start=month,
        period_end=month.replace(day=28),
        rent=100_000,
        fees=10_000,
        one_time=5_000,
        deposit=20_000,
        base=115_000,
        tenant_commission=5_750,
        host_commission=3_450,
    )

    row = payment_from_plan(contract=contract, planned=planned)

    assert row.pk is None
    assert row.contract == contract
    assert (row.sequence, row.kind, row.due_date) == (9, Payment.Kind.EXTENSION, month)
    assert (row.rent, row.fees, row.one_time, row.deposit, row.base) == (
        100_000,
        10_000,
        5_000,
        20_000,
        115_000,
    )
    assert (row.amount, row.host_payout) == (planned.amount, planned.host_payout)


def test_a_signed_contracts_rows_are_its_plan():
    contract = signed_contract_at(rent=100_000)
    plan = contract.terms["schedule"]

    rows = list(contract.payments.order_by("sequence"))

    assert [(row.sequence, row.amount, row.host_payout) for row in rows] == [
        (line["sequence"], line["amount"], line["host_payout"]) for line in plan
    ]


def test_the_webhooks_outcomes_are_the_words_stripe_is_answered_with():
    contract = signed_contract_at(rent=100_000)
    payment = contract.payments.get(sequence=1)
    event = checkout_completed_event(payment, event_id="evt_outcome")

    first = stripe_event_handle(event=event)
    again = stripe_event_handle(event=event)

    assert (first, again) == (WebhookOutcome.PAID, WebhookOutcome.REPLAY)
    assert (str(first), str(again)) == ("paid", "replay")


def test_only_the_tenant_reaches_a_payment_and_only_through_its_own_contract():
    contract = signed_contract_at(rent=100_000)
    payment = contract.payments.get(sequence=1)

    found = payment_get_for_tenant(user=contract.tenant, contract_pk=contract.pk, pk=payment.pk)

    assert found == payment
    for someone in (contract.host, UserFactory()):
        with pytest.raises(Http404):
            payment_get_for_tenant(user=someone, contract_pk=contract.pk, pk=payment.pk)

    other = signed_contract(tenant=contract.tenant)
    with pytest.raises(Http404):
        payment_get_for_tenant(user=contract.tenant, contract_pk=other.pk, pk=payment.pk)
