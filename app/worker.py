"""Entry point of the RQ workers (`rq worker linlitong`).

An RQ job named `outbox-<id>` is only the wake-up of a row of the job outbox (app/jobs.py):
the worker claims that row, runs it (its effect and the row's `done` commit together), then
drains other due rows (a wake-up Redis lost, a dead worker's row whose lease has passed).
Another RQ job runs its function directly inside an app context and commits.
"""
from rq import get_current_job

from app import create_app
from app.extensions import db
from app.jobs import RQ_PREFIX, drain, resolve, run_outbox_job

_app = None
DRAIN_AFTER_JOB = 20


def _the_app():
    global _app
    if _app is None:
        _app = create_app()
    return _app


def run_job(path: str, *args, **kwargs):
    current = get_current_job()
    outbox_id = None
    if current is not None and current.id.startswith(RQ_PREFIX):
        outbox_id = int(current.id[len(RQ_PREFIX):])
    with _the_app().app_context():
        try:
            if outbox_id is not None:
                result = run_outbox_job(outbox_id)
                drain(DRAIN_AFTER_JOB)
                return result
            result = resolve(path)(*args, **kwargs)
            db.session.commit()
            return result
        finally:
            db.session.remove()
