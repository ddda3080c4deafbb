"""A contract's money, as its terms snapshot froze it when the contract was sent."""

from dataclasses import dataclass, fields
from decimal import Decimal


@dataclass(frozen=True)
class ContractMoney:
    """The prices and totals the contract states; never the listing's prices of today."""

    rent: int
    monthly_fee: int
    utilities_included: bool
    cleaning_fee: int
    linen_fee: int
    key_money: int
    deposit: int
    stay_total: int
    tenant_commission_percent: Decimal
    host_commission_percent: Decimal
    # The payment schedule's totals (contracts.core.schedule.plan_totals).
    total_base: int
    total_deposit: int
    total_tenant_commission: int
    total_host_commission: int
    total_amount: int
    total_host_payout: int

    @classmethod
    def from_terms(cls, terms: dict) -> "ContractMoney":
        money = terms["money"]
        values = {field.name: money[field.name] for field in fields(cls)}
        for name in ("tenant_commission_percent", "host_commission_percent"):
            values[name] = Decimal(values[name])
        return cls(**values)
