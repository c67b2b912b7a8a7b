"""Deadlines: overdue dispatches go back to the queue; silent completions auto-confirm."""
from datetime import timedelta

import time_machine

from app.common.timeutil import utcnow


def test_escalation_expires_dispatch_and_auto_confirms(flow, app):
    dispatched = flow.to_state("dispatched")
    completed = flow.to_state("completed")
    fresh = flow.to_state("completed")
    before = flow.balance("demo-partner-1")
    runner = app.test_cli_runner()
    with time_machine.travel(utcnow() + timedelta(hours=13)):
        out = runner.invoke(args=["orders", "escalate"])
    assert out.exit_code == 0 and "'expired': 1" in out.output
    assert flow.get(dispatched)["status"] == "submitted"
    events = flow.events(dispatched)
    assert events[-1]["action"] == "expire" and events[-1]["actor"] == {"id": None,
                                                                         "role": "system"}
    inbox = flow.client.get("/api/v1/notifications",
                            headers=flow.h("demo-staff-1")).get_json()["items"]
    assert inbox[0]["kind"] == "overdue"
    assert flow.get(completed)["status"] == "completed"

    with time_machine.travel(utcnow() + timedelta(hours=73)):
        out = runner.invoke(args=["orders", "escalate"])
        again = runner.invoke(args=["orders", "escalate"])
    assert "'auto_confirmed': 2" in out.output and "'auto_confirmed': 0" in again.output
    assert flow.get(completed)["status"] == "confirmed"
    assert flow.get(fresh)["status"] == "confirmed"
    assert flow.balance("demo-partner-1") == before + 60
    assert flow.events(completed)[-1]["action"] == "auto_confirm"
