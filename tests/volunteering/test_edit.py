"""Editing activities and shifts: partial changes by staff of the community, capacity against
the confirmed sign-ups, waitlist promotion, the content check and the rules of the times."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.volunteering.conftest import T0


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def patch(world, path, who, body, expect):
    return world.call("PATCH", path, who, body, expect=expect)


def test_staff_edit_an_activity_partially(world):
    shift = world.shift(T0 + timedelta(hours=2))
    aid = shift["activity_id"]
    out = patch(world, f"/activities/{aid}", "staff1", {"title": "周末便民服务日"}, 200)
    assert out["title"] == "周末便民服务日"
    assert out["description"] == "" and out["auto_approve"] is False
    assert [s["id"] for s in out["shifts"]] == [shift["id"]]
    out = patch(world, f"/activities/{aid}", "staff1b",
                {"description": "理发、量血压", "auto_approve": True}, 200)
    assert (out["title"], out["description"], out["auto_approve"]) == (
        "周末便民服务日", "理发、量血压", True)
    assert world.get(f"/activities/{aid}", "staff1")["title"] == "周末便民服务日"


def test_other_community_and_volunteers_cannot_edit(world):
    shift = world.shift(T0 + timedelta(hours=2))
    aid = shift["activity_id"]
    patch(world, f"/activities/{aid}", "staff2", {"title": "别人的活动"}, 403)
    patch(world, f"/activities/{aid}", "v1", {"title": "别人的活动"}, 403)
    patch(world, f"/shifts/{shift['id']}", "staff2", {"capacity": 9}, 403)
    patch(world, f"/shifts/{shift['id']}", "v1", {"capacity": 9}, 403)
    patch(world, "/activities/999999", "staff1", {"title": "x"}, 404)
    patch(world, "/shifts/999999", "staff1", {"capacity": 9}, 404)
    assert world.get(f"/shifts/{shift['id']}", "v1")["capacity"] == 5


def test_empty_or_unknown_changes_are_refused(world):
    shift = world.shift(T0 + timedelta(hours=2))
    patch(world, f"/activities/{shift['activity_id']}", "staff1", {}, 422)
    patch(world, f"/shifts/{shift['id']}", "staff1", {}, 422)
    patch(world, f"/shifts/{shift['id']}", "staff1", {"signed_up": 0}, 422)
    patch(world, f"/shifts/{shift['id']}", "staff1", {"capacity": 0}, 422)
    patch(world, f"/activities/{shift['activity_id']}", "staff1", {"title": ""}, 422)


def test_activity_texts_go_through_the_content_check(world):
    shift = world.shift(T0 + timedelta(hours=2))
    for field in ("title", "description"):
        resp = patch(world, f"/activities/{shift['activity_id']}", "staff1",
                     {field: "违禁词大促"}, 422)
        assert resp["error"]["code"] == "content_rejected"
        assert field in resp["error"]["details"]["fields"]
    assert world.get(f"/activities/{shift['activity_id']}", "staff1")["title"] == "便民服务日"


def test_team_of_another_community_is_refused(world):
    from app.extensions import db
    from app.volunteering.models import Team

    shift = world.shift(T0 + timedelta(hours=2))
    with world.app.app_context():
        team = Team(community_id=world.c2, name="昌达志愿队", kind="errand_team")
        db.session.add(team)
        db.session.commit()
        team_id = team.id
    resp = patch(world, f"/activities/{shift['activity_id']}", "staff1", {"team_id": team_id},
                 422)
    assert "team_id" in resp["error"]["details"]["fields"]


def test_capacity_cannot_go_below_the_confirmed_signups(world):
    shift = world.shift(T0 + timedelta(hours=2), capacity=3)
    for name in ("a", "b", "c"):
        world.signup(shift["id"], name)
    resp = patch(world, f"/shifts/{shift['id']}", "staff1", {"capacity": 2}, 409)
    assert resp["error"]["code"] == "capacity_below_signups"
    assert "3" in resp["error"]["message"] and "容量" in resp["error"]["message"]
    out = patch(world, f"/shifts/{shift['id']}", "staff1", {"capacity": 3, "radius_m": 300},
                200)
    assert (out["capacity"], out["signed_up"], out["location"]["radius_m"]) == (3, 3, 300)


def test_lowering_capacity_to_the_confirmed_count_then_signups_wait(world):
    shift = world.shift(T0 + timedelta(hours=2), capacity=5)
    world.signup(shift["id"], "a")
    out = patch(world, f"/shifts/{shift['id']}", "staff1", {"capacity": 1}, 200)
    assert (out["capacity"], out["signed_up"]) == (1, 1)
    assert world.signup(shift["id"], "b")["status"] == "waitlisted"


def test_raising_capacity_promotes_the_waitlist_in_order_and_tells_them(world):
    from app.notifications.models import Notification

    shift = world.shift(T0 + timedelta(hours=2), capacity=1)
    for name in ("a", "b", "c", "d"):
        world.signup(shift["id"], name)
    out = patch(world, f"/shifts/{shift['id']}", "staff1", {"capacity": 3}, 200)
    assert (out["capacity"], out["signed_up"]) == (3, 3)
    statuses = [world.get(f"/shifts/{shift['id']}", n)["my_status"] for n in "abcd"]
    assert statuses == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    told = world.db_value(sa.select(sa.func.count(sa.distinct(Notification.user_id))).where(
        Notification.kind == "shift_promoted",
        Notification.user_id.in_([world.users["b"], world.users["c"]])))
    assert told == 2
    assert world.db_value(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == world.users["d"])) == 0
    # The next place freed still goes to the waitlist, and the count stays right.
    world.client.delete(f"/api/v1/shifts/{shift['id']}/signup", headers=world.h("a"))
    assert world.get(f"/shifts/{shift['id']}", "d")["my_status"] == "confirmed"
    assert world.get(f"/shifts/{shift['id']}", "d")["signed_up"] == 3


def test_times_follow_the_rules_of_creation(world):
    start = T0 + timedelta(hours=2)
    shift = world.shift(start, minutes=120)
    path = f"/shifts/{shift['id']}"
    later = start + timedelta(days=1)
    out = patch(world, path, "staff1", {"starts_at": later.isoformat(),
                                        "ends_at": (later + timedelta(hours=3)).isoformat()},
                200)
    assert out["starts_at"].startswith("2026-03-11T12:00")
    assert out["ends_at"].startswith("2026-03-11T15:00")
    # only the end: it must stay after the start, within 24 hours
    patch(world, path, "staff1", {"ends_at": later.isoformat()}, 422)
    patch(world, path, "staff1", {"ends_at": (later + timedelta(hours=25)).isoformat()}, 422)
    out = patch(world, path, "staff1", {"ends_at": (later + timedelta(hours=4)).isoformat()},
                200)
    assert out["ends_at"].startswith("2026-03-11T16:00")
    # never back-dated
    resp = patch(world, path, "staff1", {"starts_at": (T0 - timedelta(hours=2)).isoformat(),
                                         "ends_at": (T0 - timedelta(hours=1)).isoformat()}, 422)
    assert resp["error"]["code"] == "shift_in_past"
    # an ordinary local time without an offset is Shanghai time
    out = patch(world, path, "staff1", {"starts_at": "2026-03-11T13:00:00"}, 200)
    assert out["starts_at"].startswith("2026-03-11T13:00")


def test_a_running_shift_keeps_its_start_but_takes_other_changes(world, clock):
    shift = world.shift(T0 + timedelta(minutes=10), minutes=120, capacity=2)
    clock.move_to(T0 + timedelta(hours=1))
    out = patch(world, f"/shifts/{shift['id']}", "staff1",
                {"capacity": 4, "location_name": "观湖志愿V站门口"}, 200)
    assert out["location"]["name"] == "观湖志愿V站门口" and out["capacity"] == 4


def test_times_stay_once_someone_checked_in(world):
    shift = world.shift(T0, minutes=120)
    world.signup(shift["id"], "a")
    world.checkin(shift["id"], "a", expect=201)
    resp = patch(world, f"/shifts/{shift['id']}", "staff1",
                 {"ends_at": (T0 + timedelta(hours=3)).isoformat()}, 409)
    assert resp["error"]["code"] == "shift_has_attendance"
    patch(world, f"/shifts/{shift['id']}", "staff1", {"capacity": 6}, 200)


def test_points_per_hour_keep_the_communitys_ceiling(world):
    shift = world.shift(T0 + timedelta(hours=2))
    resp = patch(world, f"/shifts/{shift['id']}", "staff1", {"points_per_hour": 1000}, 422)
    assert resp["error"]["code"] == "points_ceiling_exceeded"
    out = patch(world, f"/shifts/{shift['id']}", "staff1",
                {"points_per_hour": 5, "required_roles": ["party_member"],
                 "code_required": False}, 200)
    assert (out["points_per_hour"], out["required_roles"], out["code_required"]) == (
        5, ["party_member"], False)


def test_a_closed_shift_is_not_changed(world, clock):
    shift = world.shift(T0 + timedelta(minutes=10), minutes=60)
    clock.move_to(T0 + timedelta(hours=3))
    world.post(f"/shifts/{shift['id']}/close", "staff1", expect=200)
    resp = patch(world, f"/shifts/{shift['id']}", "staff1", {"capacity": 9}, 409)
    assert resp["error"]["code"] == "shift_closed"


def test_moved_times_may_not_overlap_a_volunteers_other_shift(world):
    one = world.shift(T0 + timedelta(hours=2), minutes=60)
    other = world.shift(T0 + timedelta(hours=4), minutes=60)
    world.signup(one["id"], "a")
    world.signup(other["id"], "a")
    resp = patch(world, f"/shifts/{one['id']}", "staff1",
                 {"ends_at": (T0 + timedelta(hours=4, minutes=30)).isoformat()}, 409)
    assert resp["error"]["code"] == "shift_overlap"
    assert resp["error"]["details"] == {"volunteers": 1}
    # Up to the other's start is fine; a cancelled sign-up no longer counts.
    patch(world, f"/shifts/{one['id']}", "staff1",
          {"ends_at": (T0 + timedelta(hours=4)).isoformat()}, 200)
    world.client.delete(f"/api/v1/shifts/{other['id']}/signup", headers=world.h("a"))
    patch(world, f"/shifts/{one['id']}", "staff1",
          {"ends_at": (T0 + timedelta(hours=4, minutes=30)).isoformat()}, 200)
