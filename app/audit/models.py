from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

# What is recorded. Each act names its target by type and id, never by personal data.
ACTIONS = (
    "unmask",        # a phone or an address shown in full
    "approve",       # an approval (attendance, 补录, adjustment, binding, registration, ...)
    "reject",
    "role_grant",
    "role_revoke",
    "export",        # personal data leaving the system (a user's own download, Excel)
    "adjustment",    # a ledger adjustment requested
    "login",         # a login by staff or an admin
    "account_cancel",
    "config",        # a ceiling or budget changed
)


class AuditEntry(db.Model):
    """One act. Rows are only ever inserted: the ORM refuses to update or delete them (below),
    and on PostgreSQL a trigger refuses it too, except the retention purge of old rows."""

    __tablename__ = "audit_log"
    # Reads write it too (a full phone shown is recorded): the write boundary allows it on GET.
    __written_on_read__ = True
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    action: Mapped[str] = mapped_column(sa.String(20))
    target_type: Mapped[str] = mapped_column(sa.String(32))
    target_id: Mapped[int | None] = mapped_column(sa.Integer)
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(sa.String(45))

    __table_args__ = (
        sa.CheckConstraint(f"action IN {ACTIONS!r}", name="action_known"),
        sa.Index("ix_audit_log_target", "target_type", "target_id"),
    )


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit entry."""


# The only statement allowed to delete entries (the retention purge) passes this option.
PURGE_OPTION = "audit_purge"


@event.listens_for(Session, "before_flush")
def _refuse_changed_entries(session, flush_context, instances):
    for obj in session.deleted:
        if isinstance(obj, AuditEntry):
            raise AuditLogIsAppendOnly("audit entries are never deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEntry) and session.is_modified(obj):
            raise AuditLogIsAppendOnly("audit entries are never changed")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state):
    if not (state.is_update or state.is_delete):
        return
    if any(m.class_ is AuditEntry for m in state.all_mappers):
        if state.is_delete and state.execution_options.get(PURGE_OPTION):
            return
        raise AuditLogIsAppendOnly("audit entries are never changed or deleted")
