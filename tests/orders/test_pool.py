"""The pool (抢单池) is not a dead end: staff recall or dispatch from it, and it expires."""
from datetime import timedelta

import time_machine

from app.common.timeutil import utcnow


def _pool(flow, who="demo-partner-1"):
    resp = flow.client.get("/api/v1/requests?scope=pool", headers=flow.h(who))
    return [r["id"] for r in resp.get_json()["items"]]


def test_staff_recall_a_pooled_request(flow):
    rid = flow.to_state("pooled")
    assert _pool(flow) == [rid]
    flow.do(rid, "recall", "demo-partner-1", expect=403)
    flow.do(rid, "recall", "demo-staff-2", expect=404)
    back = flow.do(rid, "recall", "demo-staff-1", {"reason": "改为指定派单"})
    assert back["status"] == "submitted" and back["deadline_at"]
    assert _pool(flow) == []
    event = flow.events(rid)[-1]
    assert (event["action"], event["from_status"], event["to_status"]) == \
        ("recall", "pooled", "submitted")
    assert event["actor"]["role"] == "staff" and event["note"] == "改为指定派单"
    # only from the pool
    resp = flow.do(rid, "recall", "demo-staff-1", expect=409)
    assert resp["error"]["details"]["status"] == "submitted"
    # and it can be dispatched again
    assert flow.do(rid, "dispatch", "demo-staff-1",
                   {"partner_id": flow.partner_id()})["status"] == "dispatched"


def test_staff_dispatch_a_pooled_request_to_a_partner(flow):
    rid = flow.to_state("pooled")
    partner = flow.partner_id()
    resp = flow.do(rid, "dispatch", "demo-staff-1", {"pool": True}, expect=409)
    assert resp["error"]["code"] == "invalid_transition"
    out = flow.do(rid, "dispatch", "demo-staff-1", {"partner_id": partner})
    assert out["status"] == "dispatched" and out["partner"]["id"] == partner
    assert _pool(flow) == []
    flow.do(rid, "claim", "demo-partner-1", expect=409)
    assert flow.do(rid, "accept", "demo-partner-1")["status"] == "accepted"
    view = flow.client.get(f"/api/v1/partners/{partner}",
                           headers=flow.h("demo-staff-1")).get_json()
    assert view["open_tasks"] == 1
    actions = [(e["action"], e["from_status"], e["to_status"]) for e in flow.events(rid)]
    assert ("dispatch", "pooled", "dispatched") in actions


def test_unclaimed_pool_request_returns_to_the_queue(flow, app):
    rid = flow.to_state("pooled")  # 家电维修: accept within 12 hours
    fresh = flow.to_state("pooled")
    runner = app.test_cli_runner()
    with time_machine.travel(utcnow() + timedelta(hours=11)):
        out = runner.invoke(args=["orders", "escalate"])
    assert "'pool_expired': 0" in out.output
    assert flow.get(rid)["status"] == "pooled"
    from app.extensions import db
    from app.orders.models import ServiceRequest

    with app.app_context():  # the second one was pooled later
        db.session.get(ServiceRequest, fresh).deadline_at += timedelta(hours=5)
        db.session.commit()
    with time_machine.travel(utcnow() + timedelta(hours=13)):
        out = runner.invoke(args=["orders", "escalate"])
        again = runner.invoke(args=["orders", "escalate"])
    assert "'pool_expired': 1" in out.output and "'pool_expired': 0" in again.output
    detail = flow.get(rid)
    assert detail["status"] == "submitted" and detail["partner"] is None
    assert flow.get(fresh)["status"] == "pooled"
    assert _pool(flow) == [fresh]
    event = flow.events(rid)[-1]
    assert (event["action"], event["from_status"], event["to_status"]) == \
        ("expire", "pooled", "submitted")
    assert event["actor"] == {"id": None, "role": "system"}
    inbox = flow.client.get("/api/v1/notifications",
                            headers=flow.h("demo-staff-1")).get_json()["items"]
    assert inbox[0]["kind"] == "overdue" and inbox[0]["ref"] == f"request:{rid}"
