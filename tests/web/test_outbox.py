"""The job outbox: jobs are rows written in the request's transaction; Redis only wakes the
workers; a dead worker's job is taken again after its lease; each effect happens once."""
import concurrent.futures as cf
from datetime import timedelta

import pytest
import sqlalchemy as sa

RUNS: list = []
RECORD = f"{__name__}:_record"


def _record(tag):
    """A test job: its effect is a notification row (committed with the outbox row)."""
    from app.auth.models import User
    from app.extensions import db
    from app.notifications.models import Notification

    user_id = db.session.scalar(sa.select(User.id).order_by(User.id).limit(1))
    db.session.add(Notification(user_id=user_id, kind="drill", title=tag, body="", ref=""))
    db.session.flush()
    RUNS.append(tag)


def _boom(tag):
    raise RuntimeError("13812345678 must never reach the outbox")


@pytest.fixture
def user(make_user):
    return make_user("outbox-user")


def _rows(app):
    from app.extensions import db
    from app.jobs import OutboxJob

    with app.app_context():
        rows = [(r.path, r.status, r.attempts) for r in db.session.scalars(
            sa.select(OutboxJob).order_by(OutboxJob.id))]
        db.session.remove()
        return rows


def _notes(app, kind="drill"):
    from app.extensions import db
    from app.notifications.models import Notification

    with app.app_context():
        titles = sorted(db.session.scalars(sa.select(Notification.title)
                                           .where(Notification.kind == kind)))
        db.session.remove()
        return titles


def test_a_notification_job_is_an_outbox_row_committed_with_its_cause(app, user):
    from app.extensions import db
    from app.notifications.models import Notification
    from app.notifications.service import notify

    with app.app_context():
        notify(user, "submitted", "新的服务请求")
        db.session.commit()
        db.session.remove()
    rows = _rows(app)
    assert [r[0] for r in rows] == ["app.notifications.service:send_subscribe_message"]
    if app.extensions.get("rq_queue") is None:  # no Redis: ran inline after the commit
        assert rows[0][1:] == ("done", 1)
        with app.app_context():
            assert db.session.scalar(sa.select(Notification.push_status)) == "sent"
    else:  # Redis: a wake-up named after the row waits for a worker
        queue = app.extensions["rq_queue"]
        assert rows[0][1] == "pending"
        assert [j.id for j in queue.get_jobs()] == [f"outbox-{_first_id(app)}"]


def _first_id(app):
    from app.extensions import db
    from app.jobs import OutboxJob

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.min(OutboxJob.id)))


def test_a_rollback_drops_the_job_with_its_cause(app, user):
    from app.extensions import db
    from app.jobs import after_commit

    with app.app_context():
        after_commit(_record, "rolled-back")
        db.session.rollback()
        db.session.remove()
    assert _rows(app) == [] and "rolled-back" not in RUNS


def test_a_dead_workers_job_is_taken_again_after_its_lease_and_runs_once(app, user):
    from app.common.timeutil import utcnow
    from app.extensions import db
    from app.jobs import OutboxJob, drain

    with app.app_context():
        row = OutboxJob(path=RECORD, payload='{"args": ["lease"]}',
                        status="running", attempts=1, run_after=utcnow(),
                        locked_until=utcnow() + timedelta(minutes=5), locked_by="dead:1")
        db.session.add(row)
        db.session.commit()
        assert drain() == 0  # the lease still runs: maybe the worker is alive
        row.locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert drain() == 1
        assert drain() == 0
        db.session.remove()
    assert _rows(app) == [(RECORD, "done", 2)]
    assert _notes(app) == ["lease"]


def test_a_failing_job_waits_then_fails_for_good_without_its_message(app, user):
    from app.common.timeutil import utcnow
    from app.extensions import db
    from app.jobs import MAX_ATTEMPTS, OutboxJob, drain

    with app.app_context():
        db.session.add(OutboxJob(path=f"{__name__}:_boom", payload='{"args": [1]}',
                                 status="pending", attempts=0, run_after=utcnow()))
        db.session.commit()
        assert drain() == 1
        row = db.session.scalar(sa.select(OutboxJob))
        assert (row.status, row.attempts, row.last_error) == ("pending", 1, "RuntimeError")
        assert row.run_after > utcnow() + timedelta(seconds=20)
        assert drain() == 0  # not due yet
        for _ in range(MAX_ATTEMPTS - 1):
            row.run_after = utcnow() - timedelta(seconds=1)
            db.session.commit()
            drain()
        db.session.refresh(row)
        assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
        assert "138" not in (row.last_error or "")
        db.session.remove()


def test_a_subscribe_message_is_pushed_once_however_often_its_job_runs(app, user):
    from app.extensions import db
    from app.notifications.models import Notification
    from app.notifications.service import send_subscribe_message
    from app.wechat import get_client

    with app.app_context():
        note = Notification(user_id=user, kind="submitted", title="一次", body="", ref="")
        db.session.add(note)
        db.session.commit()
        fake = get_client()
        before = len(fake.sent)
        for _ in range(3):
            send_subscribe_message(note.id)
            db.session.commit()
        assert len(fake.sent) == before + 1
        db.session.remove()


def test_jobs_cli_drains_and_counts(app, user):
    from app.common.timeutil import utcnow
    from app.extensions import db
    from app.jobs import OutboxJob

    with app.app_context():
        db.session.add(OutboxJob(path=RECORD, payload='{"args": ["cli"]}',
                                 status="pending", attempts=0, run_after=utcnow()))
        db.session.commit()
        db.session.remove()
    runner = app.test_cli_runner()
    assert "pending=1" in runner.invoke(args=["jobs", "status"]).output
    assert "ran 1 job(s)" in runner.invoke(args=["jobs", "drain"]).output
    assert "pending=0" in runner.invoke(args=["jobs", "status"]).output
    assert _notes(app) == ["cli"]


@pytest.mark.postgres
def test_four_draining_workers_run_each_job_exactly_once(app, user):
    """SKIP LOCKED: 60 jobs, four workers draining at once, 60 effects."""
    from app.common.timeutil import utcnow
    from app.extensions import db
    from app.jobs import OutboxJob, drain

    with app.app_context():
        for i in range(60):
            db.session.add(OutboxJob(path=RECORD,
                                     payload=f'{{"args": ["n{i:02d}"]}}', status="pending",
                                     attempts=0, run_after=utcnow()))
        db.session.commit()
        db.session.remove()

    def worker(_):
        with app.app_context():
            try:
                return drain(1000)
            finally:
                db.session.remove()

    with cf.ThreadPoolExecutor(4) as pool:
        ran = list(pool.map(worker, range(4)))
    assert sum(ran) == 60
    assert _notes(app) == [f"n{i:02d}" for i in range(60)]
    assert {r[1:] for r in _rows(app)} == {("done", 1)}


@pytest.mark.redis
def test_with_redis_the_worker_runs_the_row_its_wake_up_names(app, user, monkeypatch):
    from rq import SimpleWorker

    import app.worker as worker_module
    from app.extensions import db
    from app.jobs import after_commit

    queue = app.extensions.get("rq_queue")
    if queue is None:
        pytest.skip("needs TEST_REDIS_URL")
    monkeypatch.setattr(worker_module, "_app", app)
    with app.app_context():
        after_commit(_record, "woken")
        db.session.commit()
        db.session.remove()
    assert _rows(app)[0][1] == "pending"
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert _rows(app) == [(RECORD, "done", 1)]
    assert _notes(app) == ["woken"]


def test_with_redis_down_the_row_waits_for_the_drain(backend, app, user):
    """Redis not answering at commit: the job is not lost; it runs inline at once."""
    from app import create_app
    from app.extensions import db, limiter
    from app.jobs import after_commit, drain
    from config import engine_options

    db_url, _ = backend
    down = create_app("testing", {"SQLALCHEMY_DATABASE_URI": db_url,
                                  "SQLALCHEMY_ENGINE_OPTIONS": engine_options(db_url),
                                  "REDIS_URL": "redis://127.0.0.1:1/0"})
    try:
        with down.app_context():
            after_commit(_record, "redis-down")
            db.session.commit()  # the wake-up fails: run inline at once
            assert drain() == 0
            db.session.remove()
        assert _rows(app) == [(RECORD, "done", 1)]
        assert _notes(app) == ["redis-down"]
    finally:
        with down.app_context():
            db.engine.dispose()
        down.extensions["redis"].close()
        limiter.init_app(app)
