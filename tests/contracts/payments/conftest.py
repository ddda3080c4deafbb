"""Fixtures shared by the payment tests: a contract signed under commission rates, Stripe faked."""

import pytest

from tests.contracts.payments.builders import WEBHOOK_SECRET, signed_contract_at, stripe_faked


@pytest.fixture
def contract_money() -> dict:
    """The rent and commission rates `contract` is signed at; a module overrides them."""
    return {"rent": 100_000, "tenant_percent": "5", "host_percent": "3"}


@pytest.fixture
def contract(contract_money):
    """A signed contract whose payments carry both parties' commissions."""
    return signed_contract_at(**contract_money)


@pytest.fixture
def payment_sequence() -> int:
    """Which of the contract's payments `payment` is: the first, unless a module overrides it."""
    return 1


@pytest.fixture
def payment(contract, payment_sequence):
    return contract.payments.get(sequence=payment_sequence)


@pytest.fixture
def fake_stripe(settings):
    """The site talks to a FakeStripe, and Stripe's webhooks are signed with the suite's secret."""
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    with stripe_faked(settings) as fake:
        yield fake
