"""Concurrency claims, proven with real parallel requests against gunicorn on PostgreSQL."""
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

from app.common.timeutil import utcnow
from tests.volunteering.conftest import SITE

pytestmark = pytest.mark.postgres


def parallel(calls, workers=24):
    """Run the zero-argument callables at once; their responses in order."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda call: call(), calls))


def post(base, path, headers, body=None):
    return lambda: requests.post(f"{base}/api/v1{path}", json=body or {}, headers=headers,
                                 timeout=30)


def delete(base, path, headers):
    return lambda: requests.delete(f"{base}/api/v1{path}", headers=headers, timeout=30)


def signups(world, shift_id):
    from app.volunteering.models import Signup

    rows = world.db_value(sa.select(sa.func.json_agg(sa.func.json_build_array(
        Signup.id, Signup.user_id, Signup.status))).where(Signup.shift_id == shift_id))
    return sorted(rows or [])


def signed_up(world, shift_id):
    from app.volunteering.models import Shift

    return world.db_value(sa.select(Shift.signed_up).where(Shift.id == shift_id))


def test_concurrent_signups_never_exceed_capacity_and_waitlist_in_order(world, live_server):
    shift = world.shift(utcnow() + timedelta(hours=2), capacity=5)
    names = [f"v{i}" for i in range(40)]
    heads = [world.h(n) for n in names]
    answers = parallel([post(live_server, f"/shifts/{shift['id']}/signup", h) for h in heads])
    assert [r.status_code for r in answers] == [201] * 40
    statuses = [r.json()["status"] for r in answers]
    assert statuses.count("confirmed") == 5 and statuses.count("waitlisted") == 35
    rows = signups(world, shift["id"])
    assert [s for _, _, s in rows].count("confirmed") == 5 == signed_up(world, shift["id"])

    # The five confirmed cancel while ten newcomers sign up, all at once.
    confirmed = [n for n, s in zip(names, statuses, strict=True) if s == "confirmed"]
    newcomers = [world.h(f"late{i}") for i in range(10)]
    calls = [delete(live_server, f"/shifts/{shift['id']}/signup", world.h(n))
             for n in confirmed]
    calls += [post(live_server, f"/shifts/{shift['id']}/signup", h) for h in newcomers]
    answers = parallel(calls)
    assert [r.status_code for r in answers[:5]] == [200] * 5
    assert {r.json()["status"] for r in answers[5:]} == {"waitlisted"}
    rows = signups(world, shift["id"])
    live = [(sid, uid) for sid, uid, s in rows if s == "confirmed"]
    assert len(live) == 5 == signed_up(world, shift["id"])
    # Promotion follows sign-up order: the first five of the original waitlist.
    waitlisted_first = sorted(sid for sid, _, s in rows if s != "cancelled")[:5]
    assert sorted(sid for sid, _ in live) == waitlisted_first


def test_one_volunteer_cannot_take_two_overlapping_shifts_in_parallel(world, live_server):
    start = utcnow() + timedelta(hours=3)
    shifts = [world.shift(start + timedelta(minutes=10 * i), capacity=5) for i in range(6)]
    head = world.h("busy")
    answers = parallel([post(live_server, f"/shifts/{s['id']}/signup", head) for s in shifts])
    codes = sorted(r.status_code for r in answers)
    assert codes == [201, 409, 409, 409, 409, 409]
    assert {r.json()["error"]["code"] for r in answers if r.status_code == 409} == \
        {"shift_overlap"}


def test_parallel_duplicate_checkins_make_one_attendance(world, live_server):
    from app.volunteering.models import Attendance, UsedCode

    shift = world.shift(utcnow() - timedelta(minutes=10))
    world.signup(shift["id"], "vol")
    body = {"lat": SITE[0], "lng": SITE[1], "code": world.code(shift["id"])}
    answers = parallel([post(live_server, f"/shifts/{shift['id']}/checkin", world.h("vol"),
                             body) for _ in range(12)])
    assert sorted(r.status_code for r in answers) == [200] * 11 + [201]
    assert len({r.json()["attendance_id"] for r in answers}) == 1
    assert world.db_value(sa.select(sa.func.count()).select_from(Attendance)) == 1
    assert world.db_value(sa.select(sa.func.count()).select_from(UsedCode)) == 1


def test_approve_called_concurrently_credits_exactly_once(world, live_server):
    from app.extensions import db
    from app.volunteering.models import Attendance

    shift = world.past_shift(utcnow() - timedelta(minutes=90), minutes=120, points_per_hour=12)
    world.user("vol")
    with world.app.app_context():
        att = Attendance(shift_id=shift["id"], user_id=world.users["vol"],
                         community_id=world.c1, status="pending", minutes=120,
                         checked_in_at=utcnow() - timedelta(minutes=90),
                         checked_out_at=utcnow())
        db.session.add(att)
        db.session.commit()
        att_id = att.id
    staff = [world.h("staff1"), world.h("staff1b")]
    answers = parallel([post(live_server, f"/attendances/{att_id}/approve", staff[i % 2])
                        for i in range(16)])
    codes = sorted(r.status_code for r in answers)
    assert codes == [200] + [409] * 15, [r.text for r in answers if r.status_code >= 500]
    assert world.shift_credits(att_id) == 1
    assert world.balance("vol") == 24


def test_concurrent_scans_of_one_pass_check_in_exactly_once(world, live_server):
    """Staff on two phones scan the same pass at the same moment, many times over: one scan
    checks the volunteer in, every other one is refused as a used pass."""
    from app.volunteering.models import Attendance, UsedPass

    shift = world.shift(utcnow() - timedelta(minutes=10))
    world.signup(shift["id"], "vol")
    token = world.get(f"/shifts/{shift['id']}/pass", "vol")["token"]
    staff = [world.h("staff1"), world.h("staff1b")]
    body = {"token": token, "kind": "in"}
    answers = parallel([post(live_server, f"/shifts/{shift['id']}/scan", staff[i % 2], body)
                        for i in range(16)])
    codes = sorted(r.status_code for r in answers)
    assert codes == [200] + [409] * 15, [r.text for r in answers if r.status_code >= 500]
    assert {r.json()["error"]["code"] for r in answers if r.status_code == 409} == {"pass_used"}
    assert world.db_value(sa.select(sa.func.count()).select_from(Attendance)) == 1
    assert world.db_value(sa.select(sa.func.count()).select_from(UsedPass)) == 1


def test_concurrent_scans_of_one_check_out_pass_credit_exactly_once(world, live_server):
    """The same race at check-out on an auto-approving activity: one check-out, one credit."""
    from app.extensions import db
    from app.volunteering.models import Attendance

    shift = world.past_shift(utcnow() - timedelta(minutes=100), minutes=120, auto_approve=True,
                             points_per_hour=12, signups=["vol"])
    with world.app.app_context():
        att = Attendance(shift_id=shift["id"], user_id=world.users["vol"],
                         community_id=world.c1, status="checked_in", in_proof="pass",
                         in_scanned_by_id=world.users["staff1"],
                         checked_in_at=utcnow() - timedelta(minutes=100))
        db.session.add(att)
        db.session.commit()
        att_id = att.id
    token = world.get(f"/shifts/{shift['id']}/pass", "vol")["token"]
    staff = [world.h("staff1"), world.h("staff1b")]
    body = {"token": token, "kind": "out"}
    answers = parallel([post(live_server, f"/shifts/{shift['id']}/scan", staff[i % 2], body)
                        for i in range(16)])
    codes = sorted(r.status_code for r in answers)
    assert codes == [200] + [409] * 15, [r.text for r in answers if r.status_code >= 500]
    (won,) = [r.json() for r in answers if r.status_code == 200]
    assert (won["status"], won["points"]) == ("credited", 20)
    assert world.shift_credits(att_id) == 1
    assert world.balance("vol") == 20


def test_two_staff_recording_make_up_minutes_at_once_never_pass_the_monthly_budget(
        world, live_server):
    """Budget 300 minutes, 16 make-up records of 60 minutes sent at once by two staff members:
    exactly five are recorded, the others are refused with manual_budget_exhausted."""
    from app.community.models import Community
    from app.extensions import db
    from app.volunteering.models import Attendance

    with world.app.app_context():
        db.session.execute(sa.update(Community).where(Community.id == world.c1)
                           .values(manual_budget_minutes=300))
        db.session.commit()
    names = [f"v{i}" for i in range(16)]
    shift = world.past_shift(utcnow() - timedelta(hours=3), minutes=120, capacity=16,
                             signups=names)
    staff = [world.h("staff1"), world.h("staff1b")]
    answers = parallel([post(live_server, "/attendances/manual", staff[i % 2], {
        "shift_id": shift["id"], "user_id": world.users[name], "minutes": 60,
        "reason": "纸质签到表"}) for i, name in enumerate(names)])
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] * 5 + [409] * 11, [r.text for r in answers if r.status_code >= 500]
    assert {r.json()["error"]["code"] for r in answers if r.status_code == 409} == \
        {"manual_budget_exhausted"}
    assert world.db_value(sa.select(sa.func.sum(Attendance.minutes)).where(
        Attendance.manual.is_(True))) == 300
