"""Party-member registration (双报到), 党员邻居 pairings and the quarterly summary export."""
import csv
import io
from datetime import timedelta

import pytest
import time_machine

from tests.volunteering.conftest import T0


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def register(world, who="member", community=None, unit="区供电公司", roles=("volunteer",)):
    world.user(who, phone="13512345678")
    return world.post("/party/registrations", who, {
        "community_id": community or world.c1, "unit_name": unit, "roles": list(roles)},
        expect=201).get_json()


def test_registration_is_pending_until_staff_approve(world):
    reg = register(world, roles=["info_officer", "mediator"])
    assert reg["status"] == "pending" and reg["roles"] == ["info_officer", "mediator"]
    resp = world.post("/party/registrations", "member", {
        "community_id": world.c1, "unit_name": "x", "roles": ["volunteer"]}, expect=409)
    assert resp.get_json()["error"]["code"] == "registration_exists"
    listed = world.get(f"/party/registrations?community_id={world.c1}", "staff1")["items"]
    assert [r["id"] for r in listed] == [reg["id"]]
    assert listed[0]["user"]["phone"] == "135****5678"


def test_registration_approval_is_scoped_to_the_staffs_community(world):
    reg = register(world)
    assert world.post(f"/party/registrations/{reg['id']}/approve", "staff2").status_code == 404
    assert world.post(f"/party/registrations/{reg['id']}/approve", "member").status_code == 403
    world.get(f"/party/registrations?community_id={world.c1}", "staff2", expect=403)
    assert world.get("/me/party-registrations", "member")["items"][0]["status"] == "pending"


def test_approval_grants_roles_and_places_the_member_in_grid_and_teams(world):
    team = world.post("/teams", "staff1", {"community_id": world.c1, "kind": "party_vanguard",
                                           "name": "观湖党员先锋队"}, expect=201).get_json()
    other = world.post("/teams", "staff2", {"community_id": world.c2, "kind": "v_station",
                                            "name": "昌达街志愿V站"}, expect=201).get_json()
    reg = register(world)
    world.post(f"/party/registrations/{reg['id']}/approve", "staff1",
               {"team_ids": [other["id"]]}, expect=422)
    world.post(f"/party/registrations/{reg['id']}/approve", "staff1",
               {"grid_id": world.grid2}, expect=422)
    body = world.post(f"/party/registrations/{reg['id']}/approve", "staff1",
                      {"grid_id": world.grid1, "team_ids": [team["id"]], "note": "欢迎"},
                      expect=200).get_json()
    assert body["status"] == "approved" and body["grid_id"] == world.grid1
    roles = {(r["role"], r.get("community_id")) for r in world.get("/me", "member")["roles"]}
    assert {("party_member", world.c1), ("volunteer", world.c1)} <= roles
    members = world.get(f"/teams/{team['id']}/members", "member")["items"]
    assert [m["user"]["id"] for m in members] == [world.users["member"]]
    again = world.post(f"/party/registrations/{reg['id']}/approve", "staff1b", expect=409)
    assert again.get_json()["error"]["details"] == {"status": "approved"}


def test_rejected_member_may_register_again(world):
    reg = register(world)
    world.post(f"/party/registrations/{reg['id']}/reject", "staff1", {"note": "单位信息有误"},
               expect=200)
    assert register(world)["status"] == "pending"


def test_registration_input_is_validated(world):
    resp = world.post("/party/registrations", "member", {
        "community_id": world.c1, "unit_name": "", "roles": ["chief"]}, expect=422)
    assert set(resp.get_json()["error"]["details"]["fields"]) == {"unit_name", "roles"}
    world.post("/party/registrations", "member", {
        "community_id": 999, "unit_name": "x", "roles": ["volunteer"]}, expect=404)


def approved(world, who="member", unit="区供电公司"):
    reg = register(world, who=who, unit=unit)
    world.post(f"/party/registrations/{reg['id']}/approve", "staff1", expect=200)
    return reg


def test_pairing_with_a_household_and_visit_log(world, clock):
    reg = approved(world)
    world.post("/party/pairings", "staff1", {"registration_id": reg["id"],
                                             "household_id": world.home2}, expect=422)
    pairing = world.post("/party/pairings", "staff1", {
        "registration_id": reg["id"], "household_id": world.home1, "reason": "独居老人"},
        expect=201).get_json()
    assert pairing["address"] == "老粮站院落1栋3室"
    listed = world.get("/party/pairings", "member")["items"]
    assert listed[0]["address"] == "老粮站院落1栋****"
    assert world.get(f"/party/pairings/{pairing['id']}", "member")["address"] == "老粮站院落1栋3室"
    world.get(f"/party/pairings/{pairing['id']}", "staff2", expect=404)
    world.get(f"/party/pairings/{pairing['id']}", "stranger", expect=404)
    visit = world.post(f"/party/pairings/{pairing['id']}/visits", "member", {
        "visited_at": (T0 - timedelta(hours=1)).isoformat(), "minutes": 45,
        "note": "帮忙买菜，血压正常"}, expect=201).get_json()
    assert visit["minutes"] == 45
    world.post(f"/party/pairings/{pairing['id']}/visits", "member", {
        "visited_at": (T0 + timedelta(hours=1)).isoformat(), "minutes": 10}, expect=422)
    world.post(f"/party/pairings/{pairing['id']}/visits", "stranger", {
        "visited_at": T0.isoformat(), "minutes": 10}, expect=404)
    visits = world.get(f"/party/pairings/{pairing['id']}/visits", "staff1")["items"]
    assert [v["note"] for v in visits] == ["帮忙买菜，血压正常"]
    world.post(f"/party/pairings/{pairing['id']}/end", "staff1", expect=200)
    world.post(f"/party/pairings/{pairing['id']}/visits", "member", {
        "visited_at": T0.isoformat(), "minutes": 10}, expect=409)


def test_unit_names_and_visit_notes_go_through_the_content_check(world, clock):
    world.user("member", phone="13512345678")
    resp = world.post("/party/registrations", "member", {
        "community_id": world.c1, "unit_name": "违禁词公司", "roles": ["volunteer"]},
        expect=422)
    assert resp.get_json()["error"]["code"] == "content_rejected"
    assert world.get("/me/party-registrations", "member")["items"] == []
    reg = approved(world)
    pairing = world.post("/party/pairings", "staff1", {
        "registration_id": reg["id"], "household_id": world.home1}, expect=201).get_json()
    url = f"/party/pairings/{pairing['id']}/visits"
    body = {"visited_at": (T0 - timedelta(hours=1)).isoformat(), "minutes": 30}
    resp = world.post(url, "member", {**body, "note": "违禁词"}, expect=422)
    assert resp.get_json()["error"]["code"] == "content_rejected"
    resp = world.post(url, "member", {**body, "note": "聊天 [wechat-down]"}, expect=503)
    assert resp.get_json()["error"]["code"] == "content_check_unavailable"
    assert world.get(url, "staff1")["items"] == []
    world.post(url, "member", {**body, "note": "陪老人聊天"}, expect=201)


def test_pairing_needs_an_approved_registration(world):
    reg = register(world)
    resp = world.post("/party/pairings", "staff1", {"registration_id": reg["id"],
                                                    "household_id": world.home1}, expect=409)
    assert resp.get_json()["error"]["code"] == "registration_not_approved"


def _serve(world, clock, who, start, minutes, approve=True):
    clock.move_to(start)
    world.forget_logins()
    shift = world.shift(start, minutes=120)
    world.signup(shift["id"], who)
    world.checkin(shift["id"], who, expect=201)
    clock.move_to(start + timedelta(minutes=minutes))
    att = world.checkout(shift["id"], who, expect=200).get_json()["attendance_id"]
    if approve:
        world.post(f"/attendances/{att}/approve", "staff1", expect=200)
    return shift


def test_quarterly_summary_and_csv_export_content(world, clock):
    """Q1 2026 (Asia/Shanghai): two shifts served, one make-up record, a no-show and a visit;
    a shift in Q2 and a visit before the quarter are left out."""
    reg = approved(world, unit="=HYPERLINK(\"http://x\")")
    other = approved(world, who="other", unit="区税务局")
    _serve(world, clock, "member", T0, 120)
    _serve(world, clock, "member", T0 + timedelta(days=1), 90)
    missed = world.shift(T0 + timedelta(days=2), minutes=60)
    world.signup(missed["id"], "member")
    world.signup(missed["id"], "other")
    clock.move_to(T0 + timedelta(days=2, hours=2))
    world.post(f"/shifts/{missed['id']}/close", "staff1", expect=200)
    manual = world.post("/attendances/manual", "staff1", {
        "shift_id": missed["id"], "user_id": world.users["other"], "minutes": 60,
        "reason": "纸质签到表"}, expect=201).get_json()["id"]
    world.post(f"/attendances/{manual}/approve", "staff1b", expect=200)
    pairing = world.post("/party/pairings", "staff1", {
        "registration_id": reg["id"], "household_id": world.home1}, expect=201).get_json()
    for when, minutes in ((T0, 30), (T0 - timedelta(days=80), 99)):  # second one is in Q4
        world.post(f"/party/pairings/{pairing['id']}/visits", "member",
                   {"visited_at": when.isoformat(), "minutes": minutes}, expect=201)
    _serve(world, clock, "member", T0 + timedelta(days=30), 120)  # April: Q2

    summary = world.get(f"/party/registrations/{reg['id']}/summary?year=2026&quarter=1",
                        "member")
    assert {k: summary[k] for k in ("verified_minutes", "manual_minutes", "hours", "activities",
                                    "points", "no_shows", "visits", "visit_minutes",
                                    "requests_handled")} == {
        "verified_minutes": 210, "manual_minutes": 0, "hours": 3.5, "activities": 2,
        "points": 35, "no_shows": 1, "visits": 1, "visit_minutes": 30, "requests_handled": 0}
    world.get(f"/party/registrations/{reg['id']}/summary?year=2026&quarter=1", "staff2",
              expect=404)

    resp = world.client.get(
        f"/api/v1/party/summaries/export?community_id={world.c1}&year=2026&quarter=1",
        headers=world.h("staff1"))
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    text = resp.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["姓名", "手机号", "工作单位", "报到岗位"]
    assert rows[1] == ["member", "135****5678", "'=HYPERLINK(\"http://x\")", "志愿者", "2026",
                       "1", "3.5", "210", "0", "2", "1", "1", "30", "0"]
    assert rows[2] == ["other", "135****5678", "区税务局", "志愿者", "2026", "1", "1.0", "0",
                       "60", "1", "0", "0", "0", "0"]
    assert len(rows) == 3 and other["id"] > reg["id"]
    q2 = world.client.get(
        f"/api/v1/party/summaries/export?community_id={world.c1}&year=2026&quarter=2",
        headers=world.h("staff1")).get_data(as_text=True)
    assert list(csv.reader(io.StringIO(q2.lstrip("\ufeff"))))[1][6] == "2.0"
    denied = world.client.get(
        f"/api/v1/party/summaries/export?community_id={world.c1}&year=2026&quarter=1",
        headers=world.h("staff2"))
    assert denied.status_code == 403


def test_export_arguments_are_validated(world):
    resp = world.client.get(
        f"/api/v1/party/summaries/export?community_id={world.c1}&year=2026&quarter=5",
        headers=world.h("staff1"))
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["details"]["fields"]) == {"quarter"}


def test_summary_counts_service_requests_the_member_completed_in_the_quarter(world, clock):
    from app.catalog.models import ServiceCategory
    from app.extensions import db
    from app.orders.models import RequestEvent, ServiceRequest

    reg = approved(world)
    member, resident = world.users["member"], world.user("resident")
    with world.app.app_context():
        category = ServiceCategory(code="errand", name="跑腿代办")
        db.session.add(category)
        db.session.flush()
        for done_at, actor in ((T0 - timedelta(days=1), member),
                               (T0 - timedelta(days=2), member),
                               (T0 - timedelta(days=100), member),  # Q4 of 2025
                               (T0 - timedelta(days=1), resident)):
            req = ServiceRequest(community_id=world.c1, household_id=world.home1,
                                 resident_id=resident, category_id=category.id,
                                 description="代购药品", status="completed", assignee_id=actor,
                                 payer="community", points_per_hour=10, max_minutes=240)
            db.session.add(req)
            db.session.flush()
            db.session.add(RequestEvent(request_id=req.id, action="complete",
                                        from_status="in_service", to_status="completed",
                                        actor_id=actor, actor_role="assignee", at=done_at))
        db.session.commit()
    summary = world.get(f"/party/registrations/{reg['id']}/summary?year=2026&quarter=1",
                        "staff1")
    assert summary["requests_handled"] == 2
