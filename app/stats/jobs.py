"""The workbook built in the background: through RQ when Redis is configured, else in a thread
of this process; never inside the request that asked for it. The job's state lives in its
`stats_export_jobs` row, committed at each step, so any process can answer `GET /jobs/{id}`."""
import logging
import secrets
import threading
from datetime import date

from flask import after_this_request, current_app

from app.auth.models import User
from app.common.timeutil import utcnow
from app.errors import NotFound
from app.extensions import db
from app.jobs import enqueue
from app.stats import workbook
from app.stats.models import ExportJob

log = logging.getLogger(__name__)
RUN = "app.stats.jobs:run_export"


def create(user: User, scope, start: date, end: date) -> ExportJob:
    """A queued job for the workbook; it starts once the request's transaction has committed."""
    job = ExportJob(id=secrets.token_hex(16), user_id=user.id, status="queued", progress=0,
                    params={"name": scope.name, "ids": scope.ids, "from": start.isoformat(),
                            "to": end.isoformat(), "scope": scope.view()},
                    filename=filename(scope, start, end))
    db.session.add(job)
    db.session.flush()
    job_id = job.id

    @after_this_request
    def _start(response):
        if response.status_code == 202:
            dispatch(job_id)
        return response

    log.info("export queued job=%s user=%s", job_id, user.id)
    return job


def filename(scope, start: date, end: date) -> str:
    return f"stats-{scope.kind}-{scope.id}-{start.isoformat()}-{end.isoformat()}.xlsx"


def dispatch(job_id: str) -> None:
    queue = current_app.extensions.get("rq_queue")
    if queue is not None:
        try:
            enqueue(queue, RUN, job_id)
            return
        except Exception:
            log.warning("queue unavailable; building job=%s in a thread", job_id)
    app = current_app._get_current_object()
    threading.Thread(target=_in_thread, args=(app, job_id), daemon=True,
                     name=f"export-{job_id[:8]}").start()


def _in_thread(app, job_id: str) -> None:
    with app.app_context():
        try:
            run_export(job_id)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("export failed job=%s", job_id)
        finally:
            db.session.remove()


def _set(job_id: str, **values) -> None:
    db.session.query(ExportJob).filter(ExportJob.id == job_id).update(
        values, synchronize_session=False)
    db.session.commit()


def run_export(job_id: str) -> None:
    """Build the workbook of a queued job, committing its progress as it goes."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status not in ("queued", "running"):
        return
    p = job.params
    _set(job_id, status="running", progress=5)
    try:
        content = workbook.build(p["name"], p["ids"], date.fromisoformat(p["from"]),
                                 date.fromisoformat(p["to"]),
                                 progress=lambda pct: _set(job_id, progress=min(pct, 99)))
    except Exception:
        db.session.rollback()
        _set(job_id, status="failed", error="生成失败，请重试", finished_at=utcnow())
        log.exception("export failed job=%s", job_id)
        return
    _set(job_id, status="finished", progress=100, content=content, finished_at=utcnow())
    log.info("export finished job=%s bytes=%s", job_id, len(content))


def get_own(user: User, job_id: str) -> ExportJob:
    """The requester's job; anyone else's is 404, as if it did not exist."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.user_id != user.id:
        raise NotFound(message="任务不存在")
    return job


def view(job: ExportJob) -> dict:
    out = {"id": job.id, "status": job.status, "progress": job.progress}
    if job.status == "finished":
        out["download_url"] = f"/api/v1/jobs/{job.id}/download"
    if job.status == "failed":
        out["error"] = job.error
    return out
