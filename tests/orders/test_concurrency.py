"""Races on PostgreSQL with real parallel requests against several gunicorn workers."""
import concurrent.futures as cf
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

pytestmark = pytest.mark.postgres


def _login(base, openid, n):
    resp = requests.post(f"{base}/api/v1/auth/wechat-login",
                         json={"code": f"test:{openid}@c{n}"}, timeout=10)
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['token']}"}


def test_concurrent_pool_claims_have_one_winner(flow, live_server, make_user):
    partner = flow.partner_id()
    members = [f"claimer-{i}" for i in range(12)]
    for m in members:
        make_user(m, roles=[("partner_member", {"partner_id": partner})])
    rid = flow.to_state("pooled")
    headers = [_login(live_server, m, i) for i, m in enumerate(members)]

    def claim(h):
        return requests.post(f"{live_server}/api/v1/requests/{rid}/claim", headers=h,
                             json={}, timeout=30)

    with cf.ThreadPoolExecutor(len(headers)) as pool:
        answers = list(pool.map(claim, headers))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * (len(members) - 1), [a.text for a in answers]
    winner = next(a for a in answers if a.status_code == 200).json()
    detail = flow.get(rid)
    assert detail["status"] == "accepted" and detail["assignee_id"] == winner["assignee_id"]
    assert [e["action"] for e in flow.events(rid)].count("claim") == 1
    partner_view = flow.client.get(f"/api/v1/partners/{partner}",
                                   headers=flow.h("demo-staff-1")).get_json()
    assert partner_view["open_tasks"] == 1


def test_confirm_racing_auto_confirm_credits_once(flow, live_server, app):
    from app.extensions import db
    from app.orders.jobs import escalate
    from app.orders.models import ServiceRequest

    before = flow.balance("demo-partner-1")
    rid = flow.to_state("completed")
    with app.app_context():
        req = db.session.get(ServiceRequest, rid)
        req.deadline_at = req.deadline_at - timedelta(hours=100)
        db.session.commit()
    resident = [_login(live_server, "demo-resident-1", 100 + i) for i in range(6)]

    def confirm(h):
        return requests.post(f"{live_server}/api/v1/requests/{rid}/confirm", headers=h,
                             json={"rating": 5}, timeout=30).status_code

    def auto(_):
        with app.app_context():
            try:
                return escalate()["auto_confirmed"]
            finally:
                db.session.remove()

    with cf.ThreadPoolExecutor(9) as pool:
        confirms = [pool.submit(confirm, h) for h in resident]
        autos = [pool.submit(auto, i) for i in range(3)]
        codes = [f.result() for f in confirms]
        auto_counts = [f.result() for f in autos]
    assert codes.count(200) + sum(auto_counts) == 1, (codes, auto_counts)
    assert set(codes) <= {200, 409}
    assert flow.get(rid)["status"] == "confirmed"
    assert flow.balance("demo-partner-1") == before + 30
    with app.app_context():
        from app.orders.models import RequestEvent

        steps = db.session.scalars(sa.select(RequestEvent.action).where(
            RequestEvent.request_id == rid, RequestEvent.to_status == "confirmed")).all()
    assert len(steps) == 1


def _one_free_place(app, partner_id):
    from app.catalog.models import Partner
    from app.extensions import db

    with app.app_context():
        partner = db.session.get(Partner, partner_id)
        partner.capacity = partner.open_tasks + 1
        db.session.commit()


def _load(app, partner_id):
    from app.catalog.models import Partner
    from app.extensions import db
    from app.orders.machine import OPEN
    from app.orders.models import ServiceRequest

    with app.app_context():
        partner = db.session.get(Partner, partner_id)
        holding = db.session.scalar(sa.select(sa.func.count()).select_from(ServiceRequest)
                                    .where(ServiceRequest.partner_id == partner_id,
                                           ServiceRequest.status.in_(OPEN)))
        return partner.open_tasks, partner.capacity, holding


def _race(calls):
    with cf.ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_concurrent_dispatches_never_exceed_capacity(flow, live_server, app):
    partner = flow.partner_id()
    rids = [flow.create(description=f"空调不制冷 {i}")["id"] for i in range(10)]
    _one_free_place(app, partner)
    staff = [_login(live_server, "demo-staff-1", 200 + i) for i in range(len(rids))]

    def dispatch(rid, h):
        return lambda: requests.post(f"{live_server}/api/v1/requests/{rid}/dispatch",
                                     headers=h, json={"partner_id": partner}, timeout=30)

    answers = _race([dispatch(rid, h) for rid, h in zip(rids, staff, strict=True)])
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * (len(rids) - 1), [a.text for a in answers]
    assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} \
        == {"partner_at_capacity"}
    assert _load(app, partner) == (1, 1, 1)
    statuses = [flow.get(rid)["status"] for rid in rids]
    assert statuses.count("dispatched") == 1 and statuses.count("submitted") == len(rids) - 1


def test_concurrent_claims_never_exceed_capacity(flow, live_server, app, make_user):
    partner = flow.partner_id()
    rids = [flow.to_state("pooled") for _ in range(10)]
    members = [f"claimer-{i}" for i in range(len(rids))]
    for m in members:
        make_user(m, roles=[("partner_member", {"partner_id": partner})])
    _one_free_place(app, partner)
    headers = [_login(live_server, m, 300 + i) for i, m in enumerate(members)]

    def claim(rid, h):
        return lambda: requests.post(f"{live_server}/api/v1/requests/{rid}/claim",
                                     headers=h, json={}, timeout=30)

    answers = _race([claim(rid, h) for rid, h in zip(rids, headers, strict=True)])
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * (len(rids) - 1), [a.text for a in answers]
    assert _load(app, partner) == (1, 1, 1)
    statuses = [flow.get(rid)["status"] for rid in rids]
    assert statuses.count("accepted") == 1 and statuses.count("pooled") == len(rids) - 1
