"""Sign-up: capacity, waitlist and promotion, overlap, roles; listing activities."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.volunteering.conftest import T0


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_signups_beyond_capacity_are_waitlisted(world):
    shift = world.shift(T0 + timedelta(hours=2), capacity=2)
    statuses = [world.signup(shift["id"], f"v{i}")["status"] for i in range(4)]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert world.get(f"/shifts/{shift['id']}", "v0")["signed_up"] == 2


def test_cancel_promotes_the_first_waitlisted_and_notifies_them(world):
    from app.notifications.models import Notification

    shift = world.shift(T0 + timedelta(hours=2), capacity=1)
    for name in ("a", "b", "c"):
        world.signup(shift["id"], name)
    resp = world.client.delete(f"/api/v1/shifts/{shift['id']}/signup", headers=world.h("a"))
    assert resp.status_code == 200 and resp.get_json()["status"] == "cancelled"
    assert world.get(f"/shifts/{shift['id']}", "b")["my_status"] == "confirmed"
    assert world.get(f"/shifts/{shift['id']}", "c")["my_status"] == "waitlisted"
    assert world.get(f"/shifts/{shift['id']}", "c")["signed_up"] == 1
    count = world.db_value(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == world.users["b"], Notification.kind == "shift_promoted"))
    assert count == 1
    assert world.db_value(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == world.users["c"])) == 0


def test_cancel_with_empty_waitlist_frees_the_place(world):
    shift = world.shift(T0 + timedelta(hours=2), capacity=1)
    world.signup(shift["id"], "a")
    world.client.delete(f"/api/v1/shifts/{shift['id']}/signup", headers=world.h("a"))
    assert world.get(f"/shifts/{shift['id']}", "a")["signed_up"] == 0
    assert world.signup(shift["id"], "b")["status"] == "confirmed"


def test_signing_up_again_returns_the_same_signup(world):
    shift = world.shift(T0 + timedelta(hours=2), capacity=3)
    first = world.signup(shift["id"], "a")
    again = world.signup(shift["id"], "a", expect=200)
    assert again == first
    assert world.get(f"/shifts/{shift['id']}", "a")["signed_up"] == 1


def test_overlapping_shift_of_the_same_volunteer_is_refused(world):
    one = world.shift(T0 + timedelta(hours=2), minutes=120)
    overlapping = world.shift(T0 + timedelta(hours=3), minutes=120)
    adjacent = world.shift(T0 + timedelta(hours=4), minutes=60)
    world.signup(one["id"], "a")
    resp = world.post(f"/shifts/{overlapping['id']}/signup", "a", expect=409)
    assert resp.get_json()["error"]["code"] == "shift_overlap"
    assert resp.get_json()["error"]["details"] == {"shift_id": one["id"]}
    world.signup(adjacent["id"], "a")  # starts when the first one ends


def test_cancelled_signup_no_longer_blocks_an_overlapping_shift(world):
    one = world.shift(T0 + timedelta(hours=2))
    other = world.shift(T0 + timedelta(hours=2, minutes=30))
    world.signup(one["id"], "a")
    world.client.delete(f"/api/v1/shifts/{one['id']}/signup", headers=world.h("a"))
    world.signup(other["id"], "a")


def test_shift_for_party_members_refuses_others(world):
    shift = world.shift(T0 + timedelta(hours=2), roles=["party_member"])
    world.user("member", [("party_member", {"community_id": world.c1})])
    world.user("elsewhere", [("party_member", {"community_id": world.c2})])
    world.signup(shift["id"], "member")
    for who in ("resident", "elsewhere"):
        resp = world.post(f"/shifts/{shift['id']}/signup", who, expect=403)
        assert resp.get_json()["error"]["code"] == "role_required"


def test_ended_shift_refuses_signup_and_started_shift_refuses_cancel(world, clock):
    shift = world.shift(T0 + timedelta(minutes=30), minutes=60)
    world.signup(shift["id"], "a")
    clock.move_to(T0 + timedelta(minutes=45))
    resp = world.client.delete(f"/api/v1/shifts/{shift['id']}/signup", headers=world.h("a"))
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "shift_started"
    clock.move_to(T0 + timedelta(minutes=95))
    resp = world.post(f"/shifts/{shift['id']}/signup", "b", expect=409)
    assert resp.get_json()["error"]["code"] == "shift_ended"


def test_cancel_without_signup_is_409(world):
    shift = world.shift(T0 + timedelta(hours=2))
    resp = world.client.delete(f"/api/v1/shifts/{shift['id']}/signup", headers=world.h("a"))
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "not_signed_up"


def test_activity_list_shows_shifts_with_the_contract_fields(world):
    shift = world.shift(T0 + timedelta(hours=2), capacity=4)
    world.signup(shift["id"], "a")
    body = world.get(f"/activities?community_id={world.c1}", "a")
    item = body["items"][0]
    assert {"id", "title", "community_id", "team", "shifts"} <= set(item)
    got = item["shifts"][0]
    assert got["location"] == {"lat": 29.3401, "lng": 105.2893, "radius_m": 200,
                               "name": "观湖志愿V站"}
    assert (got["capacity"], got["signed_up"], got["points_per_hour"], got["my_status"]) == \
        (4, 1, 10, "confirmed")
    assert got["starts_at"] == "2026-03-10T12:00:00+08:00"
    assert "secret" not in got
    assert world.get(f"/activities?community_id={world.c2}", "a")["items"] == []


def test_upcoming_filter_hides_activities_whose_shifts_have_ended(world, clock):
    world.shift(T0 + timedelta(minutes=10), minutes=30)
    later = world.shift(T0 + timedelta(hours=3))
    clock.move_to(T0 + timedelta(hours=1))
    items = world.get(f"/activities?community_id={world.c1}&upcoming=true", "a")["items"]
    assert [a["shifts"][0]["id"] for a in items] == [later["id"]]


def test_only_staff_of_the_community_create_activities(world):
    spec = {"starts_at": (T0 + timedelta(hours=1)).isoformat(),
            "ends_at": (T0 + timedelta(hours=2)).isoformat(), "capacity": 2,
            "location_name": "站点", "lat": 29.34, "lng": 105.28, "points_per_hour": 10}
    body = {"community_id": world.c1, "title": "x", "shifts": [spec]}
    assert world.post("/activities", "staff2", body).status_code == 403
    assert world.post("/activities", "resident", body).status_code == 403


def test_shift_input_is_validated(world):
    bad = {"starts_at": (T0 + timedelta(hours=2)).isoformat(),
           "ends_at": (T0 + timedelta(hours=1)).isoformat(), "capacity": 0,
           "lat": 200, "lng": 105.28, "location_name": "站点", "points_per_hour": -1,
           "required_roles": ["admin"]}
    resp = world.post("/activities", "staff1",
                      {"community_id": world.c1, "title": "x", "shifts": [bad]}, expect=422)
    fields = resp.get_json()["error"]["details"]["fields"]["shifts"]["0"]
    assert {"capacity", "lat", "points_per_hour", "required_roles"} <= set(fields)
    backwards = dict(bad, capacity=1, lat=29.34, points_per_hour=1, required_roles=[])
    resp = world.post("/activities", "staff1",
                      {"community_id": world.c1, "title": "x", "shifts": [backwards]},
                      expect=422)
    assert set(resp.get_json()["error"]["details"]["fields"]["shifts"]["0"]) == {"ends_at"}
    no_place = {k: v for k, v in bad.items() if k not in ("lat", "lng", "location_name")}
    no_place.update(capacity=1, points_per_hour=1, required_roles=[],
                    ends_at=(T0 + timedelta(hours=3)).isoformat())
    resp = world.post("/activities", "staff1",
                      {"community_id": world.c1, "title": "x", "shifts": [no_place]},
                      expect=422)
    assert set(resp.get_json()["error"]["details"]["fields"]) == {"lat", "lng", "location_name"}


def test_staff_list_signups_in_waitlist_order(world):
    shift = world.shift(T0 + timedelta(hours=2), capacity=1)
    for name in ("a", "b", "c"):
        world.signup(shift["id"], name)
    body = world.get(f"/shifts/{shift['id']}/signups?status=waitlisted", "staff1")
    assert [s["user"]["nickname"] for s in body["items"]] == ["b", "c"]
    world.get(f"/shifts/{shift['id']}/signups", "staff2", expect=404)


def test_cancel_after_an_early_checkin_is_refused(world, clock):
    """Check-in opens 30 minutes early; a volunteer already on site cannot cancel."""
    shift = world.shift(T0 + timedelta(minutes=20))
    world.signup(shift["id"], "a")
    world.checkin(shift["id"], "a", expect=201)
    resp = world.client.delete(f"/api/v1/shifts/{shift['id']}/signup", headers=world.h("a"))
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "already_checked_in"
