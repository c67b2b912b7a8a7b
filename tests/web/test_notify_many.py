"""`notify_many`: one INSERT of the inbox rows, one push job per batch of them; each item is
pushed once, even when its batch runs again after a partial run; a rollback drops it all."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.web.test_outbox import _rows as _outbox

MANY = "app.notifications.jobs:send_subscribe_messages"


@pytest.fixture
def users(make_user):
    return [make_user(f"many-{i}") for i in range(5)]


@pytest.fixture
def small_batches(monkeypatch):
    from app.notifications import service

    monkeypatch.setattr(service, "PUSH_BATCH", 2)


def _run_jobs(app):
    """With Redis the jobs wait for a worker: run them as a worker's drain would."""
    from app.extensions import db
    from app.jobs import drain

    if app.extensions.get("rq_queue") is not None:
        with app.app_context():
            drain()
            db.session.remove()


def _fake(app):
    from app.wechat import get_client

    with app.app_context():
        return get_client()


def _notes(app):
    from app.extensions import db
    from app.notifications.models import Notification

    with app.app_context():
        rows = [(n.user_id, n.kind, n.title, n.body, n.ref, n.page, n.push_status)
                for n in db.session.scalars(sa.select(Notification).order_by(Notification.id))]
        db.session.remove()
        return rows


def _inserts(app, fn):
    """Run `fn()`; the INSERT statements it sent, by table."""
    from app.extensions import db

    seen = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO"):
            seen.append(statement.split()[2].strip('"'))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            fn()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
    return seen


def test_one_insert_of_the_rows_one_job_per_batch_each_pushed_once(app, users, small_batches):
    from app.extensions import db
    from app.notifications.service import notify_many

    def tell():
        assert notify_many(users + [users[0]], "shift_promoted", "志愿报名候补成功", "周六上午",
                           "shift:7") == 5
        db.session.commit()
        db.session.remove()

    inserts = _inserts(app, tell)
    assert inserts[:2] == ["notifications", "job_outbox"]  # then the inline jobs' own writes
    _run_jobs(app)
    assert [r[:2] for r in _outbox(app)] == [(MANY, "done")] * 3  # 2 + 2 + 1
    notes = _notes(app)
    assert sorted(n[0] for n in notes) == sorted(users)
    assert {n[1:] for n in notes} == {("shift_promoted", "志愿报名候补成功", "周六上午",
                                       "shift:7", "packages/volunteer/shift/index?id=7",
                                       "sent")}
    sent = _fake(app).sent
    assert sorted(m["touser"] for m in sent) == [f"many-{i}" for i in range(5)]
    assert {m["page"] for m in sent} == {"packages/volunteer/shift/index?id=7"}


def test_the_inbox_shows_them_as_notify_does(app, client, login, users):
    from app.extensions import db
    from app.notifications.service import notify, notify_many

    with app.app_context():
        notify(users[0], "consultation", "单条", "正文", "consultation:3")
        notify_many(users[:2], "consultation", "多条", "正文", "consultation:3")
        db.session.commit()
        db.session.remove()
    _run_jobs(app)
    items = client.get("/api/v1/notifications", headers=login("many-0")).get_json()["items"]
    assert [i["title"] for i in items] == ["多条", "单条"]  # newest first
    one, many = ({k: v for k, v in i.items() if k not in ("id", "title", "created_at")}
                 for i in items[::-1])
    assert one == many == {"kind": "consultation", "body": "正文", "ref": "consultation:3",
                           "page": "", "read_at": None}
    other = client.get("/api/v1/notifications", headers=login("many-1")).get_json()["items"]
    assert [i["title"] for i in other] == ["多条"]
    assert client.get("/api/v1/notifications",
                      headers=login("many-2")).get_json()["items"] == []


def test_a_batch_run_again_after_a_partial_run_pushes_nothing_twice(app, users, monkeypatch):
    """The third push fails unexpectedly (as a worker killed mid-batch would stop): the two
    before it are committed as pushed; the job's retry pushes only the other three."""
    from app.common.timeutil import utcnow
    from app.extensions import db
    from app.jobs import OutboxJob, drain
    from app.notifications.service import notify_many

    fake = _fake(app)
    real_send, calls = fake.send_subscribe_message, []

    def flaky(openid, *args, **kwargs):
        calls.append(openid)
        if len(calls) == 3:
            raise RuntimeError("connection reset")
        return real_send(openid, *args, **kwargs)

    monkeypatch.setattr(fake, "send_subscribe_message", flaky)
    with app.app_context():
        notify_many(users, "consultation", "协商表决已开始", "请投票", "consultation:1")
        db.session.commit()
        db.session.remove()
    _run_jobs(app)
    assert _outbox(app) == [(MANY, "pending", 1)]  # failed once, waits for its retry
    assert [n[-1] for n in _notes(app)] == ["sent", "sent", None, None, None]
    assert len(fake.sent) == 2
    with app.app_context():
        db.session.execute(sa.update(OutboxJob).values(run_after=utcnow()
                                                       - timedelta(seconds=1)))
        db.session.commit()
        assert drain() == 1
        db.session.remove()
    assert _outbox(app) == [(MANY, "done", 2)]
    assert [n[-1] for n in _notes(app)] == ["sent"] * 5
    assert sorted(m["touser"] for m in fake.sent) == [f"many-{i}" for i in range(5)]


def test_a_batch_whose_worker_died_is_taken_again_and_skips_what_was_pushed(app, users):
    from app.common.timeutil import utcnow
    from app.extensions import db
    from app.jobs import OutboxJob, drain
    from app.notifications.jobs import send_subscribe_messages
    from app.notifications.models import Notification

    with app.app_context():
        notes = [Notification(user_id=u, kind="consultation", title="结果", body="", ref="")
                 for u in users]
        db.session.add_all(notes)
        db.session.flush()
        ids = [n.id for n in notes]
        notes[0].push_status = notes[1].push_status = "sent"  # pushed before the worker died
        db.session.add(OutboxJob(path=MANY, payload=f'{{"args": [{ids}]}}', status="running",
                                 attempts=1, run_after=utcnow(), locked_by="dead:1",
                                 locked_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert drain() == 1
        send_subscribe_messages(ids)  # and once more by hand: nothing left to push
        db.session.commit()
        db.session.remove()
    assert sorted(m["touser"] for m in _fake(app).sent) == [f"many-{i}" for i in range(2, 5)]
    assert _outbox(app) == [(MANY, "done", 2)]


def test_a_rollback_drops_the_rows_and_their_jobs(app, users):
    from app.extensions import db
    from app.jobs import KEY
    from app.notifications.service import notify_many

    with app.app_context():
        assert notify_many(users, "consultation", "回滚", "", "consultation:1") == 5
        db.session.rollback()
        assert KEY not in db.session.info
        db.session.remove()
    _run_jobs(app)
    assert _notes(app) == [] and _outbox(app) == [] and _fake(app).sent == []


def test_a_savepoint_undone_takes_its_rows_and_jobs_the_outer_ones_run(app, users):
    from app.extensions import db
    from app.notifications.service import notify_many

    with app.app_context():
        notify_many(users[:1], "consultation", "保留", "", "consultation:1")
        with pytest.raises(RuntimeError), db.session.begin_nested():
            notify_many(users[1:], "consultation", "撤销", "", "consultation:1")
            raise RuntimeError("undo the savepoint")
        with db.session.begin_nested():
            notify_many(users[1:2], "consultation", "释放", "", "consultation:1")
        db.session.commit()
        db.session.remove()
    _run_jobs(app)
    assert [(n[0], n[2], n[-1]) for n in _notes(app)] == [(users[0], "保留", "sent"),
                                                          (users[1], "释放", "sent")]
    assert [r[:2] for r in _outbox(app)] == [(MANY, "done")] * 2
    assert sorted(m["touser"] for m in _fake(app).sent) == ["many-0", "many-1"]


def test_nobody_to_tell_writes_nothing(app):
    from app.extensions import db
    from app.jobs import after_commit_many
    from app.notifications.jobs import send_subscribe_messages
    from app.notifications.service import notify_many

    with app.app_context():
        assert notify_many([], "consultation", "无人") == 0
        assert after_commit_many(send_subscribe_messages, []) == 0
        db.session.commit()
        db.session.remove()
    assert _notes(app) == [] and _outbox(app) == []


def test_the_push_job_is_named_by_its_path():
    from app.jobs import resolve
    from app.notifications import jobs, service

    assert resolve(service.PUSH_JOB) is jobs.send_subscribe_messages
