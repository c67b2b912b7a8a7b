"""Audiences, masking, content checks, candidates, lists and their query counts."""
import pytest
import sqlalchemy as sa


def test_partner_sees_address_only_after_accepting(flow):
    rid = flow.to_state("dispatched")
    before = flow.get(rid, "demo-partner-1")
    assert before["household"]["address"].endswith("****")
    assert "****" in before["resident"]["phone"]
    flow.do(rid, "accept", "demo-partner-1")
    after = flow.get(rid, "demo-partner-1")
    assert "101室" in after["household"]["address"]
    assert after["resident"]["phone"] == "13900000001"
    staff = flow.get(rid, "demo-staff-1")
    assert "101室" in staff["household"]["address"]


def _unmaskings(app, rid):
    from app.audit.models import AuditEntry
    from app.extensions import db

    with app.app_context():
        return [(e.actor_id, e.details["fields"]) for e in db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "unmask",
                                        AuditEntry.target_type == "request",
                                        AuditEntry.target_id == rid)
            .order_by(AuditEntry.id))]


def _full(view):
    return "101室" in view["household"]["address"] and view["resident"]["phone"] == "13900000001"


def test_only_the_assignee_sees_phone_and_address_and_only_while_working(flow, app,
                                                                         make_user):
    make_user("second-member", roles=[("partner_member", {"partner_id": flow.partner_id()})])
    rid = flow.to_state("accepted")
    seen = len(_unmaskings(app, rid))  # staff's dispatch answer and the accept answer
    assignee = flow.get(rid, "demo-partner-1")
    assert _full(assignee)
    assignee_id = assignee["assignee_id"]
    assert _unmaskings(app, rid)[seen:] == [(assignee_id, ["address", "phone"])]
    other = flow.get(rid, "second-member")  # same partner, not the assignee
    assert other["household"]["address"].endswith("****")
    assert other["resident"]["phone"] == "139****0001"
    flow.do(rid, "start", "demo-partner-1")  # the answer shows them too: audited
    assert _full(flow.get(rid, "demo-partner-1"))
    assert _unmaskings(app, rid)[seen:] == [(assignee_id, ["address", "phone"])] * 3
    flow.do(rid, "complete", "demo-partner-1", {"minutes": 30})
    done = flow.get(rid, "demo-partner-1")
    assert not _full(done) and "****" in done["resident"]["phone"]
    flow.do(rid, "confirm", "demo-resident-1", {"rating": 5})
    assert not _full(flow.get(rid, "demo-partner-1"))
    assert not _full(flow.get(rid, "second-member"))
    assert _full(flow.get(rid, "demo-resident-1"))  # their own data: not an unmasking
    assert len(_unmaskings(app, rid)) == seen + 3
    staff_id = flow.client.get("/api/v1/me", headers=flow.h("demo-staff-1")).get_json()["id"]
    assert _full(flow.get(rid, "demo-staff-1"))
    assert _unmaskings(app, rid)[-1] == (staff_id, ["address", "phone"])


def test_partner_gets_the_buildings_position_with_the_address(flow, app):
    from app.community.models import Household
    from app.extensions import db

    rid = flow.to_state("dispatched")
    with app.app_context():
        household = db.session.get(Household, flow.household("demo-resident-1"))
        household.building.lat, household.building.lng = 29.3372, 105.2926
        db.session.commit()
    before = flow.get(rid, "demo-partner-1")["household"]
    assert before["lat"] is None and before["lng"] is None
    flow.do(rid, "accept", "demo-partner-1")
    after = flow.get(rid, "demo-partner-1")["household"]
    assert (after["lat"], after["lng"]) == (29.3372, 105.2926)


def test_lists_mask_for_everyone(flow):
    rid = flow.to_state("accepted")
    for who, scope in (("demo-resident-1", "mine"), ("demo-staff-1", "community"),
                       ("demo-partner-1", "assigned")):
        body = flow.client.get(f"/api/v1/requests?scope={scope}", headers=flow.h(who))
        text = body.get_data(as_text=True)
        assert "13900000001" not in text and "101室" not in text
        assert [r["id"] for r in body.get_json()["items"]] == [rid]


def test_outsiders_cannot_see_a_request(flow):
    rid = flow.to_state("accepted")
    for who in ("demo-resident-2", "demo-staff-2", "demo-partner-2"):
        for path in (f"/api/v1/requests/{rid}", f"/api/v1/requests/{rid}/events"):
            resp = flow.client.get(path, headers=flow.h(who))
            assert resp.status_code == 404, (who, path)
            assert "空调" not in resp.get_data(as_text=True)
    assert flow.client.get("/api/v1/requests?scope=community",
                           headers=flow.h("demo-resident-1")).status_code == 403
    assert flow.client.get("/api/v1/requests?scope=assigned",
                           headers=flow.h("demo-resident-1")).status_code == 403
    assert flow.client.get("/api/v1/requests?scope=community&community_id=1",
                           headers=flow.h("demo-staff-2")).status_code == 403


def test_flagged_text_is_refused_and_nothing_is_written(flow, app):
    from app.extensions import db
    from app.orders.models import ServiceRequest

    resp = flow.create(description="这里有违禁词", expect=422)
    assert resp["error"]["code"] == "content_rejected"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceRequest)) == 0
    rid = flow.to_state("in_service")
    resp = flow.do(rid, "complete", "demo-partner-1", {"minutes": 30, "note": "违禁词"},
                   expect=422)
    assert flow.get(rid)["status"] == "in_service"


def test_text_is_held_when_the_check_is_down(flow):
    req = flow.create(description="水管漏水 [wechat-down]")
    rid = req["id"]
    assert req["content_held"] is True
    assert "水管" in flow.get(rid, "demo-staff-1")["description"]
    resp = flow.do(rid, "dispatch", "demo-staff-1", {"pool": True}, expect=409)
    assert resp["error"]["code"] == "content_under_review"
    flow.client.post(f"/api/v1/requests/{rid}/content/approve", headers=flow.h("demo-staff-1"))
    flow.do(rid, "dispatch", "demo-staff-1", {"pool": True})
    assert "水管" in flow.get(rid, "demo-partner-1")["description"]

    rid2 = flow.to_state("dispatched")
    flow.do(rid2, "decline", "demo-partner-1", {"reason": "没空 [wechat-down]"})
    notes = [e["note"] for e in flow.events(rid2, "demo-resident-1")]
    assert "（内容审核中）" in notes
    assert any(n and "没空" in n for n in (e["note"] for e in flow.events(rid2)))


def test_candidates_rank_with_reasons(flow, app):
    from app.catalog.models import Partner
    from app.extensions import db

    rid = flow.create()["id"]
    with app.app_context():
        other = Partner(name="第二家电维修队", kind="unit", capacity=5, rating_sum=0,
                        rating_count=0, home_community_id=2)
        first = db.session.get(Partner, flow.partner_id())
        other.categories = list(first.categories)
        other.communities = list(first.communities)
        first.rating_sum, first.rating_count = 48, 10
        db.session.add(other)
        db.session.commit()
    resp = flow.client.get(f"/api/v1/requests/{rid}/candidates", headers=flow.h("demo-staff-1"))
    items = resp.get_json()["items"]
    assert [c["name"] for c in items] == ["观湖家电维修合作社", "第二家电维修队"]
    assert items[0]["score"] > items[1]["score"]
    assert any("评分 4.8" in r for r in items[0]["reasons"])
    assert any("本社区" in r for r in items[0]["reasons"])
    assert flow.client.get(f"/api/v1/requests/{rid}/candidates",
                           headers=flow.h("demo-staff-2")).status_code == 404


def test_staff_list_puts_overdue_first_and_pages(flow, app):
    from datetime import timedelta

    from app.common.timeutil import utcnow
    from app.extensions import db
    from app.orders.models import ServiceRequest

    ids = [flow.create()["id"] for _ in range(5)]
    with app.app_context():
        late = db.session.get(ServiceRequest, ids[3])
        late.deadline_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    seen, cursor = [], None
    while True:
        url = "/api/v1/requests?scope=community&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = flow.client.get(url, headers=flow.h("demo-staff-1")).get_json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [r["id"] for r in seen][0] == ids[3] and seen[0]["overdue"] is True
    assert sorted(r["id"] for r in seen) == sorted(ids)



def test_staff_list_pages_past_requests_without_a_deadline(flow, app):
    """Finished requests have no deadline: a page ending on one gives a cursor the next page
    accepts (it was refused as 无效的游标, so the console's 加载更多 failed)."""
    from app.extensions import db
    from app.orders.models import ServiceRequest

    ids = [flow.create()["id"] for _ in range(3)]
    with app.app_context():
        for rid in ids:
            db.session.get(ServiceRequest, rid).deadline_at = None
        db.session.commit()
    seen, cursor = [], None
    while True:
        url = "/api/v1/requests?scope=community&limit=1" + (f"&cursor={cursor}" if cursor else "")
        resp = flow.client.get(url, headers=flow.h("demo-staff-1"))
        assert resp.status_code == 200, resp.get_json()
        seen += [r["id"] for r in resp.get_json()["items"]]
        cursor = resp.get_json()["next_cursor"]
        if not cursor:
            break
    assert set(ids) <= set(seen) and len(seen) == len(set(seen))

def _count_queries(app, fn):
    from sqlalchemy import event

    from app.extensions import db

    with app.app_context():
        engine = db.engine
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return len(statements)


@pytest.mark.parametrize("scope,who", [("community", "demo-staff-1"),
                                       ("mine", "demo-resident-1"),
                                       ("assigned", "demo-partner-1")])
def test_list_query_count_does_not_grow(flow, app, scope, who):
    rid = flow.to_state("accepted")
    headers = flow.h(who)
    url = f"/api/v1/requests?scope={scope}&limit=50"
    one = _count_queries(app, lambda: flow.client.get(url, headers=headers))
    with app.app_context():
        from app.extensions import db
        from app.orders.models import ServiceRequest

        template = db.session.get(ServiceRequest, rid)
        for _ in range(49):
            clone = ServiceRequest(**{c.key: getattr(template, c.key)
                                      for c in ServiceRequest.__table__.columns
                                      if c.key != "id"})
            db.session.add(clone)
        db.session.commit()
    fifty = _count_queries(app, lambda: flow.client.get(url, headers=headers))
    assert len(flow.client.get(url, headers=headers).get_json()["items"]) == 50
    assert one == fifty
    assert fifty <= 4


def test_needs_and_service_lists(flow):
    flow.create()
    flow.create("errand", description="代买东西")
    needs = flow.client.get("/api/v1/communities/1/needs",
                            headers=flow.h("demo-resident-1")).get_json()["items"]
    assert {n["code"]: n["requested"] for n in needs} == {"appliance_repair": 1, "errand": 1}
    services = flow.client.get("/api/v1/communities/1/services",
                               headers=flow.h("demo-resident-1")).get_json()["items"]
    assert {p["name"] for p in services} == {"观湖家电维修合作社", "隆昌助老服务中心"}
    cats = flow.client.get("/api/v1/categories", headers=flow.h("demo-resident-1")).get_json()
    assert {"家电维修", "助老陪护", "代买代办", "水电维修", "理发", "心理疏导"} <= {
        c["name"] for c in cats["items"]}
    partners = flow.client.get("/api/v1/partners?community_id=2",
                               headers=flow.h("demo-resident-1")).get_json()["items"]
    assert partners == []


def test_notifications_follow_the_steps(flow):
    rid = flow.to_state("completed")
    partner_inbox = flow.client.get("/api/v1/notifications",
                                    headers=flow.h("demo-partner-1")).get_json()["items"]
    assert "dispatched" in [n["kind"] for n in partner_inbox]
    resident_inbox = flow.client.get("/api/v1/notifications",
                                     headers=flow.h("demo-resident-1")).get_json()["items"]
    assert [n["kind"] for n in resident_inbox][:3] == ["completed", "started", "accepted"]
    note = resident_inbox[0]
    marked = flow.client.post(f"/api/v1/notifications/{note['id']}/read",
                              headers=flow.h("demo-resident-1")).get_json()
    assert marked["marked"] == 1 and marked["unread"] == 2
    assert flow.client.post(f"/api/v1/notifications/{note['id']}/read",
                            headers=flow.h("demo-partner-1")).status_code == 404
    flow.do(rid, "confirm", "demo-resident-1", {"rating": 5})
    inbox = flow.client.get("/api/v1/notifications?unread=true",
                            headers=flow.h("demo-partner-1")).get_json()["items"]
    assert inbox[0]["kind"] == "confirmed" and "30 积分" in inbox[0]["body"]


def test_subscribe_message_sent_after_commit_only(flow, app):
    """A step's WeChat message goes out after commit (queued with Redis, inline without);
    a refused step sends nothing."""
    from app.wechat import get_client

    with app.app_context():
        fake = get_client()
    queue = app.extensions.get("rq_queue")

    def sent():
        if queue is not None:
            return [j.args for j in queue.get_jobs()]
        return [m["template_id"] for m in fake.sent]

    rid = flow.to_state("dispatched")
    jobs = sent()
    assert jobs, "the dispatch notification was not sent or queued"
    if queue is None:
        assert "fake-dispatched" in jobs
    else:
        assert all(args[0] in ("app.notifications.service:send_subscribe_message",
                               "app.notifications.jobs:send_subscribe_messages")
                   for args in jobs)  # the demo's own items too (pushed in batches)
    flow.do(rid, "decline", "demo-partner-1", {"reason": "违禁词"}, expect=422)
    assert sent() == jobs


def test_needs_collected_on_visits_count_beside_app_orders(flow, app):
    staff = flow.h("demo-staff-1")
    flow.create()
    household = flow.household("demo-resident-2")
    url = "/api/v1/communities/1/collected-needs"
    for code, note in (("appliance_repair", "热水器老化"), ("elderly_care", "独居老人需陪护"),
                       ("elderly_care", "")):
        resp = flow.client.post(url, headers=staff, json={
            "household_id": household, "category_id": flow.category(code), "note": note})
        assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["household"]["id"] == household and body["category"]["code"] == "elderly_care"
    needs = flow.client.get("/api/v1/communities/1/needs",
                            headers=flow.h("demo-resident-1")).get_json()["items"]
    assert [(n["code"], n["requested"], n["collected"], n["total"]) for n in needs] == [
        ("appliance_repair", 1, 1, 2), ("elderly_care", 0, 2, 2)]
    listed = flow.client.get(url, headers=staff).get_json()["items"]
    assert [n["note"] for n in listed] == ["", "独居老人需陪护", "热水器老化"]

    other_household = flow.household("demo-resident-3")  # community 2
    body = {"household_id": other_household, "category_id": flow.category("errand")}
    assert flow.client.post(url, headers=staff, json=body).status_code == 422
    body["household_id"] = household
    assert flow.client.post(url, headers=flow.h("demo-staff-2"), json=body).status_code == 403
    assert flow.client.get(url, headers=flow.h("demo-staff-2")).status_code == 403
    assert flow.client.post(url, headers=flow.h("demo-resident-1"), json=body).status_code == 403
    assert flow.client.post(url, headers=staff, json={**body, "category_id": 999}
                            ).status_code == 404
    flagged = flow.client.post(url, headers=staff, json={**body, "note": "违禁词"})
    assert flagged.status_code == 422 and flagged.get_json()["error"]["code"] == \
        "content_rejected"
    assert len(flow.client.get(url, headers=staff).get_json()["items"]) == 3


def test_one_schema_filters_each_viewer_and_only_the_service_audits(flow, app):
    """`RequestOut` masks per viewer by itself and writes nothing; the unmasking is
    audited by the service that decided to show the request in full."""
    from app.auth.models import User
    from app.extensions import db
    from app.orders import service
    from app.orders.models import ServiceRequest
    from app.orders.schemas import RequestOut, Shown, Viewer

    rid = flow.to_state("accepted")
    with app.app_context():
        req = db.session.get(ServiceRequest, rid)
        before = len(_unmaskings(app, rid))
        dump = RequestOut().dump

        def seen(roles, **kw):
            return dump(Shown(req, Viewer(req.assignee_id, frozenset(roles), **kw), []))

        assert _full(seen({"partner", "assignee"}))
        assert not _full(seen({"partner", "assignee"}, listed=True))
        assert not _full(seen({"partner"}))
        req.content_ok = False
        assert seen({"partner"})["description"] == "（内容审核中）"
        assert seen({"staff"}, listed=True)["description"] == req.description
        assert len(_unmaskings(app, rid)) == before
        staff = db.session.scalar(sa.select(User).where(User.openid == "demo-staff-1"))
        assert _full(dump(service.request_view(req, staff)))
        db.session.commit()
    assert len(_unmaskings(app, rid)) == before + 1
