"""Elevator tests use the consultations' register (tests/consultations/conftest.py)."""
import pytest

from tests.consultations.conftest import World


@pytest.fixture
def world(app, client, login, make_user):
    return World(app, client, login, make_user)
