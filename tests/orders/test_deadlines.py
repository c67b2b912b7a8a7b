"""Deadlines: overdue dispatches go back to the queue; silent completions auto-confirm."""
from datetime import timedelta

import sqlalchemy as sa
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


def _escalate(app, hours):
    with time_machine.travel(utcnow() + timedelta(hours=hours)):
        out = app.test_cli_runner().invoke(args=["orders", "escalate"])
    assert out.exit_code == 0 and "'failed': 0" in out.output, out.output
    return out.output


def _inbox(flow, who):
    return [(n["kind"], n["title"], n["ref"]) for n in flow.client.get(
        "/api/v1/notifications", headers=flow.h(who)).get_json()["items"]]


def _escalations(flow, rid):
    return [e for e in flow.events(rid) if e["action"] == "escalate"]


def test_overdue_submitted_alerts_staff_once(flow, app):
    rid = flow.to_state("submitted")  # 家电维修: dispatch within 24 hours
    assert "'escalated': 0" in _escalate(app, 23)
    assert "'escalated': 1" in _escalate(app, 25)
    assert "'escalated': 0" in _escalate(app, 26)  # idempotent
    [event] = _escalations(flow, rid)
    assert (event["from_status"], event["to_status"]) == ("submitted", "submitted")
    assert event["actor"] == {"id": None, "role": "system"}
    assert event["data"]["notified"] == ["staff"]
    assert flow.get(rid)["status"] == "submitted"
    alerts = [n for n in _inbox(flow, "demo-staff-1") if n[0] == "overdue"]
    assert alerts == [("overdue", "居民点单超时未派单", f"request:{rid}")]
    # the next step has its own deadline, escalated once more if it is missed too
    flow.do(rid, "dispatch", "demo-staff-1", {"pool": True})
    flow.do(rid, "recall", "demo-staff-1")
    assert "'escalated': 1" in _escalate(app, 25)
    assert len(_escalations(flow, rid)) == 2


def test_accepted_not_started_alerts_staff_and_partner(flow, app, make_user):
    make_user("second-member", roles=[("partner_member", {"partner_id": flow.partner_id()})])
    rid = flow.to_state("accepted")  # start within 48 hours
    assert "'escalated': 0" in _escalate(app, 47)
    assert "'escalated': 1" in _escalate(app, 49)
    _escalate(app, 50)
    [event] = _escalations(flow, rid)
    assert event["data"]["notified"] == ["staff", "partner"]
    title = "已接单超时未开始服务"
    for who in ("demo-staff-1", "demo-partner-1", "second-member"):
        assert _inbox(flow, who).count(("overdue", title, f"request:{rid}")) == 1, who
    assert ("overdue", title, f"request:{rid}") not in _inbox(flow, "demo-partner-2")


def test_service_running_past_its_longest_duration_alerts_staff(flow, app):
    rid = flow.to_state("in_service")  # 家电维修: at most 240 minutes
    assert "'escalated': 0" in _escalate(app, 3.5)
    assert "'escalated': 1" in _escalate(app, 4.5)
    _escalate(app, 5)
    [event] = _escalations(flow, rid)
    assert event["from_status"] == "in_service" and event["data"]["notified"] == ["staff"]
    assert ("overdue", "服务超过最长时长仍未完成", f"request:{rid}") in \
        _inbox(flow, "demo-staff-1")


def test_unresolved_dispute_alerts_the_street_admin(flow, app, make_user):
    from app.community.models import Community
    from app.extensions import db

    with app.app_context():
        street_id = db.session.get(Community, 1).street_id
    make_user("street-admin-1", roles=[("street_admin", {"street_id": street_id})])
    rid = flow.to_state("disputed")  # resolve_hours: 72 by default
    detail = flow.get(rid)
    assert detail["deadline_at"] and not detail["overdue"]
    assert "'escalated': 0" in _escalate(app, 71)
    assert "'escalated': 1" in _escalate(app, 73)
    _escalate(app, 74)
    [event] = _escalations(flow, rid)
    assert event["from_status"] == "disputed" and event["data"]["notified"] == ["street_admin"]
    alert = ("overdue", "服务争议超时未处理", f"request:{rid}")
    assert _inbox(flow, "street-admin-1").count(alert) == 1
    assert alert not in _inbox(flow, "demo-staff-1")
    assert alert not in _inbox(flow, "demo-admin")


def test_dispute_window_is_the_category_resolve_hours(flow, app):
    from app.catalog.models import ServiceCategory
    from app.extensions import db

    with app.app_context():
        category = db.session.scalar(sa.select(ServiceCategory).where(
            ServiceCategory.code == "appliance_repair"))
        category.resolve_hours = 24
        db.session.commit()
    rid = flow.to_state("disputed")
    assert "'escalated': 1" in _escalate(app, 25)
    # the street's admin (古湖街道小孙 of the demo) hears of it
    assert ("overdue", "服务争议超时未处理", f"request:{rid}") in _inbox(flow, "demo-street-1")
    categories = flow.client.get("/api/v1/categories",
                                 headers=flow.h("demo-resident-1")).get_json()["items"]
    assert {c["code"]: c["resolve_hours"] for c in categories}["appliance_repair"] == 24


def test_every_event_action_written_is_declared_in_the_openapi_document(flow, app):
    """A screen labels each timeline action from the document's enum, so the reminder event
    (and staff approving held content) must be declared there like the table's steps."""
    rid = flow.to_state("submitted")
    _escalate(app, 25)
    spec = flow.client.get("/api/v1/openapi.json").get_json()
    enum = spec["components"]["schemas"]["EventOut"]["properties"]["action"]["enum"]
    assert {e["action"] for e in flow.events(rid)} <= set(enum)
    assert {"escalate", "approve_content"} <= set(enum)
