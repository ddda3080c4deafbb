"""Fixtures shared by the contract tests."""

import pytest

from tests.contracts.builders import signed_contract


@pytest.fixture
def contract():
    """A contract its tenant signed, made through the services as users make it."""
    return signed_contract()
