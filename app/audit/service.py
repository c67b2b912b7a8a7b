"""Record an audited act inside the caller's transaction (flushes, never commits).

    record("unmask", actor_id=user.id, target_type="request", target_id=req.id,
           details={"fields": ["phone", "address"]})

`details` must not carry personal data itself: ids, field names, counts, reasons.

Entries are kept at least `MIN_RETENTION_DAYS` (six calendar months are at most 184 days;
网络安全法 art. 21 asks for no less than six months). `purge_expired()` is the only code that
removes entries, and only those older than the configured retention.
"""
import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, request

from app.audit.models import ACTIONS, PURGE_OPTION, AuditEntry
from app.common.timeutil import utcnow
from app.extensions import db

log = logging.getLogger(__name__)

MIN_RETENTION_DAYS = 184
DEFAULT_RETENTION_DAYS = MIN_RETENTION_DAYS


def record(action: str, *, actor_id: int | None, target_type: str,
           target_id: int | None = None, details: dict | None = None) -> AuditEntry:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(actor_id=actor_id, action=action, target_type=target_type,
                       target_id=target_id, details=details or {},
                       ip=request.remote_addr if has_request_context() else None)
    db.session.add(entry)
    db.session.flush()
    return entry


def search_stmt(filters: dict) -> sa.Select:
    """Entries matching every filter given (action, actor, target, time range)."""
    stmt = sa.select(AuditEntry)
    for key in ("action", "actor_id", "target_type", "target_id"):
        if filters.get(key) is not None:
            stmt = stmt.where(getattr(AuditEntry, key) == filters[key])
    if filters.get("since") is not None:
        stmt = stmt.where(AuditEntry.at >= filters["since"])
    if filters.get("until") is not None:
        stmt = stmt.where(AuditEntry.at < filters["until"])
    return stmt


class RetentionTooShort(ValueError):
    pass


def retention_days() -> int:
    """The configured retention; a value under the legal minimum is refused, never used."""
    days = int(current_app.config.get("AUDIT_RETENTION_DAYS") or DEFAULT_RETENTION_DAYS)
    if days < MIN_RETENTION_DAYS:
        raise RetentionTooShort(
            f"AUDIT_RETENTION_DAYS={days} is below the minimum of {MIN_RETENTION_DAYS} days")
    return days


def cutoff(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=retention_days())


def count_expired(now: datetime | None = None) -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEntry.id))
                             .where(AuditEntry.at < cutoff(now)))


def purge_expired(now: datetime | None = None) -> int:
    """Delete entries older than the retention; flushes (`app.audit.jobs.purge` commits)."""
    if db.session.get_bind().dialect.name == "postgresql":
        # The trigger on audit_log lets a DELETE through only in a transaction that says it
        # is the purge, and only for rows older than six months whatever this code says.
        # Counting from the transaction's own now(), as the trigger does, keeps the two
        # cut-offs from drifting apart.
        db.session.execute(sa.text("SELECT set_config('llt.audit_purge', 'on', true)"))
        now = now or db.session.scalar(sa.select(sa.func.now()))
    before = cutoff(now)
    deleted = db.session.execute(
        sa.delete(AuditEntry).where(AuditEntry.at < before)
        .execution_options(**{PURGE_OPTION: True, "synchronize_session": False})).rowcount
    log.info("audit entries purged count=%s before=%s", deleted, before.isoformat())
    return deleted
