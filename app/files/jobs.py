"""File jobs for cron or RQ (`flask files ...`, or `--enqueue` for the worker); each commits
per photo or per batch, so a failure part way keeps what was done."""
import logging

from app.extensions import db
from app.files import service, storage

log = logging.getLogger(__name__)


def check_photos(limit: int = 500) -> int:
    """Ask WeChat's image check again for attached photos whose check never started or never
    answered, committing after each; how many were asked for."""
    ids = service.photos_to_check(limit)
    db.session.rollback()  # no transaction held open while WeChat is called
    for file_id in ids:
        service.request_check(file_id)
        db.session.commit()
    return len(ids)


def sweep_orphans(now=None, batch: int = 500) -> int:
    """Delete files uploaded more than 24 hours ago and never attached, one commit per batch;
    their S3 objects go after that commit. Returns how many."""
    cutoff = service.orphan_cutoff(now)
    total = 0
    while True:
        count, s3_objects = service.delete_orphans(cutoff, batch)
        db.session.commit()
        if s3_objects:
            storage.for_name("s3").delete(s3_objects)
        total += count
        if count < batch:
            break
    log.info("orphan sweep removed count=%s", total)
    return total
