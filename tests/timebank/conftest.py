"""The time bank tests build their users with points through the ledger's service."""
import pytest

from tests.factories import Bank


@pytest.fixture
def bank(app):
    return Bank(app)
