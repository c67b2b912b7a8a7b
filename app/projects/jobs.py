"""Batch jobs of the 大党委 (cron or RQ); each commits per batch."""
import logging

from app.common.timeutil import utcnow
from app.extensions import db
from app.projects import service

log = logging.getLogger(__name__)
BATCH = 200


def escalate_job() -> int:
    """Escalate every overdue project once (staff, the owner and the street are told)."""
    now = utcnow()
    total = 0
    while True:
        ids = service.overdue_ids(service.local_day(now), BATCH)
        db.session.rollback()
        for project_id in ids:
            total += service.escalate(project_id, now)
        db.session.commit()
        if len(ids) < BATCH:
            break
    log.info("overdue projects escalated count=%s", total)
    return total


def remind_meetings_job() -> int:
    """After a quarter ends: tell the staff of each community with a 大党委 that held no
    meeting in it, once per quarter."""
    now = utcnow()
    year, quarter = service.previous_quarter(service.local_day(now))
    ids = service.communities_without_meeting(year, quarter)
    db.session.rollback()
    sent = 0
    for community_id in ids:
        sent += service.remind(community_id, year, quarter, now)
        db.session.commit()
    log.info("meeting reminders year=%s quarter=%s sent=%s", year, quarter, sent)
    return sent
