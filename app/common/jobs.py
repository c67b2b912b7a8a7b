"""Side effects after commit, through a queue.

`after_commit(fn, *args)` registers work in the current transaction. When it commits, each job
is put on the RQ queue (Redis configured) or run inline right after the commit (no Redis).
A rollback drops them. A failing job is logged and never undoes what was committed.
`fn` must be a module-level function; it runs inside an app context.
"""
import logging

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
KEY = "llt_after_commit"
_worker_app = None


def after_commit(fn, *args, **kwargs) -> None:
    from app.extensions import db

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
                queue.enqueue(run_job, path, *args, **kwargs)
                continue
            except Exception:
                log.warning("queue unavailable; running job %s inline", path)
        _run_inline(path, args, kwargs)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session):
    session.info.pop(KEY, None)


def _resolve(path: str):
    import importlib

    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _run_inline(path, args, kwargs) -> None:
    """In a nested app context, which has a session of its own: the committed one is left as is."""
    from app.extensions import db

    with current_app.app_context():
        try:
            _resolve(path)(*args, **kwargs)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", path)
        finally:
            db.session.remove()


def run_job(path: str, *args, **kwargs):
    """Entry point for RQ workers: runs the job inside an app context."""
    global _worker_app
    from app import create_app
    from app.extensions import db

    if _worker_app is None:
        _worker_app = create_app()
    with _worker_app.app_context():
        try:
            result = _resolve(path)(*args, **kwargs)
            db.session.commit()
            return result
        finally:
            db.session.remove()
