"""The service loop through the API: 点单 → 派单 → 接单 → 服务 → 确认 → 积分."""
import pytest
import sqlalchemy as sa

STATES = ["submitted", "dispatched", "pooled", "accepted", "in_service", "completed",
          "confirmed", "disputed", "cancelled"]
BEFORE_SERVICE = {"submitted", "dispatched", "pooled", "accepted"}
# What the product allows a person to do, written out here rather than read from the code:
# action → role → the statuses it may be taken from.
ALLOWED = {
    "dispatch": {"staff": {"submitted", "pooled"}},
    "recall": {"staff": {"pooled"}},
    "claim": {"pool_partner": {"pooled"}},
    "accept": {"partner": {"dispatched"}},
    "decline": {"partner": {"dispatched"}},
    "start": {"assignee": {"accepted"}},
    "complete": {"assignee": {"in_service"}},
    "confirm": {"resident": {"completed"}},
    "dispute": {"resident": {"completed"}},
    "resolve": {"staff": {"disputed"}},
    "cancel": {"resident": BEFORE_SERVICE,
               "staff": BEFORE_SERVICE | {"in_service", "completed", "disputed"}},
}
ACTIONS = sorted(ALLOWED)
BODIES = {"dispatch": {"pool": True}, "decline": {"reason": "没空"},
          "complete": {"minutes": 30}, "confirm": {"rating": 4},
          "dispute": {"reason": "不满意"}, "resolve": {"outcome": "confirm"},
          "cancel": {"reason": "不要了"}}
ACTORS = ["demo-resident-1", "demo-resident-2", "demo-staff-1", "demo-staff-2",
          "demo-partner-1", "demo-partner-2"]


def test_whole_loop_settles_points_to_the_partner(flow):
    before = flow.balance("demo-partner-1")
    req = flow.create()
    assert req["status"] == "submitted" and req["deadline_at"]
    rid = req["id"]
    partner = flow.partner_id()
    assert flow.do(rid, "dispatch", "demo-staff-1", {"partner_id": partner})["status"] \
        == "dispatched"
    assert flow.do(rid, "accept", "demo-partner-1")["status"] == "accepted"
    assert flow.do(rid, "start", "demo-partner-1")["status"] == "in_service"
    done = flow.do(rid, "complete", "demo-partner-1", {"minutes": 90, "note": "换了电容"})
    assert done["status"] == "completed" and done["minutes"] == 90
    confirmed = flow.do(rid, "confirm", "demo-resident-1", {"rating": 5, "comment": "很好"})
    assert confirmed["status"] == "confirmed"
    # 家电维修 pays 20 points per hour: 90 minutes → 30 points, from the community.
    assert confirmed["points_settled"] == 30
    assert flow.balance("demo-partner-1") == before + 30
    account = flow.client.get("/api/v1/timebank/account",
                              headers=flow.h("demo-partner-1")).get_json()
    assert account["minutes_served"] == 90

    events = flow.events(rid)
    assert [e["action"] for e in events] == ["create", "dispatch", "accept", "start",
                                             "complete", "confirm"]
    assert [e["to_status"] for e in events] == ["submitted", "dispatched", "accepted",
                                                "in_service", "completed", "confirmed"]
    assert events[1]["actor"]["role"] == "staff" and events[2]["actor"]["role"] == "partner"
    assert events[-1]["data"]["points"] == 30

    entries = flow.client.get("/api/v1/timebank/entries",
                              headers=flow.h("demo-partner-1")).get_json()["items"]
    assert entries[0]["amount"] == 30 and entries[0]["kind"] == "service_credit"
    assert entries[0]["ref"] == f"request:{rid}"

    partner_view = flow.client.get(f"/api/v1/partners/{partner}",
                                   headers=flow.h("demo-staff-1")).get_json()
    assert partner_view["rating"] == 5.0 and partner_view["open_tasks"] == 0


def _roles(who, state):
    """Who plays which role on a request of demo-resident-1 for 家电维修 in community 1."""
    roles = set()
    if who == "demo-resident-1":
        roles.add("resident")
    if who == "demo-staff-1":
        roles.add("staff")
    if who == "demo-partner-1":
        if state in ("dispatched", "accepted", "in_service", "completed", "confirmed",
                     "disputed"):
            roles.add("partner")
        if state in ("accepted", "in_service", "completed", "confirmed", "disputed"):
            roles.add("assignee")
        # its partner serves 家电维修 in community 1: it may claim while it is pooled, and
        # otherwise sees (and gets 409 for) only the requests dispatched to its partner
        if state == "pooled" or roles:
            roles.add("pool_partner")
    return roles


@pytest.mark.parametrize("state", STATES)
def test_illegal_steps_are_refused_without_side_effects(flow, state):
    rid = flow.to_state(state)
    events = len(flow.events(rid))
    tried = 0
    for who in ACTORS:
        roles = _roles(who, state)
        for action in ACTIONS:
            able = [ALLOWED[action][role] for role in roles & set(ALLOWED[action])]
            if any(state in statuses for statuses in able):
                continue  # legal: covered by the flow tests
            resp = flow.client.post(f"/api/v1/requests/{rid}/{action}", headers=flow.h(who),
                                    json=BODIES.get(action, {}))
            tried += 1
            if able:
                assert resp.status_code == 409, (who, action, resp.get_json())
                err = resp.get_json()["error"]
                assert err["code"] == "invalid_transition"
                assert err["details"]["status"] == state
            else:
                assert resp.status_code in (403, 404), (who, action, resp.get_json())
    assert tried > 20
    assert flow.get(rid)["status"] == state
    assert len(flow.events(rid)) == events


def test_staff_of_another_community_cannot_dispatch(flow):
    rid = flow.create()["id"]
    resp = flow.client.post(f"/api/v1/requests/{rid}/dispatch", headers=flow.h("demo-staff-2"),
                            json={"partner_id": flow.partner_id()})
    assert resp.status_code == 404
    assert flow.get(rid)["status"] == "submitted"


def test_partner_not_assigned_cannot_accept(flow, make_user):
    rid = flow.to_state("dispatched")
    resp = flow.client.post(f"/api/v1/requests/{rid}/accept", headers=flow.h("demo-partner-2"))
    assert resp.status_code == 404
    # a member of the assigned partner who did not accept cannot start the work
    make_user("second-member", roles=[("partner_member", {"partner_id": flow.partner_id()})])
    flow.do(rid, "accept", "demo-partner-1")
    flow.do(rid, "start", "second-member", expect=403)


def test_dispatch_checks_partner_eligibility_and_capacity(flow):
    rid = flow.create()["id"]
    elder = flow.partner_id("助老")
    resp = flow.do(rid, "dispatch", "demo-staff-1", {"partner_id": elder}, expect=422)
    assert resp["error"]["code"] == "partner_not_eligible"
    flow.do(rid, "dispatch", "demo-staff-1", {}, expect=422)
    # 家电维修合作社 has capacity 3
    for _ in range(3):
        flow.to_state("dispatched")
    resp = flow.do(rid, "dispatch", "demo-staff-1", {"partner_id": flow.partner_id()},
                   expect=409)
    assert resp["error"]["code"] == "partner_at_capacity"


def test_decline_returns_to_queue_and_tells_staff(flow):
    rid = flow.to_state("dispatched")
    flow.do(rid, "decline", "demo-partner-1", {}, expect=422)
    back = flow.do(rid, "decline", "demo-partner-1", {"reason": "师傅生病"})
    assert back["status"] == "submitted" and back["partner"] is None
    inbox = flow.client.get("/api/v1/notifications",
                            headers=flow.h("demo-staff-1")).get_json()["items"]
    assert inbox[0]["kind"] == "declined" and inbox[0]["ref"] == f"request:{rid}"


def test_pool_claim(flow):
    rid = flow.to_state("pooled")
    pool = flow.client.get("/api/v1/requests?scope=pool",
                           headers=flow.h("demo-partner-1")).get_json()["items"]
    assert [r["id"] for r in pool] == [rid]
    assert flow.client.get("/api/v1/requests?scope=pool",
                           headers=flow.h("demo-partner-2")).get_json()["items"] == []
    flow.do(rid, "claim", "demo-partner-2", expect=404)
    claimed = flow.do(rid, "claim", "demo-partner-1")
    assert claimed["status"] == "accepted" and claimed["partner"]["id"] == flow.partner_id()
    flow.do(rid, "claim", "demo-partner-1", expect=409)


def test_dispute_and_resolve_outcomes(flow):
    before = flow.balance("demo-partner-1")
    rid = flow.to_state("disputed")
    redo = flow.do(rid, "resolve", "demo-staff-1", {"outcome": "redo", "note": "上门返修"})
    assert redo["status"] == "in_service"
    flow.do(rid, "complete", "demo-partner-1", {"minutes": 60})
    flow.do(rid, "dispute", "demo-resident-1", {"reason": "仍有问题"})
    done = flow.do(rid, "resolve", "demo-staff-1", {"outcome": "confirm", "minutes": 120})
    assert done["status"] == "confirmed" and done["points_settled"] == 40
    assert flow.balance("demo-partner-1") == before + 40
    rid2 = flow.to_state("disputed")
    assert flow.do(rid2, "resolve", "demo-staff-1", {"outcome": "cancel"})["status"] \
        == "cancelled"
    assert flow.balance("demo-partner-1") == before + 40


def test_cancel_rules(flow):
    rid = flow.to_state("in_service")
    flow.do(rid, "cancel", "demo-resident-1", {"reason": "x"}, expect=409)
    assert flow.do(rid, "cancel", "demo-staff-1", {"reason": "居民外出"})["status"] \
        == "cancelled"
    partner = flow.client.get(f"/api/v1/partners/{flow.partner_id()}",
                              headers=flow.h("demo-staff-1")).get_json()
    assert partner["open_tasks"] == 0


def test_resident_paid_request_holds_and_releases_escrow(flow):
    start = flow.balance("demo-resident-1")
    # 代买代办: resident pays 10 points/hour, at most 120 minutes → 20 points held
    req = flow.create("errand", description="帮忙买药")
    assert req["held_points"] == 20
    assert flow.balance("demo-resident-1") == start - 20
    flow.do(req["id"], "cancel", "demo-resident-1", {"reason": "家人买了"})
    assert flow.balance("demo-resident-1") == start

    partner_before = flow.balance("demo-partner-2")
    rid = flow.create("errand", description="帮忙买菜")["id"]
    flow.do(rid, "dispatch", "demo-staff-1", {"partner_id": flow.partner_id("助老")})
    flow.do(rid, "accept", "demo-partner-2")
    flow.do(rid, "start", "demo-partner-2")
    flow.do(rid, "complete", "demo-partner-2", {"minutes": 30})
    flow.do(rid, "complete", "demo-partner-2", {"minutes": 30}, expect=409)
    done = flow.do(rid, "confirm", "demo-resident-1", {"rating": 4})
    assert done["points_settled"] == 5
    assert flow.balance("demo-resident-1") == start - 5
    assert flow.balance("demo-partner-2") == partner_before + 5


def test_resident_paid_request_needs_the_points(flow, make_user, app):
    import sqlalchemy as sa

    from app.community.models import HouseholdBinding
    from app.extensions import db

    uid = make_user("poor-resident")
    with app.app_context():
        db.session.add(HouseholdBinding(user_id=uid, household_id=1, community_id=1,
                                        status="approved"))
        db.session.commit()
    resp = flow.create("errand", who="poor-resident", expect=409)
    assert resp["error"]["code"] == "insufficient_points"
    from app.orders.models import ServiceRequest

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceRequest)) == 0


def test_complete_minutes_are_bounded(flow):
    rid = flow.to_state("in_service")
    resp = flow.do(rid, "complete", "demo-partner-1", {"minutes": 241}, expect=422)
    assert "minutes" in resp["error"]["details"]["fields"]
    flow.do(rid, "complete", "demo-partner-1", {"minutes": 0}, expect=422)


def test_create_needs_own_household(flow):
    other = flow.household("demo-resident-3")
    resp = flow.client.post("/api/v1/requests", headers=flow.keyed("demo-resident-1"), json={
        "category_id": flow.category("errand"), "household_id": other, "description": "帮我买菜"})
    assert resp.status_code == 404
    resp = flow.client.post("/api/v1/requests", headers=flow.keyed("demo-resident-1"), json={
        "category_id": 999, "household_id": flow.household("demo-resident-1"),
        "description": "帮我买菜"})
    assert resp.status_code == 404
    resp = flow.client.post("/api/v1/requests", headers=flow.keyed("demo-resident-1"), json={
        "category_id": flow.category("errand"), "household_id": flow.household("demo-resident-1"),
        "description": "x" * 10_000})
    assert resp.status_code == 422


def test_retried_order_and_confirm_with_idempotency_key(flow):
    """A resident's phone retries on a flaky network: one request, one settlement."""
    body = {"category_id": flow.category("appliance_repair"),
            "household_id": flow.household("demo-resident-1"), "description": "门铃坏了"}
    headers = {**flow.h("demo-resident-1"), "Idempotency-Key": "order-1"}
    first = flow.client.post("/api/v1/requests", headers=headers, json=body)
    again = flow.client.post("/api/v1/requests", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert first.get_json()["id"] == again.get_json()["id"]
    mine = flow.client.get("/api/v1/requests?scope=mine", headers=flow.h("demo-resident-1"))
    assert len(mine.get_json()["items"]) == 1

    rid = flow.to_state("completed")
    before = flow.balance("demo-partner-1")
    confirm = {**flow.h("demo-resident-1"), "Idempotency-Key": f"confirm-{rid}"}
    answers = [flow.client.post(f"/api/v1/requests/{rid}/confirm", headers=confirm,
                                json={"rating": 5}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert flow.balance("demo-partner-1") == before + 30
    other = flow.client.post(f"/api/v1/requests/{rid}/confirm", headers=confirm,
                             json={"rating": 4})
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"


def test_order_creation_requires_an_idempotency_key(flow, app):
    from app.extensions import db
    from app.orders.models import ServiceRequest

    body = {"category_id": flow.category("appliance_repair"),
            "household_id": flow.household("demo-resident-1"), "description": "门铃坏了"}
    for _ in range(2):
        resp = flow.client.post("/api/v1/requests", headers=flow.h("demo-resident-1"), json=body)
        assert resp.status_code == 422
        assert resp.get_json()["error"]["code"] == "idempotency_key_required"
    assert flow.client.post("/api/v1/requests", json=body).status_code == 401
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceRequest)) == 0


@pytest.mark.parametrize("state", ["submitted", "dispatched", "accepted", "cancelled"])
def test_claim_of_a_request_not_pooled_for_the_caller_is_404(flow, state, make_user, app):
    """A partner serving the category and community learns nothing of a request that is not
    pooled: not even its status."""
    from app.catalog.models import Partner
    from app.extensions import db

    with app.app_context():
        rival = Partner(name="另一维修队", kind="unit", capacity=5)
        first = db.session.get(Partner, flow.partner_id())
        rival.categories = list(first.categories)
        rival.communities = list(first.communities)
        db.session.add(rival)
        db.session.commit()
        rival_id = rival.id
    make_user("rival-member", roles=[("partner_member", {"partner_id": rival_id})])
    rid = flow.to_state(state)
    resp = flow.do(rid, "claim", "rival-member", expect=404)
    assert resp["error"]["code"] == "not_found" and "status" not in resp["error"]["details"]
    assert flow.client.get(f"/api/v1/requests/{rid}",
                           headers=flow.h("rival-member")).status_code == 404
    pooled = flow.to_state("pooled")
    assert flow.do(pooled, "claim", "rival-member")["partner"]["id"] == rival_id


def _join_partner(app, openid, partner_id):
    """Make an existing user (e.g. a resident) a member of a partner too."""
    from app.auth.models import RoleGrant, User
    from app.extensions import db

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.openid == openid))
        db.session.add(RoleGrant(user_id=user.id, role="partner_member", partner_id=partner_id))
        db.session.commit()
        return user.id


def test_a_resident_who_is_a_partner_member_cannot_take_their_own_order(flow, app):
    partner = flow.partner_id()
    _join_partner(app, "demo-resident-1", partner)
    rid = flow.create()["id"]
    flow.do(rid, "dispatch", "demo-staff-1", {"partner_id": partner})
    resp = flow.do(rid, "accept", "demo-resident-1", expect=403)
    assert resp["error"]["code"] == "self_dealing"
    assert flow.get(rid)["status"] == "dispatched"
    pooled = flow.to_state("pooled")
    resp = flow.do(pooled, "claim", "demo-resident-1", expect=403)
    assert resp["error"]["code"] == "self_dealing"
    assert flow.get(pooled)["status"] == "pooled"
    # another member of the partner may take it
    assert flow.do(rid, "accept", "demo-partner-1")["assignee_id"] != flow.get(rid)[
        "resident"]["id"]


def test_a_self_served_order_cannot_be_confirmed_by_its_resident(flow, app):
    from app.extensions import db
    from app.orders.models import ServiceRequest

    rid = flow.to_state("completed")
    resident = _join_partner(app, "demo-resident-1", flow.partner_id())
    with app.app_context():  # as a request taken before the guard existed would be
        db.session.get(ServiceRequest, rid).assignee_id = resident
        db.session.commit()
    before = flow.balance("demo-resident-1")
    resp = flow.do(rid, "confirm", "demo-resident-1", {"rating": 5}, expect=403)
    assert resp["error"]["code"] == "self_dealing"
    assert flow.get(rid)["status"] == "completed"
    assert flow.balance("demo-resident-1") == before
    partner = flow.client.get(f"/api/v1/partners/{flow.partner_id()}",
                              headers=flow.h("demo-staff-1")).get_json()
    assert partner["rating"] is None


def test_a_member_rating_their_own_partner_never_counts(flow, app):
    partner = flow.partner_id()
    rid = flow.to_state("completed")  # served by demo-partner-1
    _join_partner(app, "demo-resident-1", partner)
    confirmed = flow.do(rid, "confirm", "demo-resident-1", {"rating": 5})
    assert confirmed["status"] == "confirmed" and confirmed["points_settled"] == 30
    assert flow.events(rid)[-1]["data"]["rating_counted"] is False
    view = flow.client.get(f"/api/v1/partners/{partner}", headers=flow.h("demo-staff-1"))
    assert view.get_json()["rating"] is None
