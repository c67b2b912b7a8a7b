"""Ordering without typing (preset phrases, the 4-character rule, the community's service
phone) and 代下单: staff of the community or a family member bound to the household order on
a resident's behalf, with the resident's consent; a resident-paid one waits for the
resident's own agreement unless staff noted the call."""
import concurrent.futures as cf
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
import time_machine

from app.common.timeutil import utcnow

REQUESTS = "/api/v1/requests"


@pytest.fixture
def family(flow, app):
    """小张, bound as family (approved) to 张阿姨's household."""
    from app.auth.models import User
    from app.community.models import HouseholdBinding
    from app.extensions import db

    household = flow.household("demo-resident-1")
    with app.app_context():
        if not db.session.scalar(sa.select(User.id).where(User.openid == "family-x")):
            user = User(openid="family-x", nickname="小张")
            db.session.add(user)
            db.session.flush()
            db.session.add(HouseholdBinding(user_id=user.id, household_id=household,
                                            relation="family", status="approved",
                                            community_id=1))
            db.session.commit()
    return "family-x"


def _user_id(flow, who):
    return flow.client.get("/api/v1/me", headers=flow.h(who)).get_json()["id"]


def _proxy(flow, who, code="appliance_repair", consent=None, resident="demo-resident-1",
           key=None, expect=201, **body):
    payload = {"category_id": flow.category(code), "household_id": flow.household(resident),
               "description": "空调不制冷了", "for_user_id": _user_id(flow, resident),
               "consent": consent or {"kind": "phone_call", "note": "上午十点电话确认"},
               **body}
    headers = {**flow.h(who), "Idempotency-Key": key} if key else flow.keyed(who)
    resp = flow.client.post(REQUESTS, headers=headers, json=payload)
    assert resp.status_code == expect, resp.get_json()
    return resp.get_json()


def _count(app, model):
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# -- ordering without typing ------------------------------------------------------------
def test_categories_carry_phrases_and_a_phrase_stands_in_for_the_description(flow):
    cats = flow.client.get("/api/v1/categories", headers=flow.h("demo-resident-1")).get_json()
    plumbing = next(c for c in cats["items"] if c["code"] == "plumbing")
    assert "水龙头漏水" in plumbing["phrases"]

    body = {"category_id": plumbing["id"], "household_id": flow.household("demo-resident-1")}
    short = flow.client.post(REQUESTS, headers=flow.keyed("demo-resident-1"),
                             json={**body, "description": "漏水"})
    assert short.status_code == 422
    assert "description" in short.get_json()["error"]["details"]["fields"]

    tapped = flow.client.post(REQUESTS, headers=flow.keyed("demo-resident-1"),
                              json={**body, "phrase": "水龙头漏水"})
    assert tapped.status_code == 201, tapped.get_json()
    assert tapped.get_json()["description"] == "水龙头漏水"
    with_words = flow.client.post(REQUESTS, headers=flow.keyed("demo-resident-1"),
                                  json={**body, "phrase": "水龙头漏水", "description": "厨房"})
    assert with_words.get_json()["description"] == "水龙头漏水；厨房"

    other = flow.client.post(REQUESTS, headers=flow.keyed("demo-resident-1"),
                             json={**body, "phrase": "空调不制冷"})  # another category's
    assert other.status_code == 422
    assert "phrase" in other.get_json()["error"]["details"]["fields"]


def test_admin_edits_phrases_of_a_category(flow):
    cid = flow.category("haircut")
    resp = flow.client.patch(f"/api/v1/categories/{cid}", headers=flow.h("demo-admin"),
                             json={"phrases": ["上门理发", "剃光头"]})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["phrases"] == ["上门理发", "剃光头"]
    too_many = flow.client.patch(f"/api/v1/categories/{cid}", headers=flow.h("demo-admin"),
                                 json={"phrases": [f"常用语{i}" for i in range(13)]})
    assert too_many.status_code == 422


def test_community_shows_its_service_phone_and_an_admin_sets_it(flow):
    community = flow.client.get("/api/v1/communities/1", headers=flow.h("demo-resident-1"))
    assert community.get_json()["service_phone"] == "023-49210001"
    resp = flow.client.patch("/api/v1/communities/1/limits", headers=flow.h("demo-admin"),
                             json={"service_phone": "023-49219999"})
    assert resp.status_code == 200 and resp.get_json()["service_phone"] == "023-49219999"
    bad = flow.client.patch("/api/v1/communities/1/limits", headers=flow.h("demo-admin"),
                            json={"service_phone": "call me"})
    assert bad.status_code == 422
    refused = flow.client.patch("/api/v1/communities/1/limits", headers=flow.h("demo-staff-1"),
                                json={"service_phone": "023-1"})
    assert refused.status_code == 403


# -- 代下单 ---------------------------------------------------------------------------
def test_staff_order_for_a_resident_who_phoned_is_on_the_timeline_and_in_her_list(flow):
    req = _proxy(flow, "demo-staff-1")
    assert req["status"] == "submitted"
    assert req["placed_by"]["placed_as"] == "staff"
    assert req["placed_by"]["id"] == _user_id(flow, "demo-staff-1")
    assert req["consent"] == {"kind": "phone_call", "note": "上午十点电话确认"}
    assert req["resident"]["id"] == _user_id(flow, "demo-resident-1")

    first = flow.events(req["id"])[0]
    assert first["action"] == "create" and first["actor"]["role"] == "placer"
    assert first["data"]["consent"] == "phone_call"
    assert first["data"]["for_user_id"] == _user_id(flow, "demo-resident-1")

    mine = flow.client.get(f"{REQUESTS}?scope=mine",
                           headers=flow.h("demo-resident-1")).get_json()["items"]
    assert [r["id"] for r in mine] == [req["id"]]
    assert mine[0]["placed_by"]["placed_as"] == "staff"
    placed = flow.client.get(f"{REQUESTS}?scope=placed",
                             headers=flow.h("demo-staff-1")).get_json()["items"]
    assert [r["id"] for r in placed] == [req["id"]]
    inbox = flow.client.get("/api/v1/notifications",
                            headers=flow.h("demo-resident-1")).get_json()["items"]
    assert any(n["title"] == "有人为您代下单" for n in inbox)

    # the resident cancels it; whoever placed it hears of it
    flow.do(req["id"], "cancel", "demo-resident-1", {"reason": "已经修好了"})
    assert flow.get(req["id"])["status"] == "cancelled"
    inbox = flow.client.get("/api/v1/notifications",
                            headers=flow.h("demo-staff-1")).get_json()["items"]
    assert any(n["ref"] == f"request:{req['id']}" and n["kind"] == "cancelled" for n in inbox)


def test_a_resident_paid_proxy_order_waits_for_the_residents_own_agreement(flow, family):
    before = flow.balance("demo-resident-1")
    req = _proxy(flow, family, code="errand", consent={"kind": "family"})
    assert req["status"] == "proposed" and req["held_points"] == 0
    assert req["placed_by"]["placed_as"] == "family"
    assert flow.balance("demo-resident-1") == before  # nothing held without her yes
    # nothing moves before she agrees: staff cannot dispatch, the placer cannot agree for her
    flow.do(req["id"], "dispatch", "demo-staff-1", {"pool": True}, expect=409)
    flow.do(req["id"], "agree", family, expect=403)

    agreed = flow.do(req["id"], "agree", "demo-resident-1")
    assert agreed["status"] == "submitted" and agreed["held_points"] > 0
    assert flow.balance("demo-resident-1") == before - agreed["held_points"]
    assert agreed["deadline_at"] is not None
    flow.do(req["id"], "agree", "demo-resident-1", expect=409)
    assert [e["action"] for e in flow.events(req["id"])] == ["create", "agree"]

    # whoever placed it may take it back before the service; the hold comes back once
    flow.do(req["id"], "cancel", family, {"reason": "妈妈说不用了"})
    assert flow.balance("demo-resident-1") == before


def test_staffs_note_of_the_call_stands_for_the_residents_agreement(flow):
    before = flow.balance("demo-resident-1")
    noted = _proxy(flow, "demo-staff-1", code="errand")
    assert noted["status"] == "submitted" and noted["held_points"] > 0
    assert flow.balance("demo-resident-1") == before - noted["held_points"]
    unnoted = _proxy(flow, "demo-staff-1", code="errand", consent={"kind": "phone_call"})
    assert unnoted["status"] == "proposed" and unnoted["consent"]["note"] is None
    # a proposed order is cancelled by the resident with nothing to give back
    flow.do(unnoted["id"], "cancel", "demo-resident-1", {"reason": "不需要"})
    assert flow.balance("demo-resident-1") == before - noted["held_points"]


def test_a_stranger_or_staff_of_another_community_cannot_order_on_someones_behalf(
        flow, app, make_user, family):
    from app.orders.models import ServiceRequest

    make_user("stranger-1")
    before = _count(app, ServiceRequest)
    _proxy(flow, "stranger-1", expect=404)
    _proxy(flow, "demo-staff-2", expect=404)  # staff, but of 昌达街社区
    _proxy(flow, "demo-resident-3", expect=404)  # a resident of another household
    # a family member of one household cannot order for another household's resident
    _proxy(flow, family, resident="demo-resident-2", consent={"kind": "family"}, expect=404)
    # staff may not claim the family's consent; the resident must be bound to the household
    _proxy(flow, "demo-staff-1", consent={"kind": "family"}, expect=422)
    wrong = flow.client.post(REQUESTS, headers=flow.keyed("demo-staff-1"), json={
        "category_id": flow.category("plumbing"), "household_id": flow.household("demo-resident-1"),
        "description": "水管漏水了", "for_user_id": _user_id(flow, "demo-resident-3"),
        "consent": {"kind": "phone_call", "note": "电话"}})
    assert wrong.status_code == 422
    assert "for_user_id" in wrong.get_json()["error"]["details"]["fields"]
    no_consent = flow.client.post(REQUESTS, headers=flow.keyed("demo-staff-1"), json={
        "category_id": flow.category("plumbing"), "household_id": flow.household("demo-resident-1"),
        "description": "水管漏水了", "for_user_id": _user_id(flow, "demo-resident-1")})
    assert no_consent.status_code == 422
    assert _count(app, ServiceRequest) == before


def test_proxy_order_is_idempotent_and_only_its_parties_see_it(flow, make_user):
    first = _proxy(flow, "demo-staff-1", key="proxy-1")
    again = _proxy(flow, "demo-staff-1", key="proxy-1")
    assert first["id"] == again["id"]
    placed = flow.client.get(f"{REQUESTS}?scope=placed",
                             headers=flow.h("demo-staff-1")).get_json()["items"]
    assert len(placed) == 1
    make_user("stranger-2")
    seen = flow.client.get(f"{REQUESTS}/{first['id']}", headers=flow.h("stranger-2"))
    assert seen.status_code == 404
    assert flow.client.get(f"{REQUESTS}?scope=placed",
                           headers=flow.h("stranger-2")).get_json()["items"] == []
    # a partner sees the order but not the note of the call
    p = flow.partner_id("家电")
    flow.do(first["id"], "dispatch", "demo-staff-1", {"partner_id": p})
    task = flow.client.get(f"{REQUESTS}/{first['id']}", headers=flow.h("demo-partner-1"))
    assert task.get_json()["consent"] == {"kind": "phone_call", "note": None}


@pytest.mark.postgres
def test_agree_racing_cancel_holds_and_releases_once(flow, family, live_server):
    """The resident taps 确认 on one phone while the family cancels on another: one of them
    wins, and the resident's points are held and given back at most once each."""
    from tests.orders.test_concurrency import _login

    before = flow.balance("demo-resident-1")
    rid = _proxy(flow, family, code="errand", consent={"kind": "family"})["id"]
    resident = [_login(live_server, "demo-resident-1", 300 + i) for i in range(4)]
    placer = [_login(live_server, family, 400 + i) for i in range(4)]

    def step(pair):
        i, (action, h) = pair
        body = {"reason": "不用了"} if action == "cancel" else {}
        return action, requests.post(f"{live_server}{REQUESTS}/{rid}/{action}",
                                     headers={**h, "Idempotency-Key": f"race-{i}"},
                                     json=body, timeout=30).status_code

    jobs = list(enumerate([("agree", h) for h in resident] + [("cancel", h) for h in placer]))
    with cf.ThreadPoolExecutor(len(jobs)) as pool:
        answers = list(pool.map(step, jobs))
    final = flow.get(rid)["status"]
    wins = [a for a, code in answers if code == 200]
    assert all(code in (200, 409) for _, code in answers), answers
    if final == "cancelled":
        assert wins.count("cancel") == 1 and wins.count("agree") <= 1
        assert flow.balance("demo-resident-1") == before
    else:
        assert final == "submitted" and wins == ["agree"]
        assert flow.balance("demo-resident-1") == before - flow.get(rid)["held_points"]
    actions = [e["action"] for e in flow.events(rid)]
    assert actions.count("agree") <= 1 and actions.count("cancel") <= 1


# -- a proposal nobody agreed to expires ------------------------------------------------
def _escalate(app, hours):
    with time_machine.travel(utcnow() + timedelta(hours=hours)):
        return app.test_cli_runner().invoke(args=["orders", "escalate"]).output


def _inbox(flow, who, rid):
    items = flow.client.get("/api/v1/notifications", headers=flow.h(who)).get_json()["items"]
    return [(n["kind"], n["title"]) for n in items if n["ref"] == f"request:{rid}"]


def test_a_proposal_not_agreed_in_48_hours_is_cancelled_by_the_system(flow, app, family):
    before = flow.balance("demo-resident-1")
    req = _proxy(flow, family, code="errand", consent={"kind": "family"})
    assert req["status"] == "proposed" and req["deadline_at"] is not None  # when it lapses

    assert "'proposal_expired': 0" in _escalate(app, 47)
    assert flow.get(req["id"])["status"] == "proposed"
    out, again = _escalate(app, 49), _escalate(app, 49)
    assert "'proposal_expired': 1" in out and "'proposal_expired': 0" in again  # once
    assert flow.get(req["id"])["status"] == "cancelled"
    events = flow.events(req["id"])
    assert [e["action"] for e in events] == ["create", "expire"]
    last = events[-1]
    assert (last["from_status"], last["to_status"], last["actor"]) == \
        ("proposed", "cancelled", {"id": None, "role": "system"})
    assert last["data"]["hours"] == 48
    assert flow.balance("demo-resident-1") == before  # nothing was held, nothing moved
    assert ("cancelled", "居民未确认代下单，已自动取消") in _inbox(flow, family, req["id"])
    assert ("cancelled", "代下单未确认，已自动取消") in _inbox(flow, "demo-resident-1", req["id"])
    # too late to agree now
    flow.do(req["id"], "agree", "demo-resident-1", expect=409)


def test_the_proposal_window_is_configured_and_agreed_or_other_orders_never_expire(
        flow, app, family, monkeypatch):
    from app.extensions import db
    from app.orders.models import ServiceRequest

    monkeypatch.setitem(app.config, "PROPOSAL_EXPIRY_HOURS", 2)
    lapsing = _proxy(flow, family, code="errand", consent={"kind": "family"})["id"]
    agreed = _proxy(flow, family, code="errand", consent={"kind": "family"})["id"]
    held = flow.do(agreed, "agree", "demo-resident-1")["held_points"]
    # a proposal made before proposals had a deadline lapses by its age
    legacy = _proxy(flow, family, code="errand", consent={"kind": "family"})["id"]
    with app.app_context():
        db.session.get(ServiceRequest, legacy).deadline_at = None
        db.session.commit()
    staff_noted = _proxy(flow, "demo-staff-1", code="errand")["id"]  # submitted at once
    before = flow.balance("demo-resident-1")

    assert "'proposal_expired': 2" in _escalate(app, 3)
    assert [flow.get(r)["status"] for r in (lapsing, legacy, agreed, staff_noted)] == \
        ["cancelled", "cancelled", "submitted", "submitted"]
    assert flow.balance("demo-resident-1") == before  # the agreed order still holds its points
    assert flow.get(agreed)["held_points"] == held


def test_staff_see_proposals_waiting_for_the_resident_as_a_queue(flow, family):
    waiting = _proxy(flow, family, code="errand", consent={"kind": "family"})["id"]
    _proxy(flow, "demo-staff-1")  # submitted at once
    page = flow.client.get(f"{REQUESTS}?scope=community&status=proposed",
                           headers=flow.h("demo-staff-1"))
    assert page.status_code == 200, page.get_json()
    items = page.get_json()["items"]
    assert [(r["id"], r["status"]) for r in items] == [(waiting, "proposed")]
    assert items[0]["placed_by"]["placed_as"] == "family" and items[0]["deadline_at"]
    other = flow.client.get(f"{REQUESTS}?scope=community&status=proposed&community_id=1",
                            headers=flow.h("demo-staff-2"))
    assert other.status_code == 403  # staff of another community


@pytest.mark.postgres
def test_agree_racing_the_expiry_has_one_winner(flow, app, family, live_server):
    """The resident taps 确认 just as the job cancels the lapsed proposal: either it is
    agreed (points held once, no expiry) or cancelled by the system (nothing held)."""
    from app.extensions import db
    from app.orders.jobs import escalate
    from app.orders.models import RequestEvent, ServiceRequest
    from tests.orders.test_concurrency import _login

    before = flow.balance("demo-resident-1")
    rid = _proxy(flow, family, code="errand", consent={"kind": "family"})["id"]
    with app.app_context():
        req = db.session.get(ServiceRequest, rid)
        req.deadline_at = utcnow() - timedelta(seconds=1)  # lapsed a moment ago
        db.session.commit()
    resident = [_login(live_server, "demo-resident-1", 500 + i) for i in range(5)]

    def agree(h):
        return requests.post(f"{live_server}{REQUESTS}/{rid}/agree", headers=h, json={},
                             timeout=30).status_code

    def expire(_):
        with app.app_context():
            try:
                return escalate()["proposal_expired"]
            finally:
                db.session.remove()

    with cf.ThreadPoolExecutor(8) as pool:
        agrees = [pool.submit(agree, h) for h in resident]
        expiries = [pool.submit(expire, i) for i in range(3)]
        codes = [f.result() for f in agrees]
        expired = [f.result() for f in expiries]
    assert set(codes) <= {200, 409}, codes
    assert codes.count(200) + sum(expired) == 1, (codes, expired)
    with app.app_context():
        actions = db.session.scalars(sa.select(RequestEvent.action).where(
            RequestEvent.request_id == rid).order_by(RequestEvent.id)).all()
    final = flow.get(rid)
    if sum(expired):
        assert final["status"] == "cancelled" and actions == ["create", "expire"]
        assert flow.balance("demo-resident-1") == before
    else:
        assert final["status"] == "submitted" and actions == ["create", "agree"]
        assert flow.balance("demo-resident-1") == before - final["held_points"]
