"""Fixtures shared by the listing tests."""

import pytest

from tests.listings.builders import station


@pytest.fixture
def shibuya():
    return station("渋谷", "しぶや", "Shibuya")
