"""Renovation tests use the consultations' register (tests/consultations/conftest.py)."""
import pytest

from tests.consultations.conftest import World

OWNERS = [("o-101", "101"), ("o-102", "102"), ("o-103", "103"), ("o-104", "104"),
          ("o-201", "201"), ("o-202", "202"), ("o-203", "203"), ("o-204", "204"),
          ("o-205", "205"), ("a2-1", "a2:1")]


@pytest.fixture
def world(app, client, login, make_user):
    return World(app, client, login, make_user)


@pytest.fixture
def governed(monkeypatch):
    """The compound has a self-governing body (业委会 or 自管委)."""
    from app.renovations import service

    monkeypatch.setattr(service, "_has_self_governing_body", lambda compound_id: True)
