"""Batch jobs of the co-managed accounts (cron or RQ); each commits per batch."""
import logging

from app.common.timeutil import utcnow
from app.extensions import db
from app.trust import service

log = logging.getLogger(__name__)
BATCH = 200


def escalate_rechecks_job() -> int:
    """Rechecks past their deadline without an answer: staff and the answering side are told,
    once each."""
    now = utcnow()
    total = 0
    while True:
        ids = service.overdue_recheck_ids(now, BATCH)
        db.session.rollback()
        for recheck_id in ids:
            total += service.escalate_recheck(recheck_id, now)
        db.session.commit()
        if len(ids) < BATCH:
            break
    log.info("overdue rechecks escalated count=%s", total)
    return total
