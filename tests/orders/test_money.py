"""Points of the service loop: the price is fixed at creation, the community's share is
reserved at dispatch, so confirming never fails on a later price or an exhausted budget."""
from datetime import timedelta

import sqlalchemy as sa
import time_machine

from app.common.timeutil import utcnow


def _set_category(app, code, **values):
    from app.catalog.models import ServiceCategory
    from app.extensions import db

    with app.app_context():
        db.session.execute(sa.update(ServiceCategory).where(ServiceCategory.code == code)
                           .values(**values))
        db.session.commit()


def _available(flow, community_id=1):
    """What community 1's budget still allows its issuing account to pay."""
    resp = flow.client.get(f"/api/v1/timebank/communities/{community_id}/account",
                           headers=flow.h("demo-staff-1"))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["available"]


def _exhaust_budget(app, community_id=1, leave=0):
    """Shrink the community's budget so that only `leave` points remain available."""
    from app.extensions import db
    from app.timebank import service as timebank

    with app.app_context():
        issued = -timebank.community_account(community_id).balance
        timebank.set_budget(community_id, issued + leave)
        db.session.commit()


def _keys(app, rid):
    from app.extensions import db
    from app.timebank.models import Transfer

    with app.app_context():
        return list(db.session.scalars(sa.select(Transfer.key).where(
            Transfer.ref == f"request:{rid}").order_by(Transfer.id)))


def _work(flow, rid, member="demo-partner-1", minutes=90):
    flow.do(rid, "accept", member)
    flow.do(rid, "start", member)
    flow.do(rid, "complete", member, {"minutes": minutes})


# -- item: price at creation ------------------------------------------------------------
def test_price_raised_after_the_hold_settles_at_the_price_of_creation(flow, app):
    start = flow.balance("demo-resident-1")
    partner_before = flow.balance("demo-partner-2")
    # 代买代办: the resident pays 10 points/hour, at most 120 minutes → 20 points held
    req = flow.create("errand", description="帮忙买药")
    rid = req["id"]
    assert req["held_points"] == 20 and req["category"]["points_per_hour"] == 10
    # the category gets dearer and longer while the request waits
    _set_category(app, "errand", points_per_hour=40, max_minutes=240)
    flow.do(rid, "dispatch", "demo-staff-1", {"partner_id": flow.partner_id("助老")})
    flow.do(rid, "accept", "demo-partner-2")
    flow.do(rid, "start", "demo-partner-2")
    # bounded by the request's own longest duration, not the category's new one
    refused = flow.do(rid, "complete", "demo-partner-2", {"minutes": 180}, expect=422)
    assert "minutes" in refused["error"]["details"]["fields"]
    flow.do(rid, "complete", "demo-partner-2", {"minutes": 90})
    done = flow.do(rid, "confirm", "demo-resident-1", {"rating": 5})
    # 90 minutes at the 10 points/hour of creation, not at today's 40 (60 > the 20 held)
    assert done["status"] == "confirmed" and done["points_settled"] == 15
    assert done["category"]["points_per_hour"] == 10
    assert flow.balance("demo-partner-2") == partner_before + 15
    assert flow.balance("demo-resident-1") == start - 15
    # a request made after the change pays the new price
    assert flow.create("errand", description="帮忙取快递")["held_points"] == 160


def test_payer_changed_after_creation_still_settles(flow, app):
    """Who pays is part of the terms: a community-paid request stays community-paid."""
    rid = flow.to_state("completed")  # 家电维修, community-paid, 90 minutes
    before = flow.balance("demo-partner-1")
    _set_category(app, "appliance_repair", payer="resident", points_per_hour=100)
    done = flow.do(rid, "confirm", "demo-resident-1", {"rating": 4})
    assert done["points_settled"] == 30
    assert flow.balance("demo-partner-1") == before + 30


# -- item: reservation at dispatch ------------------------------------------------------
def test_exhausted_budget_does_not_block_confirmation(flow, app):
    rid = flow.create()["id"]  # 家电维修: community pays 20/hour, at most 240 min → 80
    before = _available(flow)
    flow.do(rid, "dispatch", "demo-staff-1", {"partner_id": flow.partner_id()})
    assert _available(flow) == before - 80
    _exhaust_budget(app)  # everything else the budget allowed is spent meanwhile
    partner_before = flow.balance("demo-partner-1")
    _work(flow, rid)
    done = flow.do(rid, "confirm", "demo-resident-1", {"rating": 5})
    assert done["status"] == "confirmed" and done["points_settled"] == 30
    assert flow.balance("demo-partner-1") == partner_before + 30
    assert _available(flow) == 50  # what the work did not use is released
    assert _keys(app, rid) == [f"request:{rid}:reserve:1", f"request:{rid}:settle",
                               f"request:{rid}:reserve:1:release"]


def test_exhausted_budget_does_not_block_auto_confirm(flow, app):
    rid = flow.to_state("completed")
    _exhaust_budget(app)
    before = flow.balance("demo-partner-1")
    with time_machine.travel(utcnow() + timedelta(hours=73)):
        out = app.test_cli_runner().invoke(args=["orders", "escalate"])
    assert "'auto_confirmed': 1" in out.output and "'failed': 0" in out.output, out.output
    assert flow.get(rid)["status"] == "confirmed"
    assert flow.balance("demo-partner-1") == before + 30


def test_dispatch_refuses_when_the_budget_cannot_reserve(flow, app):
    rid = flow.create()["id"]
    _exhaust_budget(app, leave=79)
    for body in ({"partner_id": flow.partner_id()}, {"pool": True}):
        resp = flow.do(rid, "dispatch", "demo-staff-1", body, expect=409)
        assert resp["error"]["code"] == "budget_exhausted"
        assert resp["error"]["details"] == {"available": 79, "required": 80}
    detail = flow.get(rid)
    assert detail["status"] == "submitted" and detail["partner"] is None
    assert [e["action"] for e in flow.events(rid)] == ["create"]
    partner = flow.client.get(f"/api/v1/partners/{flow.partner_id()}",
                              headers=flow.h("demo-staff-1")).get_json()
    assert partner["open_tasks"] == 0
    assert _keys(app, rid) == []
    # a request nobody pays for dispatches whatever the budget
    free = flow.create("counselling", description="想找人聊聊")["id"]
    flow.do(free, "dispatch", "demo-staff-1", {"partner_id": flow.partner_id("助老")})


def test_each_dispatch_reserves_and_every_way_back_releases(flow, app):
    start = _available(flow)
    rid = flow.create()["id"]
    partner = flow.partner_id()
    staff = "demo-staff-1"
    flow.do(rid, "dispatch", staff, {"partner_id": partner})                       # 1
    flow.do(rid, "decline", "demo-partner-1", {"reason": "没空"})
    assert _available(flow) == start
    flow.do(rid, "dispatch", staff, {"pool": True})                                 # 2
    assert _available(flow) == start - 80
    flow.do(rid, "recall", staff)
    assert _available(flow) == start
    flow.do(rid, "dispatch", staff, {"pool": True})                                 # 3
    flow.do(rid, "dispatch", staff, {"partner_id": partner})                        # 4
    assert _available(flow) == start - 80
    with time_machine.travel(utcnow() + timedelta(hours=13)):
        app.test_cli_runner().invoke(args=["orders", "escalate"])
    assert flow.get(rid)["status"] == "submitted"
    assert _available(flow) == start
    flow.do(rid, "dispatch", staff, {"partner_id": partner})                        # 5
    flow.do(rid, "accept", "demo-partner-1")
    flow.do(rid, "cancel", "demo-resident-1", {"reason": "自己修好了"})
    assert _available(flow) == start
    r = f"request:{rid}:reserve"
    assert _keys(app, rid) == [f"{r}:1", f"{r}:1:release", f"{r}:2", f"{r}:2:release",
                               f"{r}:3", f"{r}:3:release", f"{r}:4", f"{r}:4:release",
                               f"{r}:5", f"{r}:5:release"]
    admin = flow.client.get("/api/v1/timebank/verify", headers=flow.h("demo-admin"))
    assert admin.get_json()["ok"] is True


def test_resolve_cancel_releases_the_reservation(flow, app):
    start = _available(flow)
    rid = flow.to_state("disputed")
    assert _available(flow) == start - 80
    flow.do(rid, "resolve", "demo-staff-1", {"outcome": "cancel"})
    assert _available(flow) == start
