"""The state machine on its own: no database, no other domain, no app."""
import ast
import pathlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from app.errors import ApiError
from app.orders import machine

MACHINE = pathlib.Path(machine.__file__)


def test_the_machine_imports_neither_the_database_nor_another_domain():
    imported = set()
    for node in ast.walk(ast.parse(MACHINE.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    assert imported <= {"dataclasses", "datetime", "typing", "app.errors"}, imported


def _request(status, **kw):
    category = SimpleNamespace(dispatch_hours=24, accept_hours=12, start_hours=48,
                               confirm_window_hours=72, resolve_hours=72)
    return SimpleNamespace(status=status, resident_id=1, placed_by_id=kw.get("placed_by_id"),
                           partner_id=kw.get("partner_id"),
                           assignee_id=kw.get("assignee_id"), max_minutes=240,
                           category=category)


def _refusal(action, roles, status):
    with pytest.raises(ApiError) as caught:
        machine.guard(action, roles, status)
    return caught.value.status, caught.value.code


def test_roles_guard_and_deadlines_from_plain_values():
    req = _request("accepted", partner_id=7, assignee_id=3)
    assert machine.roles(None, req) == {"system"}
    assert machine.roles(machine.Party(user_id=1), req) == {"resident"}
    member = machine.Party(user_id=3, partner_ids=frozenset({7}), serves=True)
    assert machine.roles(member, req) == {"partner", "assignee", "pool_partner"}
    assert machine.roles(machine.Party(user_id=4, partner_ids=frozenset({7})), req) == {
        "partner"}
    assert machine.roles(machine.Party(user_id=5, staff=True), req) == {"staff"}

    assert machine.guard("start", {"partner", "assignee"}, "accepted") == (
        "accepted", "start", "assignee", ("in_service",))
    assert _refusal("start", {"partner"}, "accepted") == (403, "forbidden")
    assert _refusal("start", {"assignee"}, "dispatched") == (409, "invalid_transition")
    assert _refusal("fly", {"staff"}, "submitted") == (404, "not_found")
    # a partner that merely serves the category sees a request only while it is pooled
    assert _refusal("claim", {"pool_partner"}, "submitted") == (404, "not_found")
    assert machine.guard("claim", {"pool_partner"}, "pooled")[3] == ("accepted",)

    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert machine.deadline_for("submitted", req, now) == now + timedelta(hours=24)
    assert machine.deadline_for("in_service", req, now) == now + timedelta(minutes=240)
    assert machine.deadline_for("confirmed", req, now) is None
