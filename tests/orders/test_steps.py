"""One function writes every step of a request, in one documented order; content approval
and escalation are steps too; the escalation loop is a job."""
import pathlib
import re
from datetime import timedelta

import sqlalchemy as sa
import time_machine

from app.common.timeutil import utcnow

WRITES = [("request", r"^UPDATE service_requests\b"), ("event", r"^INSERT INTO request_events\b"),
          ("load", r"^UPDATE partners\b"), ("ledger", r"^(INSERT INTO|UPDATE) tb_\w+"),
          ("notify", r"^INSERT INTO notifications\b")]


def _writes(app, fn) -> list[str]:
    """The kinds of write `fn` sends to the database, in order, repeats collapsed."""
    from sqlalchemy import event

    from app.extensions import db

    with app.app_context():
        engine = db.engine
    kinds: list[str] = []

    def before(conn, cursor, statement, *args):
        text = statement.lstrip().replace('"', "")
        kind = next((k for k, pattern in WRITES if re.match(pattern, text, re.I)), None)
        if kind and (not kinds or kinds[-1] != kind):
            kinds.append(kind)

    event.listen(engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return kinds


def test_a_step_writes_in_its_documented_order(flow, app):
    """A dispatch to a partner of a community-paid request does all five: the request's
    conditional update, its event, the partner's load, the reservation, the inbox."""
    rid = flow.create()["id"]
    writes = _writes(app, lambda: flow.do(rid, "dispatch", "demo-staff-1",
                                          {"partner_id": flow.partner_id()}))
    assert writes == ["request", "event", "load", "ledger", "notify"]


def _events(app, rid):
    from app.extensions import db
    from app.orders.models import RequestEvent

    with app.app_context():
        return db.session.execute(sa.select(
            RequestEvent.action, RequestEvent.from_status, RequestEvent.to_status,
            RequestEvent.actor_role).where(RequestEvent.request_id == rid)
            .order_by(RequestEvent.id)).all()


def test_every_step_goes_through_apply(flow, app, monkeypatch):
    from app.extensions import db
    from app.orders import service
    from app.orders.models import RequestEvent

    applied = []
    real = service.apply

    def spy(step):
        won = real(step)
        applied.append(step.action)
        return won

    monkeypatch.setattr(service, "apply", spy)
    flow.to_state("confirmed")
    flow.to_state("cancelled")
    flow.to_state("pooled")
    held = flow.create(description="水管漏水 [wechat-down]")["id"]
    flow.client.post(f"/api/v1/requests/{held}/content/approve", headers=flow.h("demo-staff-1"))
    with time_machine.travel(utcnow() + timedelta(hours=25)):
        app.test_cli_runner().invoke(args=["orders", "escalate"])
    with app.app_context():
        written = db.session.scalars(sa.select(RequestEvent.action).where(
            RequestEvent.action != "create")).all()
    assert sorted(applied) == sorted(written)
    assert {"approve_content", "escalate", "expire", "dispatch", "confirm", "cancel"} <= set(
        written)


def test_content_approval_is_a_step_on_the_timeline(flow, app):
    rid = flow.create(description="水管漏水 [wechat-down]")["id"]
    url = f"/api/v1/requests/{rid}/content/approve"
    assert flow.client.post(url, headers=flow.h("demo-resident-1")).status_code == 403
    first = flow.client.post(url, headers=flow.h("demo-staff-1"))
    assert first.status_code == 200 and first.get_json()["content_held"] is False
    again = flow.client.post(url, headers=flow.h("demo-staff-1"))
    assert again.status_code == 200  # already published: nothing more is written
    assert _events(app, rid) == [("create", None, "submitted", "resident"),
                                 ("approve_content", "submitted", "submitted", "staff")]
    assert [e["action"] for e in flow.events(rid, "demo-resident-1")] == [
        "create", "approve_content"]


class _Queue:
    def __init__(self):
        self.jobs = []

    def enqueue(self, entry, path, *args, **kwargs):
        self.jobs.append((entry, path))
        return type("Job", (), {"id": "job-1"})()


def test_the_escalation_loop_is_a_job_the_queue_can_run(app, monkeypatch):
    from app.jobs import resolve
    from app.orders import jobs

    queue = _Queue()
    monkeypatch.setitem(app.extensions, "rq_queue", queue)
    out = app.test_cli_runner().invoke(args=["orders", "escalate", "--enqueue"])
    assert "enqueued job-1" in out.output
    [(entry, path)] = queue.jobs
    assert entry == "app.worker.run_job" and resolve(path) is jobs.escalate


def test_only_the_job_and_the_command_commit():
    root = pathlib.Path(__file__).resolve().parents[2] / "app" / "orders"
    committing = sorted(p.name for p in root.glob("*.py")
                        if re.search(r"\.(commit|rollback)\(\)", p.read_text()))
    assert committing == ["jobs.py"]
