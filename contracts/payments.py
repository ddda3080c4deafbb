"""Payments of a contract: the schedule's rows, card payments through Stripe, bank transfers."""

from django.db import transaction
from django.utils import timezone

from contracts.models import Contract, Payment
from contracts.schedule import schedule_plan
from listings.pricing import stay_cost


def contract_stay_cost(*, contract: Contract):
    """The stay's cost from the contract's own snapshot, never from the listing as it is now."""
    money = contract.terms["money"]
    return stay_cost(
        rent=money["rent"],
        monthly_fee=money["monthly_fee"],
        move_in=contract.start_date,
        months=contract.months,
        cleaning_fee=money["cleaning_fee"],
        linen_fee=money["linen_fee"],
        key_money=money["key_money"],
        deposit=money["deposit"],
    )


@transaction.atomic
def payments_create(*, contract: Contract) -> list[Payment]:
    """The payment rows of a contract just signed, due dates counted from the signing day."""
    plan = schedule_plan(
        cost=contract_stay_cost(contract=contract),
        tenant_percent=contract.tenant_commission_percent,
        host_percent=contract.host_commission_percent,
        signed_on=timezone.localdate(contract.signed_at) if contract.signed_at else None,
    )
    return Payment.objects.bulk_create(
        Payment(
            contract=contract,
            sequence=planned.sequence,
            kind=planned.kind,
            due_date=planned.due_date,
            period_start=planned.period_start,
            period_end=planned.period_end,
            rent=planned.rent,
            fees=planned.fees,
            one_time=planned.one_time,
            deposit=planned.deposit,
            base=planned.base,
            tenant_commission=planned.tenant_commission,
            host_commission=planned.host_commission,
            amount=planned.amount,
            host_payout=planned.host_payout,
        )
        for planned in plan
    )


def contract_section(*, contract, user, request=None) -> str:
    return ""
