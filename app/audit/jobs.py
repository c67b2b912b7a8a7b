"""Audit jobs for cron or RQ (`app.audit.jobs:purge`): each commits what it did."""
from app.audit import service
from app.extensions import db


def purge() -> int:
    """Delete entries older than the retention and commit; how many were deleted."""
    deleted = service.purge_expired()
    db.session.commit()
    return deleted
