"""The demo data and the whole volunteer flow through the API: find a shift, sign up, check in
on site, check out, staff approve, see the points. Also the fixed query count of the lists
and the OpenAPI document."""
from datetime import datetime, timedelta

import sqlalchemy as sa
import time_machine

from app.common.timeutil import utcnow

V_STATION = (29.3401, 105.2893)


def test_seed_is_idempotent_and_has_shifts_around_now(app, seeded):
    from app.demo import seed
    from app.extensions import db
    from app.party.models import PartyRegistration
    from app.volunteering.models import Activity, Shift, Team

    with app.app_context():
        assert seed(skip=("stats",)) == 0  # as `seeded` ran it, without the figures' history
        db.session.commit()
        kinds = set(db.session.scalars(sa.select(Team.kind)))
        assert kinds == {"v_station", "alliance", "errand_team", "party_vanguard"}
        reg = db.session.scalar(sa.select(PartyRegistration))
        assert (reg.status, reg.user.openid) == ("approved", "demo-volunteer-1")
        activity = db.session.scalar(sa.select(Activity))
        shifts = sorted(activity.shifts, key=lambda s: s.starts_at)
        now = utcnow()
        assert len(shifts) == 2
        assert shifts[0].starts_at <= now < shifts[0].ends_at
        assert now < shifts[1].starts_at
        assert {(s.lat, s.lng, s.radius_m, s.location_name) for s in shifts} == {
            (29.3401, 105.2893, 200, "观湖志愿V站")}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Shift)) == 2


def test_volunteer_flow_on_the_demo_data(client, seeded, login):
    vol, staff = login("demo-volunteer-1"), login("demo-staff-1")
    activities = client.get("/api/v1/activities?community_id=1&upcoming=true",
                            headers=vol).get_json()["items"]
    now = utcnow()
    shift = next(s for a in activities for s in a["shifts"]
                 if datetime.fromisoformat(s["starts_at"]) <= now)
    resp = client.post(f"/api/v1/shifts/{shift['id']}/signup", headers=vol)
    assert resp.status_code == 201 and resp.get_json()["status"] == "confirmed"

    code = client.get(f"/api/v1/shifts/{shift['id']}/checkin-code", headers=staff).get_json()
    here = {"lat": V_STATION[0] + 0.0005, "lng": V_STATION[1], "code": code["code"]}
    checkin = client.post(f"/api/v1/shifts/{shift['id']}/checkin", json=here, headers=vol)
    assert checkin.status_code == 201, checkin.get_json()
    attendance_id = checkin.get_json()["attendance_id"]

    with time_machine.travel(utcnow() + timedelta(minutes=100), tick=False):
        code = client.get(f"/api/v1/shifts/{shift['id']}/checkin-code",
                          headers=staff).get_json()["code"]
        out = client.post(f"/api/v1/shifts/{shift['id']}/checkout",
                          json={**here, "code": code}, headers=vol).get_json()
        # 100 minutes later, clipped to the shift's end (at least 70 minutes after check-in).
        assert out["attendance_id"] == attendance_id and 70 <= out["minutes"] <= 100
        queue = client.get("/api/v1/attendances?community_id=1", headers=staff).get_json()
        assert [a["id"] for a in queue["items"]] == [attendance_id]
        approved = client.post(f"/api/v1/attendances/{attendance_id}/approve", json={},
                               headers=staff).get_json()
        assert approved["status"] == "credited" and approved["points"] > 0
        account = client.get("/api/v1/timebank/account", headers=vol).get_json()
        assert account["balance"] == approved["points"]
        assert account["minutes_served"] == approved["minutes"]
        entries = client.get("/api/v1/timebank/entries", headers=vol).get_json()["items"]
        assert (entries[0]["kind"], entries[0]["ref"], entries[0]["amount"]) == (
            "shift_credit", f"attendance:{attendance_id}", approved["points"])


def test_list_endpoints_run_the_same_number_of_queries_for_1_and_50_items(app, world):
    """P2: the page size does not change the query count, which stays at 4 or fewer
    (2 of them authenticate the caller)."""
    from sqlalchemy import event

    from app.extensions import db

    start = utcnow() + timedelta(days=1)
    for i in range(50):
        world.activity([{"starts_at": (start + timedelta(hours=i)).isoformat(),
                         "ends_at": (start + timedelta(hours=i, minutes=30)).isoformat(),
                         "capacity": 3, "location_name": "V站", "lat": 29.34, "lng": 105.28,
                         "points_per_hour": 10}])
    team = world.post("/teams", "staff1", {"community_id": world.c1, "kind": "v_station",
                                           "name": "V站"}, expect=201).get_json()
    ids = [a["shifts"][0]["id"] for a in
           world.get(f"/activities?community_id={world.c1}&limit=50", "staff1")["items"]]
    for i, shift_id in enumerate(ids):
        world.signup(shift_id, f"v{i}")
        world.post(f"/teams/{team['id']}/members", "staff1",
                   {"user_id": world.users[f"v{i}"]}, expect=201)
    for i in range(50):
        world.post("/party/registrations", f"v{i}", {"community_id": world.c1,
                                                     "unit_name": "单位", "roles": ["volunteer"]},
                   expect=201)
    from app.volunteering.models import Attendance

    with app.app_context():
        for i, shift_id in enumerate(ids):
            db.session.add(Attendance(shift_id=shift_id, user_id=world.users[f"v{i}"],
                                      community_id=world.c1, status="pending", minutes=30))
        db.session.commit()
    paths = [f"/activities?community_id={world.c1}", f"/shifts/{ids[0]}/signups",
             f"/teams?community_id={world.c1}", f"/teams/{team['id']}/members",
             f"/party/registrations?community_id={world.c1}",
             f"/attendances?community_id={world.c1}"]
    counts = {}
    with app.app_context():
        engine = db.engine
    for path in paths:
        for limit in (1, 50):
            seen = []

            def count(*_args, seen=seen):
                seen.append(1)

            event.listen(engine, "before_cursor_execute", count)
            try:
                sep = "&" if "?" in path else "?"
                world.get(f"{path}{sep}limit={limit}", "staff1")
            finally:
                event.remove(engine, "before_cursor_execute", count)
            counts[(path, limit)] = len(seen)
    for path in paths:
        assert counts[(path, 1)] == counts[(path, 50)] <= 4, (path, counts)


def test_openapi_document_lists_the_volunteering_paths(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/activities", "/api/v1/shifts/{shift_id}/signup",
                 "/api/v1/shifts/{shift_id}/checkin", "/api/v1/shifts/{shift_id}/checkout",
                 "/api/v1/shifts/{shift_id}/checkin-code", "/api/v1/shifts/{shift_id}/pass",
                 "/api/v1/shifts/{shift_id}/scan",
                 "/api/v1/attendances/{attendance_id}/approve", "/api/v1/party/registrations",
                 "/api/v1/party/registrations/{registration_id}/approve"):
        assert path in spec["paths"], path
