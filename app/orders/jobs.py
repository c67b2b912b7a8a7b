"""Batch jobs of service requests (cron or RQ); each overdue request is its own transaction."""
import logging

from app.common.timeutil import utcnow
from app.errors import ApiError
from app.extensions import db
from app.orders import service

log = logging.getLogger(__name__)


def escalate(now=None) -> dict:
    """Every overdue step escalates once: dispatches and the pool go back to the queue,
    silent completions are confirmed, proxy orders the resident did not agree to in time
    (`PROPOSAL_EXPIRY_HOURS`) are cancelled, and the other steps alert whoever must act.

    Each request commits on its own; a racing resident confirm (or agree) simply wins or loses the
    conditional update, and the ledger key makes a double credit impossible either way.
    """
    now = now or utcnow()
    counts = {"expired": 0, "pool_expired": 0, "auto_confirmed": 0, "proposal_expired": 0,
              "escalated": 0, "failed": 0}
    for status, action, counter in service.MOVES:
        for request_id in _overdue(status, now):
            try:
                service.move_overdue(request_id, action)
                db.session.commit()
                counts[counter] += 1
            except ApiError as err:
                db.session.rollback()
                if err.code != "invalid_transition":
                    counts["failed"] += 1
                    log.warning("escalation failed request=%s code=%s", request_id, err.code)
    for status in service.ALERTS:
        for request_id in _overdue(status, now, unescalated=True):
            try:
                counts["escalated"] += int(service.alert(request_id, status, now))
                db.session.commit()
            except ApiError as err:
                db.session.rollback()
                counts["failed"] += 1
                log.warning("escalation failed request=%s code=%s", request_id, err.code)
    log.info("requests escalated counts=%s", counts)
    return counts


def _overdue(status: str, now, unescalated: bool = False) -> list[int]:
    """The ids, read in a transaction of their own (each request then starts afresh)."""
    ids = service.overdue_ids(status, now, unescalated)
    db.session.rollback()
    return ids
