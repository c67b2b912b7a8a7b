"""Who may report, where a report goes (the grid of its building with a grid worker, else the
community's staff), the grid worker's grant, deadlines and the lists, overdue first."""
from datetime import timedelta

from app.common.timeutil import utcnow


def test_a_report_goes_to_the_grid_worker_of_its_building(fb):
    created = fb.create()
    assert created["grid_id"] == fb.garden_grid and created["responsible"] == "grid"
    queue = fb.get("/feedback", "grid-1", scope="grid")["items"]
    assert [r["id"] for r in queue] == [created["id"]]
    assert queue[0]["actions"] == ["accept", "transfer"]
    assert [n["kind"] for n in fb.inbox("grid-1")] == ["feedback_new"]
    assert fb.inbox("demo-staff-1") == []  # the grid worker has it
    # Staff of the community still see and may handle it.
    staff = fb.get("/feedback", "demo-staff-1", scope="community")["items"]
    assert [r["id"] for r in staff] == [created["id"]]


def test_a_grid_without_a_worker_leaves_the_report_to_the_community_staff(fb):
    created = fb.create(where="courtyard")
    assert created["grid_id"] is None and created["responsible"] == "community"
    assert [n["kind"] for n in fb.inbox("demo-staff-1")] == ["feedback_new"]
    assert fb.get("/feedback", "grid-1", scope="grid")["items"] == []
    # The grid worker of another grid plays no part in it: not even its existence.
    fb.do(created["id"], "accept", "grid-1", expect=404)
    fb.get(f"/feedback/{created['id']}", "grid-1", expect=404)
    assert fb.do(created["id"], "accept", "demo-staff-1")["status"] == "accepted"


def test_a_map_point_alone_goes_to_the_community_staff(fb):
    created = fb.create(where=None, lat=29.3401, lng=105.2893)
    assert created["grid_id"] is None and created["building"] is None
    assert (created["lat"], created["lng"]) == (29.3401, 105.2893)


def test_a_revoked_grid_worker_no_longer_receives_reports(fb):
    grants = fb.get("/roles/grants", "demo-staff-1", community_id=fb.c1)["items"]
    grant = next(g for g in grants if g["role"] == "grid_worker")
    assert grant["grid_id"] == fb.garden_grid and grant["community_id"] == fb.c1
    resp = fb.client.delete(f"/api/v1/roles/grants/{grant['id']}", headers=fb.h("demo-staff-1"))
    assert resp.status_code == 200, resp.get_json()
    assert fb.create()["grid_id"] is None


def test_bad_places_are_refused_and_nothing_is_written(fb):
    resp = fb.post("/feedback", "demo-resident-1", {
        "community_id": fb.c1, "category": "sanitation", "text": "楼道脏"})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "location_required"
    for bad in ({"building_id": fb.other_building}, {"lat": 29.34},
                {"lat": 29.34, "lng": 200}, {"building_id": 99999}):
        resp = fb.post("/feedback", "demo-resident-1", {
            "community_id": fb.c1, "category": "sanitation", "text": "楼道脏", **bad})
        assert resp.status_code == 422, (bad, resp.get_json())
    resp = fb.post("/feedback", "demo-resident-1", {
        "community_id": fb.c1, "category": "unknown", "text": "楼道脏",
        "building_id": fb.garden})
    assert resp.status_code == 422
    assert fb.get("/feedback", "demo-resident-1")["items"] == []


def test_only_residents_and_information_officers_of_the_community_report(fb):
    # demo-resident-3 lives in 昌达街社区; demo-partner-1 lives nowhere.
    for who in ("demo-resident-3", "demo-partner-1", "demo-staff-1"):
        resp = fb.post("/feedback", who, {"community_id": fb.c1, "category": "other",
                                          "text": "有问题", "building_id": fb.garden})
        assert resp.status_code == 403, who
        assert resp.get_json()["error"]["code"] == "not_a_member"
    # demo-volunteer-1 is a party member registered with 观湖社区 as 社情民意信息员.
    created = fb.create("demo-volunteer-1", text="巡查发现1栋外墙瓷砖松动")
    assert fb.view(created["id"])["reporter_role"] == "info_officer"
    assert fb.view(fb.create()["id"])["reporter_role"] == "resident"


def test_staff_grant_grid_workers_only_in_their_own_community(fb):
    uid = fb.make_user("grid-x")
    resp = fb.post("/roles/grants", "demo-staff-2", {
        "user_id": uid, "role": "grid_worker", "grid_id": fb.garden_grid})
    assert resp.status_code == 403
    resp = fb.post("/roles/grants", "demo-staff-1", {
        "user_id": uid, "role": "grid_worker", "community_id": fb.c1})
    assert resp.status_code == 422
    resp = fb.post("/roles/grants", "demo-staff-1", {
        "user_id": uid, "role": "grid_worker", "grid_id": 99999})
    assert resp.status_code == 404
    fb.post("/roles/grants", "demo-staff-1", {
        "user_id": uid, "role": "grid_worker", "grid_id": fb.courtyard_grid}, expect=201)
    me = fb.get("/me", "grid-x")
    assert {"role": "grid_worker", "grid_id": fb.courtyard_grid,
            "community_id": fb.c1} in me["roles"]
    # Reports about the courtyard now go to them.
    assert fb.create(where="courtyard")["grid_id"] == fb.courtyard_grid


def test_categories_and_deadlines(fb):
    cats = fb.get("/feedback/categories", "demo-resident-1")["items"]
    assert {c["name"] for c in cats} >= {"环境卫生", "设施维修", "治安", "邻里纠纷", "物业", "其他"}
    assert all(c["accept_hours"] == 24 and c["resolve_days"] == 7 for c in cats)
    before = utcnow()
    created = fb.create()
    row = fb.row(created["id"])
    assert timedelta(hours=24) <= row.accept_due_at - before < timedelta(hours=24, minutes=1)
    assert timedelta(days=7) <= row.resolve_due_at - before < timedelta(days=7, minutes=1)
    assert row.deadline_at == row.accept_due_at
    fb.do(created["id"], "accept", "grid-1")
    assert fb.row(created["id"]).deadline_at == row.resolve_due_at


def test_the_author_sees_the_deadline_clock(fb):
    fid = fb.create()["id"]
    clock = fb.view(fid, "demo-resident-1")["clock"]
    assert clock["step"] == "accept" and not clock["overdue"]
    assert 23 * 3600 < clock["seconds_left"] <= 24 * 3600
    fb.set(fid, deadline_at=utcnow() - timedelta(hours=2))
    mine = fb.get("/feedback", "demo-resident-1", scope="mine")["items"][0]
    assert mine["clock"]["overdue"] and mine["overdue"]
    assert -3 * 3600 < mine["clock"]["seconds_left"] <= -2 * 3600


def test_staff_lists_put_overdue_reports_first_and_page(fb):
    ids = [fb.create(text=f"问题{i}")["id"] for i in range(5)]
    late = ids[3]
    fb.set(late, deadline_at=utcnow() - timedelta(hours=1))
    fb.do(ids[0], "accept", "grid-1")  # its deadline is now a week away: last of the waiting
    fb.to_state("closed")  # final: no deadline, at the very end
    for who, scope in (("demo-staff-1", "community"), ("grid-1", "grid")):
        first = fb.get("/feedback", who, scope=scope, limit=2)
        assert [r["id"] for r in first["items"]][0] == late
        assert first["items"][0]["overdue"] is True
        rest = fb.get("/feedback", who, scope=scope, limit=10, cursor=first["next_cursor"])
        order = [r["id"] for r in first["items"] + rest["items"]]
        assert len(order) == len(set(order)) == 6
        assert order[:4] == [late, ids[1], ids[2], ids[4]] and order[4] == ids[0]
    # The author's list runs newest first.
    mine = [r["id"] for r in fb.get("/feedback", "demo-resident-1", scope="mine")["items"]]
    assert mine == sorted(mine, reverse=True)


def test_lists_are_refused_to_those_outside_them(fb):
    fb.get("/feedback", "demo-resident-1", scope="community", expect=403)
    fb.get("/feedback", "demo-staff-2", scope="community", community_id=fb.c1, expect=403)
    fb.get("/feedback", "demo-staff-1", scope="grid", expect=403)
    fb.get("/feedback", "demo-resident-1", scope="street", expect=403)
    fb.get("/feedback", "demo-resident-3", scope="open", community_id=fb.c1, expect=403)
    fb.get("/feedback", "demo-staff-1", scope="mine", cursor="nonsense", expect=422)
