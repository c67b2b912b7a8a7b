"""The escalation job: overdue steps tell their handlers, then the street, each once; resolutions
left unrated for 7 days are closed. Running it again, or twice at once, changes nothing more."""
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.common.timeutil import utcnow


def _run(fb, now=None):
    from app.feedback.jobs import escalate

    with fb.app.app_context():
        return escalate(now)


def _overdue(fb, who):
    return [n for n in fb.inbox(who) if n["kind"] == "feedback_overdue"]


def _escalations(fb, fid):
    return [e for e in fb.events(fid) if e["action"] == "escalate"]


def test_an_overdue_report_tells_its_grid_worker_then_the_street_once_each(fb):
    fid = fb.create()["id"]
    deadline = fb.row(fid).deadline_at
    assert _run(fb, deadline - timedelta(minutes=1))["escalated"] == 0
    counts = _run(fb, deadline + timedelta(minutes=1))
    assert counts["escalated"] == 1 and counts["to_street"] == 0
    assert [n["title"] for n in _overdue(fb, "grid-1")] == ["社情民意超时未受理"]
    assert len(_overdue(fb, "demo-staff-1")) == 1  # staff oversee their grid workers
    assert _overdue(fb, "street-1") == [] and _overdue(fb, "demo-staff-2") == []
    assert _run(fb, deadline + timedelta(hours=2)) == {
        "auto_closed": 0, "escalated": 0, "to_street": 0, "failed": 0}
    counts = _run(fb, deadline + timedelta(hours=25))
    assert counts["to_street"] == 1 and counts["escalated"] == 0
    assert len(_overdue(fb, "street-1")) == 1
    assert _run(fb, deadline + timedelta(days=3))["to_street"] == 0
    assert len(_overdue(fb, "grid-1")) == 1 and len(_overdue(fb, "street-1")) == 1
    assert len(_overdue(fb, "demo-staff-1")) == 1
    events = _escalations(fb, fid)
    assert [(e["data"]["level"], e["data"]["notified"]) for e in events] == [
        (1, "handlers"), (2, "street")]
    assert all(e["actor"] == {"id": None, "role": "system"} for e in events)
    assert fb.view(fid)["status"] == "open"


def test_a_step_starts_a_new_clock_that_escalates_again(fb):
    fid = fb.create(where="courtyard")["id"]  # the community's staff handle it
    deadline = fb.row(fid).deadline_at
    _run(fb, deadline + timedelta(minutes=1))
    assert len(_overdue(fb, "demo-staff-1")) == 1
    fb.do(fid, "accept", "demo-staff-1")
    row = fb.row(fid)
    assert row.escalation_level == 0 and row.deadline_at == row.resolve_due_at
    assert _run(fb, row.deadline_at - timedelta(minutes=1))["escalated"] == 0
    assert _run(fb, row.deadline_at + timedelta(minutes=1))["escalated"] == 1
    assert [n["title"] for n in _overdue(fb, "demo-staff-1")] == [
        "社情民意超时未办理", "社情民意超时未受理"]


def test_a_transferred_report_overdue_tells_the_street(fb):
    fid = fb.to_state("transferred")
    deadline = fb.row(fid).deadline_at
    assert _run(fb, deadline + timedelta(minutes=1))["escalated"] == 1
    assert len(_overdue(fb, "street-1")) == 1 and _overdue(fb, "grid-1") == []
    assert _run(fb, deadline + timedelta(days=2))["to_street"] == 0


def test_a_street_without_its_admin_escalates_to_the_admins(fb, app):
    from app.auth.models import RoleGrant, User
    from app.extensions import db

    with app.app_context():  # street-1, and the demo's own street admin
        uids = db.session.scalars(sa.select(User.id).where(
            User.openid.in_(("street-1", "demo-street-1")))).all()
        db.session.execute(sa.update(RoleGrant).where(RoleGrant.user_id.in_(uids),
                                                      RoleGrant.role == "street_admin")
                           .values(revoked_at=utcnow()))
        db.session.commit()
    fid = fb.create()["id"]
    deadline = fb.row(fid).deadline_at
    _run(fb, deadline + timedelta(minutes=1))
    _run(fb, deadline + timedelta(hours=25))
    assert len(_overdue(fb, "demo-admin")) == 1


def test_a_resolution_left_unrated_for_seven_days_is_closed_once(fb):
    fid = fb.to_state("resolved")
    fresh = fb.to_state("resolved")
    fb.set(fid, resolved_at=utcnow() - timedelta(days=7, minutes=1))
    assert _run(fb)["auto_closed"] == 1
    assert _run(fb)["auto_closed"] == 0
    closed = fb.view(fid, "demo-resident-1")
    assert closed["status"] == "closed" and closed["rating"] is None
    last = fb.events(fid)[-1]
    assert last["action"] == "auto_close" and last["actor"] == {"id": None, "role": "system"}
    assert last["data"] == {"auto": True}
    assert fb.view(fresh)["status"] == "resolved"
    assert "feedback_closed" in [n["kind"] for n in fb.inbox("demo-resident-1")]
    fb.do(fid, "rate", "demo-resident-1", {"score": 5}, expect=409)


@pytest.mark.postgres
def test_parallel_runs_escalate_each_report_once(fb, app):
    ids = [fb.create(text=f"超时问题{i}")["id"] for i in range(6)]
    closing = [fb.to_state("resolved") for _ in range(3)]
    for fid in closing:
        fb.set(fid, resolved_at=utcnow() - timedelta(days=8))
    later = fb.row(ids[-1]).deadline_at + timedelta(hours=1)
    results, errors = [], []
    barrier = threading.Barrier(4)

    def run():
        from app.extensions import db
        from app.feedback.jobs import escalate

        with app.app_context():
            try:
                barrier.wait()
                results.append(escalate(later))
            except Exception as exc:  # noqa: BLE001 (reported below)
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sum(r["escalated"] for r in results) == len(ids)
    assert sum(r["auto_closed"] for r in results) == len(closing)
    assert sum(r["failed"] for r in results) == 0
    for fid in ids:
        assert len(_escalations(fb, fid)) == 1
    for fid in closing:
        assert [e["action"] for e in fb.events(fid)].count("auto_close") == 1
    assert len(_overdue(fb, "grid-1")) == len(ids)
