"""Side effects after commit, through a queue.

`after_commit(fn, *args)` registers work in the current transaction. When it commits, each job
is put on the RQ queue (Redis configured) or run inline right after the commit (no Redis).
A rollback drops them. A failing job is logged and never undoes what was committed.
`fn` must be a module-level function; it runs inside an app context.
"""
import importlib
import logging

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger(__name__)
KEY = "llt_after_commit"
WORKER_ENTRY = "app.worker.run_job"  # the RQ workers' entry point, named, not imported


def after_commit(fn, *args, **kwargs) -> None:
    session = db.session()
    session.info.setdefault(KEY, []).append((f"{fn.__module__}:{fn.__qualname__}", args, kwargs))


@event.listens_for(Session, "after_commit")
def _run_after_commit(session):
    jobs = session.info.pop(KEY, [])
    if not jobs:
        return
    queue = current_app.extensions.get("rq_queue")
    for path, args, kwargs in jobs:
        if queue is not None:
            try:
                enqueue(queue, path, *args, **kwargs)
                continue
            except Exception:
                log.warning("queue unavailable; running job %s inline", path)
        _run_inline(path, args, kwargs)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session):
    session.info.pop(KEY, None)


def resolve(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _run_inline(path, args, kwargs) -> None:
    """In a nested app context, which has a session of its own: the committed one is left as is."""
    with current_app.app_context():
        try:
            resolve(path)(*args, **kwargs)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", path)
        finally:
            db.session.remove()


def enqueue(queue, path: str, *args, **kwargs):
    """Put the job `path` ("module:function") on `queue` for the RQ workers."""
    return queue.enqueue(WORKER_ENTRY, path, *args, **kwargs)
