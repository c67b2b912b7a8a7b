"""Points cannot be minted by one staff member: no back-dated shifts, a points-per-hour ceiling
per community, make-up records (补录) only for volunteers with a place on the shift, within a
monthly budget of the community, and approved by someone other than who recorded them."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.volunteering.conftest import SITE, T0


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def spec(start, minutes=120, points_per_hour=10):
    return {"starts_at": start.isoformat(),
            "ends_at": (start + timedelta(minutes=minutes)).isoformat(), "capacity": 5,
            "location_name": "观湖志愿V站", "lat": SITE[0], "lng": SITE[1],
            "points_per_hour": points_per_hour}


def create(world, shifts, who="staff1"):
    return world.post("/activities", who, {"community_id": world.c1, "title": "便民服务日",
                                           "shifts": shifts})


def count(world, model):
    return world.db_value(sa.select(sa.func.count()).select_from(model))


def manual(world, shift, who, minutes=60, staff="staff1", expect=None):
    return world.post("/attendances/manual", staff, {
        "shift_id": shift["id"], "user_id": world.users[who], "minutes": minutes,
        "reason": "纸质签到表"}, expect=expect)


def set_limits(world, community, **limits):
    world.user("admin", [("admin", {})])
    return world.client.patch(f"/api/v1/communities/{community}/limits", json=limits,
                              headers=world.h("admin"))


# -- shifts -----------------------------------------------------------------------------------
def test_a_shift_cannot_start_in_the_past_beyond_the_grace(world, app, monkeypatch):
    from app.volunteering.models import Activity, Shift

    resp = create(world, [spec(T0 + timedelta(hours=1)), spec(T0 - timedelta(days=3))])
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["code"] == "shift_in_past" and "starts_at" in error["details"]["fields"]
    assert count(world, Activity) == 0 and count(world, Shift) == 0  # nothing half-written
    assert create(world, [spec(T0 - timedelta(minutes=16))]).status_code == 422
    activity = world.activity([spec(T0 - timedelta(minutes=14))])  # just begun: allowed
    resp = world.post(f"/activities/{activity['id']}/shifts", "staff1",
                      spec(T0 - timedelta(hours=2)), expect=422)
    assert resp.get_json()["error"]["code"] == "shift_in_past"
    with monkeypatch.context() as m:
        m.setitem(app.config, "SHIFT_BACKDATE_GRACE_MINUTES", 0)
        world.post(f"/activities/{activity['id']}/shifts", "staff1",
                   spec(T0 - timedelta(minutes=1)), expect=422)
    world.post(f"/activities/{activity['id']}/shifts", "staff1",
               spec(T0 - timedelta(minutes=1)), expect=201)


def test_shift_points_per_hour_stay_within_the_community_ceiling(world):
    resp = create(world, [spec(T0 + timedelta(hours=1), points_per_hour=1000)])
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["code"] == "points_ceiling_exceeded"
    assert error["details"]["max_points_per_hour"] == 30
    assert "points_per_hour" in error["details"]["fields"]
    assert create(world, [spec(T0 + timedelta(hours=1), points_per_hour=30)]).status_code == 201
    activity = world.activity([])
    world.post(f"/activities/{activity['id']}/shifts", "staff1",
               spec(T0 + timedelta(hours=3), points_per_hour=31), expect=422)
    # The ceiling is the admin's to raise, per community.
    assert set_limits(world, world.c1, max_points_per_hour=40).status_code == 200
    world.post(f"/activities/{activity['id']}/shifts", "staff1",
               spec(T0 + timedelta(hours=3), points_per_hour=40), expect=201)
    resp = world.post("/activities", "staff2", {"community_id": world.c2, "title": "x",
                                                "shifts": [spec(T0 + timedelta(hours=1), 60,
                                                                points_per_hour=40)]})
    assert resp.status_code == 422


def test_the_platform_ceiling_bounds_every_community(world, app, monkeypatch):
    with monkeypatch.context() as m:
        m.setitem(app.config, "MAX_POINTS_PER_HOUR", 20)
        resp = create(world, [spec(T0 + timedelta(hours=1), points_per_hour=21)])
        assert resp.status_code == 422
        assert resp.get_json()["error"]["details"]["max_points_per_hour"] == 20


# -- make-up records ----------------------------------------------------------------------------
def test_make_up_records_need_a_place_on_that_shift(world):
    shift = world.past_shift(T0 - timedelta(days=1), signups=["vol"])
    world.user("stranger")
    resp = manual(world, shift, "stranger", expect=409)
    assert resp.get_json()["error"]["code"] == "not_signed_up"
    # Signed up to another community's shift only: still not this one.
    theirs = world.past_shift(T0 - timedelta(days=2), signups=["other"], community=world.c2)
    manual(world, shift, "other", expect=409)
    manual(world, theirs, "other", expect=404)  # staff1 is not staff of community 2
    # Waitlisted volunteers had no place.
    full = world.past_shift(T0 - timedelta(days=3), signups=["a", "b"], capacity=1)
    assert manual(world, full, "b", expect=409).get_json()["error"]["code"] == "not_signed_up"
    manual(world, full, "a", expect=201)
    manual(world, shift, "vol", expect=201)


def test_make_up_record_of_a_no_show_is_allowed(world, clock):
    shift = world.shift(T0 + timedelta(minutes=10), minutes=60)
    world.signup(shift["id"], "vol")
    clock.move_to(T0 + timedelta(hours=2))
    world.post(f"/shifts/{shift['id']}/close", "staff1", expect=200)
    manual(world, shift, "vol", expect=201)


def test_whoever_recorded_a_make_up_record_cannot_approve_it(world):
    shift = world.past_shift(T0 - timedelta(days=1), signups=["vol"])
    att = manual(world, shift, "vol", expect=201).get_json()
    assert att["recorded_by_id"] == world.users["staff1"]
    resp = world.post(f"/attendances/{att['id']}/approve", "staff1", expect=403)
    assert resp.get_json()["error"]["code"] == "recorder_review"
    assert world.balance("vol") == 0 and world.shift_credits(att["id"]) == 0
    # Admins pass every role check, not this one.
    world.user("admin", [("admin", {})])
    admin_att = manual(world, world.past_shift(T0 - timedelta(days=2), signups=["vol"]),
                       "vol", staff="admin", expect=201).get_json()
    world.post(f"/attendances/{admin_att['id']}/approve", "admin", expect=403)
    body = world.post(f"/attendances/{att['id']}/approve", "staff1b", expect=200).get_json()
    assert (body["status"], body["points"]) == ("credited", 10)
    assert world.balance("vol") == 10


def test_the_community_budget_of_make_up_minutes_per_month(world, clock):
    assert set_limits(world, world.c1, manual_budget_minutes=150).status_code == 200
    march = world.past_shift(T0 - timedelta(days=1), signups=["a", "b", "c"])
    manual(world, march, "a", minutes=120, expect=201)
    resp = manual(world, march, "b", minutes=60, staff="staff1b", expect=409)
    error = resp.get_json()["error"]
    assert error["code"] == "manual_budget_exhausted"
    assert error["details"] == {"budget_minutes": 150, "used_minutes": 120}
    rejected = manual(world, march, "b", minutes=30, expect=201).get_json()["id"]
    manual(world, march, "c", minutes=1, expect=409)
    # A rejected record gives its minutes back.
    world.post(f"/attendances/{rejected}/reject", "staff1b", {"note": "无凭据"}, expect=200)
    manual(world, march, "c", minutes=30, expect=201)
    # Another community, and the next month, have budgets of their own.
    theirs = world.past_shift(T0 - timedelta(days=1), signups=["d"], community=world.c2)
    manual(world, theirs, "d", minutes=120, staff="staff2", expect=201)
    clock.move_to(T0 + timedelta(days=30, hours=3))
    world.forget_logins()
    april = world.past_shift(T0 + timedelta(days=30), signups=["a"])
    manual(world, april, "a", minutes=120, expect=201)
