"""Side effects after commit, through a PostgreSQL (or SQLite) outbox that Redis only wakes.

`after_commit(fn, *args)` writes a row into `job_outbox` in the current transaction: the job
exists exactly when what caused it was committed, and a rollback drops both
(`after_commit_many(fn, calls)` writes one row per argument tuple with one INSERT, the same
way). After the commit each new row is announced:

- Redis configured: an RQ job `app.worker.run_job(path, *args)` with the RQ id `outbox-<id>`
  wakes a worker, which claims that row and runs it. Redis keeps nothing on disk; when it is
  down or loses the wake-up, the row is still there and `flask jobs drain` (a timer, every
  minute; the RQ worker also drains after each job) runs it.
- No Redis (development on SQLite, tests): the row is claimed and run inline right after the
  commit, as before. A failing job is logged and never undoes what was committed.

Claiming: one conditional UPDATE (pending and due, or running with an expired lease) sets
`running`, a lease (`JOB_LEASE_SECONDS`, default 600) and the claimer. `drain` picks rows
with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers never take the same row.
A worker that dies (kill -9, a lost host) leaves its row `running`; once the lease has passed
another worker takes it again. The job's effect and the row's `done` commit in one
transaction, so a job killed before its commit has done nothing and the retry does it once;
jobs that commit per batch (the sweeps, the pushes of `notify_many`) are written to be
idempotent, and a notification is pushed only while its `push_status` is unset.

A failed job is retried after 30 s, 2 min, 8 min ... up to `MAX_ATTEMPTS`, then stays
`failed` (listed by `flask jobs status`). `fn` must be a module-level function; it runs inside
an app context and flushes, like every service.
"""
import importlib
import json
import logging
import os
import socket
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

log = logging.getLogger(__name__)
KEY = "llt_after_commit"
WORKER_ENTRY = "app.worker.run_job"  # the RQ workers' entry point, named, not imported
RQ_PREFIX = "outbox-"
MAX_ATTEMPTS = 6
STATUSES = ("pending", "running", "done", "failed")


class OutboxJob(db.Model):
    """One job to run after the commit that wrote it."""

    __tablename__ = "job_outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(sa.String(200))
    payload: Mapped[str] = mapped_column(sa.Text, default="{}")  # {"args": [], "kwargs": {}}
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_by: Mapped[str | None] = mapped_column(sa.String(64))
    last_error: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_job_outbox_status_run_after", "status", "run_after"),
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="status_known"),
    )

    def __repr__(self):
        return f"<OutboxJob {self.id} {self.path} {self.status}>"


def _path(fn) -> str:
    return f"{fn.__module__}:{fn.__qualname__}"


def _payload(args, kwargs) -> str:
    return json.dumps({"args": list(args), "kwargs": kwargs}, ensure_ascii=False,
                      default=str)


def after_commit(fn, *args, **kwargs) -> None:
    """Run `fn(*args, **kwargs)` once the current transaction has committed (see above)."""
    session = db.session()
    row = OutboxJob(path=_path(fn), payload=_payload(args, kwargs), status="pending",
                    attempts=0, run_after=utcnow())
    session.add(row)
    session.flush()
    session.info.setdefault(KEY, []).append((row.id, row.path, args, kwargs))


def after_commit_many(fn, calls) -> int:
    """`after_commit(fn, *args)` for each tuple `args` of `calls`, as one set-based INSERT;
    announced after the commit like the others (and dropped by a rollback). `fn` may be given
    by its path ("module:function") when its module imports the caller's. How many rows."""
    calls = [tuple(args) for args in calls]
    if not calls:
        return 0
    session = db.session()
    path, now = (fn if isinstance(fn, str) else _path(fn)), utcnow()
    ids = session.scalars(
        sa.insert(OutboxJob).returning(OutboxJob.id, sort_by_parameter_order=True),
        [{"path": path, "payload": _payload(args, {}), "status": "pending", "attempts": 0,
          "run_after": now, "created_at": now} for args in calls]).all()
    session.info.setdefault(KEY, []).extend(
        (job_id, path, args, {}) for job_id, args in zip(ids, calls, strict=True))
    return len(ids)


@event.listens_for(Session, "after_commit")
def _announce_after_commit(session):
    if session.in_nested_transaction():  # a SAVEPOINT released: the work is not committed yet
        return
    jobs = session.info.pop(KEY, [])
    if not jobs:
        return
    queue = current_app.extensions.get("rq_queue")
    for job_id, path, args, kwargs in jobs:
        if queue is not None:
            try:
                _wake(queue, job_id, path, args, kwargs)
                continue
            except Exception:  # noqa: BLE001 (Redis down: the drain runs the row later)
                log.warning("queue unavailable; running inline job=%s", path)
        _run_inline(job_id)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session):
    if session.in_nested_transaction():  # a SAVEPOINT undone: its rows went with it, and a
        return                           # wake-up for a row that is not there does nothing
    session.info.pop(KEY, None)


def resolve(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _wake(queue, job_id: int, path: str, args, kwargs):
    return queue.enqueue(WORKER_ENTRY, path, *args, job_id=f"{RQ_PREFIX}{job_id}", **kwargs)


def _run_inline(job_id: int) -> None:
    """In a nested app context, which has a session of its own: the committed one is left as is."""
    with current_app.app_context():
        try:
            run_outbox_job(job_id)
        finally:
            db.session.remove()


def enqueue(queue, path: str, *args, **kwargs):
    """Put the job `path` ("module:function") in the outbox, commit it, and wake a worker
    through `queue` (the CLI's `--enqueue`). Returns the RQ job (its id is `outbox-<id>`);
    when Redis does not answer the row waits for `flask jobs drain`."""
    row = OutboxJob(path=path, payload=_payload(args, kwargs), status="pending", attempts=0,
                    run_after=utcnow())
    db.session.add(row)
    db.session.commit()
    try:
        return _wake(queue, row.id, path, args, kwargs)
    except Exception:  # noqa: BLE001
        log.warning("queue unavailable; waits for the drain outbox=%s", row.id)
        return type("Queued", (), {"id": f"{RQ_PREFIX}{row.id} (queue unavailable)"})()


# -- claiming and running ------------------------------------------------------------------
def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def lease() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("JOB_LEASE_SECONDS", 600)))


def _claimable(now):
    return sa.or_(sa.and_(OutboxJob.status == "pending", OutboxJob.run_after <= now),
                  sa.and_(OutboxJob.status == "running", OutboxJob.locked_until < now))


def claim(job_id: int, now=None) -> bool:
    """Take the row `job_id` for this process, committed; False when it is not due, already
    done, or held by a live worker."""
    now = now or utcnow()
    taken = db.session.execute(
        sa.update(OutboxJob).where(OutboxJob.id == job_id, _claimable(now))
        .values(status="running", attempts=OutboxJob.attempts + 1,
                locked_until=now + lease(), locked_by=worker_name())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return bool(taken)


def claim_next(now=None) -> int | None:
    """The oldest claimable row, taken for this process (SKIP LOCKED on PostgreSQL)."""
    now = now or utcnow()
    stmt = sa.select(OutboxJob.id).where(_claimable(now)).order_by(OutboxJob.id).limit(1)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    job_id = db.session.scalar(stmt)
    if job_id is None:
        db.session.rollback()
        return None
    db.session.execute(
        sa.update(OutboxJob).where(OutboxJob.id == job_id, _claimable(now))
        .values(status="running", attempts=OutboxJob.attempts + 1,
                locked_until=now + lease(), locked_by=worker_name())
        .execution_options(synchronize_session=False))
    db.session.commit()
    return job_id


def _finish(job_id: int) -> None:
    """Mark the row done in the job's own (last) transaction, then commit both."""
    db.session.execute(
        sa.update(OutboxJob).where(OutboxJob.id == job_id)
        .values(status="done", done_at=utcnow(), locked_until=None)
        .execution_options(synchronize_session=False))
    db.session.commit()


def _failed(job_id: int, err: Exception) -> None:
    db.session.rollback()
    row = db.session.get(OutboxJob, job_id)
    if row is None:
        return
    row.last_error = type(err).__name__[:200]  # the class only: messages may carry data
    row.locked_until = None
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
    else:
        row.status = "pending"
        row.run_after = utcnow() + timedelta(seconds=30 * 4 ** max(0, row.attempts - 1))
    db.session.commit()


def run_claimed(job_id: int):
    """Run a row this process has claimed; its effect and `done` commit together."""
    row = db.session.get(OutboxJob, job_id)
    path, payload = row.path, json.loads(row.payload or "{}")
    db.session.rollback()
    try:
        result = resolve(path)(*payload.get("args", []), **payload.get("kwargs", {}))
        _finish(job_id)
        return result
    except Exception as err:  # noqa: BLE001 (logged; retried later)
        log.exception("job failed job=%s outbox=%s", path, job_id)
        try:
            _failed(job_id, err)
        except Exception:  # noqa: BLE001 (database gone: the lease brings it back)
            db.session.rollback()
        return None


def run_outbox_job(job_id: int):
    """Claim the row `job_id` and run it; None when someone else has it or it is done."""
    try:
        if not claim(job_id):
            return None
    except Exception:  # noqa: BLE001 (database unreachable: the drain retries later)
        db.session.rollback()
        log.warning("outbox job not claimed: database unavailable outbox=%s", job_id)
        return None
    return run_claimed(job_id)


def drain(limit: int = 100) -> int:
    """Run due rows (new ones Redis never announced, failed ones whose wait is over, rows of
    dead workers whose lease has passed), up to `limit`; how many were run."""
    done = 0
    while done < limit:
        job_id = claim_next()
        if job_id is None:
            break
        run_claimed(job_id)
        done += 1
    return done


def depth() -> dict:
    """Rows per status that are not done (the queue depth of /metrics)."""
    rows = db.session.execute(sa.select(OutboxJob.status, sa.func.count())
                              .where(OutboxJob.status != "done")
                              .group_by(OutboxJob.status)).all()
    out = {"pending": 0, "running": 0, "failed": 0}
    out.update({status: count for status, count in rows})
    return out


def purge_done(days: int = 7) -> int:
    """Delete rows done more than `days` ago (the drain timer calls it)."""
    cutoff = utcnow() - timedelta(days=days)
    return db.session.execute(sa.delete(OutboxJob).where(
        OutboxJob.status == "done", OutboxJob.done_at < cutoff)).rowcount
