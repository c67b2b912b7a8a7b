"""Batch jobs of compound bodies (cron or RQ); each commits per batch."""
import logging

from app.extensions import db
from app.organisations.service import local_today, sync_user_roles, users_to_sync

log = logging.getLogger(__name__)
BATCH = 100


def sync_roles_job() -> dict:
    """Apply terms that began or ended: the seat roles of everyone seated or holding one."""
    today = local_today()
    users = users_to_sync()
    db.session.rollback()
    granted = revoked = 0
    for start in range(0, len(users), BATCH):
        for user_id in users[start:start + BATCH]:
            g, r = sync_user_roles(user_id, None, today)
            granted, revoked = granted + g, revoked + r
        db.session.commit()
    log.info("seat roles synced users=%s granted=%s revoked=%s", len(users), granted, revoked)
    return {"users": len(users), "granted": granted, "revoked": revoked}
