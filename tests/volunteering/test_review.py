"""Hours to points: approval credits once, auto-approval, make-up records and their cap,
no-show marking, a volunteer's record and the leaderboards."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.volunteering.conftest import T0


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def served(world, clock, who="vol", minutes=120, auto_approve=False, points_per_hour=10,
           start=None):
    """`who` signs up, checks in at the start and out `minutes` later; the checkout body."""
    start = start or T0
    clock.move_to(start)
    shift = world.shift(start, minutes=120, auto_approve=auto_approve,
                        points_per_hour=points_per_hour)
    world.signup(shift["id"], who)
    world.checkin(shift["id"], who, expect=201)
    clock.move_to(start + timedelta(minutes=minutes))
    return world.checkout(shift["id"], who, expect=200).get_json() | {"shift_id": shift["id"]}


def test_approval_credits_points_once_and_a_second_approval_is_409(world, clock):
    out = served(world, clock, minutes=90)
    att = out["attendance_id"]
    assert out["status"] == "pending" and world.balance("vol") == 0
    body = world.post(f"/attendances/{att}/approve", "staff1", expect=200).get_json()
    assert body["status"] == "credited" and body["points"] == 15 and body["verified"] is True
    assert world.balance("vol") == 15
    again = world.post(f"/attendances/{att}/approve", "staff1b", expect=409).get_json()
    assert again["error"]["code"] == "invalid_transition"
    assert again["error"]["details"] == {"status": "credited"}
    assert world.balance("vol") == 15 and world.shift_credits(att) == 1


def test_approval_is_scoped_to_the_community_and_never_self(world, clock):
    world.user("staff1", [("staff", {"community_id": world.c1})])
    out = served(world, clock, who="staff1")
    att = out["attendance_id"]
    assert world.post(f"/attendances/{att}/approve", "staff2").status_code == 404
    assert world.post(f"/attendances/{att}/approve", "resident").status_code == 403
    resp = world.post(f"/attendances/{att}/approve", "staff1", expect=403)
    assert resp.get_json()["error"]["code"] == "self_review"
    assert world.balance("staff1") == 0


def test_partial_attendance_can_be_approved_with_fewer_minutes_only(world, clock):
    out = served(world, clock, minutes=60)
    assert out["status"] == "partial"
    att = out["attendance_id"]
    world.post(f"/attendances/{att}/approve", "staff1", {"minutes": 61}, expect=422)
    body = world.post(f"/attendances/{att}/approve", "staff1", {"minutes": 30, "note": "早退"},
                      expect=200).get_json()
    assert (body["minutes"], body["points"]) == (30, 5)
    assert world.balance("vol") == 5


def test_rejected_attendance_credits_nothing(world, clock):
    att = served(world, clock)["attendance_id"]
    body = world.post(f"/attendances/{att}/reject", "staff1", {"note": "未在岗"},
                      expect=200).get_json()
    assert body["status"] == "rejected"
    world.post(f"/attendances/{att}/approve", "staff1", expect=409)
    assert world.balance("vol") == 0 and world.shift_credits(att) == 0


def test_auto_approval_never_credits_a_check_in_by_the_shift_wide_code(world, clock):
    """Code and position at both ends can be faked with a photo of the QR: staff review it.
    (Attendance proven by scanned passes is credited: see test_checkin.py.)"""
    out = served(world, clock, auto_approve=True)
    assert (out["status"], out["points"]) == ("pending", 0)
    assert world.balance("vol") == 0
    assert world.shift_credits(out["attendance_id"]) == 0


def test_auto_approval_does_not_apply_without_a_code(world, clock):
    shift = world.shift(T0, auto_approve=True, code_required=False)
    world.signup(shift["id"], "vol")
    world.checkin(shift["id"], "vol", code=None, expect=201)
    clock.move_to(T0 + timedelta(minutes=120))
    out = world.checkout(shift["id"], "vol", code=None, expect=200).get_json()
    assert out["status"] == "pending" and world.balance("vol") == 0


def test_manual_record_is_capped_per_volunteer_per_month(world, clock, app, monkeypatch):
    with monkeypatch.context() as m:
        m.setitem(app.config, "VOLUNTEER_MANUAL_CAP_MINUTES", 180)
        world.user("vol")
        shifts = [world.past_shift(T0 - timedelta(days=d), minutes=120, signups=["vol"])
                  for d in (1, 2, 3)]
        first = world.post("/attendances/manual", "staff1", {
            "shift_id": shifts[0]["id"], "user_id": world.users["vol"], "minutes": 120,
            "reason": "忘记签到，现场照片为证"}, expect=201).get_json()
        assert first["manual"] is True and first["status"] == "pending"
        resp = world.post("/attendances/manual", "staff1", {
            "shift_id": shifts[1]["id"], "user_id": world.users["vol"], "minutes": 61,
            "reason": "补录"}, expect=409)
        assert resp.get_json()["error"]["code"] == "manual_cap_exceeded"
        assert resp.get_json()["error"]["details"] == {"cap_minutes": 180, "used_minutes": 120}
        world.post("/attendances/manual", "staff1", {
            "shift_id": shifts[1]["id"], "user_id": world.users["vol"], "minutes": 60,
            "reason": "补录"}, expect=201)
        # A shift in the previous month counts against that month, not this one.
        clock.move_to(T0 + timedelta(days=30, hours=3))
        world.forget_logins()
        april = world.past_shift(T0 + timedelta(days=30), minutes=120, signups=["vol"])
        world.post("/attendances/manual", "staff1", {
            "shift_id": april["id"], "user_id": world.users["vol"], "minutes": 120,
            "reason": "补录"}, expect=201)


def test_rejected_manual_records_do_not_count_against_the_cap(world, clock, app, monkeypatch):
    with monkeypatch.context() as m:
        m.setitem(app.config, "VOLUNTEER_MANUAL_CAP_MINUTES", 120)
        world.user("vol")
        one, two = (world.past_shift(T0 - timedelta(days=d), signups=["vol"]) for d in (1, 2))
        att = world.post("/attendances/manual", "staff1", {
            "shift_id": one["id"], "user_id": world.users["vol"], "minutes": 120,
            "reason": "补录"}, expect=201).get_json()["id"]
        world.post(f"/attendances/{att}/reject", "staff1b", {"note": "无凭据"}, expect=200)
        world.post("/attendances/manual", "staff1", {
            "shift_id": two["id"], "user_id": world.users["vol"], "minutes": 120,
            "reason": "补录"}, expect=201)


def test_manual_record_refusals(world, clock):
    world.user("vol")
    past = world.past_shift(T0 - timedelta(days=1), minutes=60, signups=["vol"])
    future = world.shift(T0 + timedelta(days=1))
    body = {"shift_id": past["id"], "user_id": world.users["vol"], "minutes": 30,
            "reason": "补录"}
    assert world.post("/attendances/manual", "staff2", body).status_code == 404
    world.post("/attendances/manual", "staff1", dict(body, minutes=61), expect=422)
    world.post("/attendances/manual", "staff1", dict(body, user_id=world.users["staff1"]),
               expect=403)
    resp = world.post("/attendances/manual", "staff1", dict(body, shift_id=future["id"]),
                      expect=409)
    assert resp.get_json()["error"]["code"] == "shift_not_started"
    world.post("/attendances/manual", "staff1", body, expect=201)
    resp = world.post("/attendances/manual", "staff1", body, expect=409)
    assert resp.get_json()["error"]["code"] == "attendance_exists"


def test_no_show_marking_after_the_grace(world, clock):
    shift = world.shift(T0, minutes=60)
    for who in ("came", "forgot_out", "absent"):
        world.signup(shift["id"], who)
    world.signup(world.shift(T0 + timedelta(days=1))["id"], "absent")  # not yet due
    world.checkin(shift["id"], "came", expect=201)
    world.checkin(shift["id"], "forgot_out", expect=201)
    clock.move_to(T0 + timedelta(minutes=60))
    world.checkout(shift["id"], "came", expect=200)
    clock.move_to(T0 + timedelta(minutes=85))
    resp = world.post(f"/shifts/{shift['id']}/close", "staff1", expect=409)
    assert resp.get_json()["error"]["code"] == "shift_not_ended"
    clock.move_to(T0 + timedelta(minutes=91))
    body = world.post(f"/shifts/{shift['id']}/close", "staff1", expect=200).get_json()
    assert (body["no_shows"], body["unfinished"], body["already_closed"]) == (1, 1, False)
    assert world.post(f"/shifts/{shift['id']}/close", "staff1").get_json()["already_closed"]
    statuses = {s["user"]["nickname"]: s["status"] for s in
                world.get(f"/shifts/{shift['id']}/signups", "staff1")["items"]}
    assert statuses == {"came": "confirmed", "forgot_out": "confirmed", "absent": "no_show"}
    pending = world.get(f"/attendances?community_id={world.c1}&status=partial", "staff1")
    assert [(a["user"]["nickname"], a["minutes"], a["review_note"]) for a in pending["items"]] \
        == [("forgot_out", 0, "未签退")]
    assert world.get("/me/volunteer-record", "absent")["no_shows"] == 1


def test_close_shifts_command_closes_every_ended_shift(world, clock, app):
    from app.volunteering.models import Signup

    ended = world.shift(T0, minutes=30)
    later = world.shift(T0 + timedelta(hours=5), minutes=30)
    world.signup(ended["id"], "a")
    world.signup(later["id"], "a")
    clock.move_to(T0 + timedelta(hours=2))
    result = app.test_cli_runner().invoke(args=["volunteering", "close-shifts"])
    assert result.exit_code == 0, result.output
    assert "closed 1 shifts: 1 no-shows" in result.output
    assert world.db_value(sa.select(sa.func.count()).select_from(Signup).where(
        Signup.status == "no_show")) == 1


def test_record_shows_verified_manual_and_pending_apart(world, clock):
    one = served(world, clock, minutes=120)
    world.post(f"/attendances/{one['attendance_id']}/approve", "staff1", expect=200)
    served(world, clock, minutes=120, start=T0 + timedelta(hours=3))  # left pending
    past = world.past_shift(T0 - timedelta(days=2), minutes=60, signups=["vol"])
    manual = world.post("/attendances/manual", "staff1", {
        "shift_id": past["id"], "user_id": world.users["vol"], "minutes": 60,
        "reason": "补录"}, expect=201).get_json()["id"]
    world.post(f"/attendances/{manual}/approve", "staff1b", expect=200)
    record = world.get("/me/volunteer-record", "vol")
    assert record == {"user_id": world.users["vol"], "community_id": None,
                      "verified_minutes": 120, "manual_minutes": 60, "pending_minutes": 120,
                      "points": 30, "activities": 2, "no_shows": 0}
    staff_view = world.get(f"/volunteers/{world.users['vol']}/record?community_id={world.c1}",
                           "staff1")
    assert staff_view["verified_minutes"] == 120
    world.get(f"/volunteers/{world.users['vol']}/record?community_id={world.c1}", "staff2",
              expect=403)
    world.get(f"/volunteers/{world.users['vol']}/record", "staff1", expect=403)
    mine = world.get("/me/attendances", "vol")["items"]
    assert [a["manual"] for a in mine] == [True, False, False]


def test_leaderboards_rank_verified_hours_of_the_period(world, clock):
    clock.move_to(T0 - timedelta(days=20))
    team = world.post("/teams", "staff1", {"community_id": world.c1, "kind": "v_station",
                                           "name": "观湖志愿V站"}, expect=201).get_json()
    for who, minutes, start in (("a", 100, T0 - timedelta(days=20)),  # last month
                                ("a", 120, T0), ("b", 90, T0 + timedelta(hours=3))):
        world.forget_logins()
        out = served(world, clock, who=who, minutes=minutes, start=start)
        world.post(f"/attendances/{out['attendance_id']}/approve", "staff1", expect=200)
    world.post(f"/teams/{team['id']}/members", "staff1", {"user_id": world.users["b"]},
               expect=201)
    clock.move_to(T0 + timedelta(hours=8))
    month = world.get(f"/communities/{world.c1}/leaderboard?period=month", "b")["items"]
    assert [(r["rank"], r["nickname"], r["minutes"]) for r in month] == [(1, "a", 120),
                                                                         (2, "b", 90)]
    year = world.get(f"/communities/{world.c1}/leaderboard?period=year", "b")["items"]
    assert [(r["nickname"], r["minutes"], r["hours"]) for r in year] == [("a", 220, 3.7),
                                                                         ("b", 90, 1.5)]
    team_board = world.get(f"/teams/{team['id']}/leaderboard", "a")["items"]
    assert [r["nickname"] for r in team_board] == ["b"]
    assert world.get(f"/communities/{world.c2}/leaderboard", "a")["items"] == []


def _forgot_checkout(world, clock, who="vol", checkin_after=30):
    """`who` checks in `checkin_after` minutes into a 120-minute shift at T0, never checks
    out, and the shift is closed; the attendance id."""
    shift = world.shift(T0, minutes=120)
    world.signup(shift["id"], who)
    clock.move_to(T0 + timedelta(minutes=checkin_after))
    att = world.checkin(shift["id"], who, expect=201).get_json()["attendance_id"]
    clock.move_to(T0 + timedelta(minutes=151))
    world.post(f"/shifts/{shift['id']}/close", "staff1", expect=200)
    return att


def test_a_check_in_never_checked_out_is_not_credited_in_one_tap(world, clock):
    att = _forgot_checkout(world, clock)
    row = world.get(f"/attendances/{att}", "staff1")
    assert (row["status"], row["minutes"], row["review_note"]) == ("partial", 0, "未签退")
    resp = world.post(f"/attendances/{att}/approve", "staff1", expect=409)
    assert resp.get_json()["error"]["code"] == "minutes_not_entered"
    assert resp.get_json()["error"]["details"] == {"max_minutes": 90}
    assert world.balance("vol") == 0 and world.shift_credits(att) == 0


def test_staff_enter_the_minutes_of_a_missing_check_out_and_another_approves(world, clock):
    att = _forgot_checkout(world, clock)
    # Up to the shift's end from the check-in: 90 minutes.
    resp = world.post(f"/attendances/{att}/minutes", "staff1",
                      {"minutes": 91, "reason": "现场照片"}, expect=422)
    assert "minutes" in resp.get_json()["error"]["details"]["fields"]
    world.post(f"/attendances/{att}/minutes", "staff2", {"minutes": 60, "reason": "x"},
               expect=404)
    world.post(f"/attendances/{att}/minutes", "vol", {"minutes": 60, "reason": "x"},
               expect=403)
    body = world.post(f"/attendances/{att}/minutes", "staff1",
                      {"minutes": 80, "reason": "现场照片，提前离开"}, expect=200).get_json()
    assert (body["status"], body["minutes"], body["manual"], body["verified"],
            body["recorded_by_id"]) == ("partial", 80, True, False, world.users["staff1"])
    resp = world.post(f"/attendances/{att}/approve", "staff1", expect=403)
    assert resp.get_json()["error"]["code"] == "recorder_review"
    world.post(f"/attendances/{att}/approve", "staff1b", {"minutes": 81}, expect=422)
    body = world.post(f"/attendances/{att}/approve", "staff1b", expect=200).get_json()
    assert (body["status"], body["minutes"], body["points"]) == ("credited", 80, 13)
    assert world.balance("vol") == 13
    # Entered minutes are not verified hours: shown as manual, never on the leaderboard.
    record = world.get("/me/volunteer-record", "vol")
    assert (record["verified_minutes"], record["manual_minutes"]) == (0, 80)
    assert world.get(f"/communities/{world.c1}/leaderboard", "vol")["items"] == []
    resp = world.post(f"/attendances/{att}/minutes", "staff1b", {"minutes": 90, "reason": "x"},
                      expect=409)
    assert resp.get_json()["error"]["code"] == "invalid_transition"


def test_the_approver_is_neither_the_volunteer_nor_who_entered_the_minutes(world, clock):
    world.user("staff1c", [("staff", {"community_id": world.c1})])
    world.user("staff1", [("staff", {"community_id": world.c1})])
    att = _forgot_checkout(world, clock, who="staff1")
    resp = world.post(f"/attendances/{att}/minutes", "staff1", {"minutes": 90, "reason": "x"},
                      expect=403)
    assert resp.get_json()["error"]["code"] == "self_review"
    world.post(f"/attendances/{att}/minutes", "staff1b", {"minutes": 90, "reason": "签到表"},
               expect=200)
    assert world.post(f"/attendances/{att}/approve", "staff1",
                      expect=403).get_json()["error"]["code"] == "self_review"
    assert world.post(f"/attendances/{att}/approve", "staff1b",
                      expect=403).get_json()["error"]["code"] == "recorder_review"
    world.post(f"/attendances/{att}/approve", "staff1c", expect=200)
    assert world.balance("staff1") == 15


def test_minutes_are_entered_only_for_a_closed_check_in_without_check_out(world, clock):
    shift = world.shift(T0, minutes=120)
    ids = {}
    for who in ("in_only", "both"):
        world.signup(shift["id"], who)
        ids[who] = world.checkin(shift["id"], who, expect=201).get_json()["attendance_id"]
    clock.move_to(T0 + timedelta(minutes=120))
    world.checkout(shift["id"], "both", expect=200)
    for att in ids.values():  # the shift is not closed yet; "both" checked out
        world.post(f"/attendances/{att}/minutes", "staff1", {"minutes": 10, "reason": "x"},
                   expect=409)
    clock.move_to(T0 + timedelta(minutes=151))
    world.post(f"/shifts/{shift['id']}/close", "staff1", expect=200)
    world.post(f"/attendances/{ids['both']}/minutes", "staff1",
               {"minutes": 10, "reason": "x"}, expect=409)
    world.post(f"/attendances/{ids['in_only']}/minutes", "staff1",
               {"minutes": 10, "reason": "x"}, expect=200)


def test_entered_minutes_count_against_the_monthly_cap_and_budget(world, clock, app, monkeypatch):
    from app.community.models import Community
    from app.extensions import db

    with monkeypatch.context() as m:
        m.setitem(app.config, "VOLUNTEER_MANUAL_CAP_MINUTES", 100)
        att = _forgot_checkout(world, clock, checkin_after=0)
        resp = world.post(f"/attendances/{att}/minutes", "staff1",
                          {"minutes": 101, "reason": "x"}, expect=409)
        assert resp.get_json()["error"]["code"] == "manual_cap_exceeded"
        world.post(f"/attendances/{att}/minutes", "staff1", {"minutes": 100, "reason": "x"},
                   expect=200)
        # Entering again replaces the minutes instead of adding to them.
        world.post(f"/attendances/{att}/minutes", "staff1", {"minutes": 90, "reason": "x"},
                   expect=200)
    with app.app_context():
        db.session.execute(sa.update(Community).where(Community.id == world.c1)
                           .values(manual_budget_minutes=100))
        db.session.commit()
    late = world.past_shift(T0 - timedelta(days=1), signups=["late"])
    resp = world.post("/attendances/manual", "staff1", {
        "shift_id": late["id"], "user_id": world.users["late"], "minutes": 11,
        "reason": "补录"}, expect=409)
    assert resp.get_json()["error"]["code"] == "manual_budget_exhausted"


def test_approvals_and_rejections_are_audited(world, clock):
    from app.audit.models import AuditEntry
    from app.extensions import db

    served_att = served(world, clock)["attendance_id"]
    world.post(f"/attendances/{served_att}/approve", "staff1", {"note": "ok"}, expect=200)
    past = world.past_shift(T0 - timedelta(days=1), signups=["other"])
    made_up = world.post("/attendances/manual", "staff1", {
        "shift_id": past["id"], "user_id": world.users["other"], "minutes": 30,
        "reason": "补录"}, expect=201).get_json()["id"]
    world.post(f"/attendances/{made_up}/reject", "staff1b", {"note": "无凭据"}, expect=200)
    with world.app.app_context():
        entries = [(e.action, e.actor_id, e.target_type, e.target_id, e.details) for e in
                   db.session.scalars(sa.select(AuditEntry).where(
                       AuditEntry.action.in_(("approve", "reject"))).order_by(AuditEntry.id))]
    assert entries == [
        ("approve", world.users["staff1"], "attendance", served_att,
         {"manual": False, "minutes": 120, "points": 20}),
        ("reject", world.users["staff1b"], "attendance", made_up,
         {"manual": True, "minutes": 30})]
