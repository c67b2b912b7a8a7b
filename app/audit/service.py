"""Record an audited act inside the caller's transaction (flushes, never commits).

    record("unmask", actor_id=user.id, target_type="request", target_id=req.id,
           details={"fields": ["phone", "address"]})

`details` must not carry personal data itself: ids, field names, counts, reasons.
"""
from flask import has_request_context, request

from app.audit.models import ACTIONS, AuditEntry
from app.extensions import db


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
