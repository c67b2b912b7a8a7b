"""The one transition function of service requests, driven by a table of allowed rows.

Each row is (from status, action, actor role) → to status. A step checks actor and state,
moves the request with a conditional UPDATE (so two racing steps cannot both win), writes its
timeline event, and does its side effects — points, partner load, notifications — in the same
transaction. The caller commits once.
"""
import logging
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import has_role
from app.catalog import service as catalog
from app.catalog.models import Partner
from app.common.timeutil import utcnow
from app.errors import ApiError, Conflict, Forbidden, NotFound
from app.extensions import db
from app.orders.models import RequestEvent, ServiceRequest

log = logging.getLogger(__name__)

BEFORE_SERVICE = ("submitted", "dispatched", "pooled", "accepted")
BEFORE_CONFIRMED = BEFORE_SERVICE + ("in_service", "completed", "disputed")
# Statuses in which a partner holds the task (its `open_tasks` load).
OPEN = ("dispatched", "accepted", "in_service")

ROWS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("submitted", "dispatch", "staff", ("dispatched", "pooled")),
    ("pooled", "dispatch", "staff", ("dispatched",)),
    ("pooled", "recall", "staff", ("submitted",)),
    ("pooled", "claim", "pool_partner", ("accepted",)),
    ("dispatched", "accept", "partner", ("accepted",)),
    ("dispatched", "decline", "partner", ("submitted",)),
    ("accepted", "start", "assignee", ("in_service",)),
    ("in_service", "complete", "assignee", ("completed",)),
    ("completed", "confirm", "resident", ("confirmed",)),
    ("completed", "dispute", "resident", ("disputed",)),
    ("disputed", "resolve", "staff", ("confirmed", "in_service", "cancelled")),
    *[(s, "cancel", "resident", ("cancelled",)) for s in BEFORE_SERVICE],
    *[(s, "cancel", "staff", ("cancelled",)) for s in BEFORE_CONFIRMED],
    ("completed", "auto_confirm", "system", ("confirmed",)),
    ("dispatched", "expire", "system", ("submitted",)),
    ("pooled", "expire", "system", ("submitted",)),
]
# Steps that give a partner a new task: they take a free place under `capacity` atomically.
TAKES_PLACE = ("dispatch", "claim")
ACTIONS = {row[1] for row in ROWS}


@dataclass
class Step:
    """What one transition will write: the new status, column values, event note and data."""

    request: ServiceRequest
    action: str
    role: str
    actor: User | None
    to: str = ""
    values: dict = field(default_factory=dict)
    note: str | None = None
    note_ok: bool = True
    data: dict = field(default_factory=dict)
    # Side effects (ledger postings) run after the status update has won, same transaction.
    effects: list = field(default_factory=list)


def actor_roles(user: User | None, req: ServiceRequest) -> set[str]:
    """Every role the user plays for this request (in memory: grants are already loaded)."""
    if user is None:
        return {"system"}
    roles = set()
    if req.resident_id == user.id:
        roles.add("resident")
    if has_role(user, "staff", community_id=req.community_id):
        roles.add("staff")
    partners = catalog.member_partner_ids(user)
    if req.partner_id and req.partner_id in partners:
        roles.add("partner")
        if req.assignee_id == user.id:
            roles.add("assignee")
    if any(catalog.serves(catalog.get_partner(pid), req.category_id, req.community_id)
           for pid in partners):
        roles.add("pool_partner")  # may claim while it is pooled
    return roles


def _visible(roles: set[str], req: ServiceRequest) -> bool:
    """A partner that merely serves the request's category and community sees it only while
    it is pooled (a claim on anything else is 404, as for any other outsider)."""
    return bool(roles - {"pool_partner"}) or (req.status == "pooled" and bool(roles))


def can_view(user: User, req: ServiceRequest) -> bool:
    return _visible(actor_roles(user, req), req)


def deadline_for(status: str, req: ServiceRequest, now):
    """When the step `status` is overdue; every status but the final ones has a deadline."""
    if status == "in_service":  # the longest billable duration, from the start
        return now + timedelta(minutes=req.max_minutes)
    hours = {
        "submitted": req.category.dispatch_hours,
        "dispatched": req.category.accept_hours,
        "pooled": req.category.accept_hours,
        "accepted": req.category.start_hours,
        "completed": req.category.confirm_window_hours,
        "disputed": req.category.resolve_hours,
    }.get(status)
    return now + timedelta(hours=hours) if hours else None


def transition(req: ServiceRequest, action: str, actor: User | None, params: dict | None = None,
               handlers: dict | None = None) -> ServiceRequest:
    """Apply `action` to `req` as `actor` (None: the system). Raises 403/404/409."""
    if action not in ACTIONS:
        raise NotFound()
    roles = actor_roles(actor, req)
    if not _visible(roles, req):  # plays no part in this request: its existence does not leak
        raise NotFound(message="服务请求不存在")
    rows = [r for r in ROWS if r[1] == action and r[2] in roles]
    if not rows:
        raise Forbidden(details={"action": action})
    row = next((r for r in rows if r[0] == req.status), None)
    if row is None:
        raise Conflict("invalid_transition", "当前状态不允许此操作",
                       details={"status": req.status, "action": action})
    step = Step(request=req, action=action, role=row[2], actor=actor, to=row[3][0])
    handler = (handlers or {}).get(action)
    if handler:
        handler(step, params or {})
    if step.to not in row[3]:
        raise AssertionError(f"handler moved {action} to {step.to}")
    _apply(step, from_status=row[0])
    return req


def _apply(step: Step, from_status: str) -> None:
    req, now = step.request, utcnow()
    old_partner = req.partner_id
    values = {"status": step.to, "updated_at": now, "escalated_at": None,
              "deadline_at": deadline_for(step.to, req, now), **step.values}
    moved = db.session.execute(
        sa.update(ServiceRequest)
        .where(ServiceRequest.id == req.id, ServiceRequest.status == from_status)
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if not moved:  # another step won the race since we read the row
        db.session.refresh(req)
        raise Conflict("invalid_transition", "当前状态不允许此操作",
                       details={"status": req.status, "action": step.action})
    db.session.refresh(req)  # the row as updated, relationships (partner) included
    new_partner = req.partner_id
    held_before = old_partner if from_status in OPEN else None
    held_after = new_partner if step.to in OPEN else None
    if held_before and held_before != held_after:
        catalog.change_open_tasks(held_before, -1)
    if held_after and held_after != held_before:
        if step.action in TAKES_PLACE:
            _take_place(held_after)
        else:  # a redo after a dispute: the partner owes the work whatever its load
            catalog.change_open_tasks(held_after, +1)
    db.session.add(RequestEvent(
        request_id=req.id, action=step.action, from_status=from_status, to_status=step.to,
        actor_id=step.actor.id if step.actor else None, actor_role=step.role, at=now,
        note=step.note, note_ok=step.note_ok, data=step.data or None))
    db.session.flush()
    for effect in step.effects:
        effect()
    log.info("request %s %s: %s -> %s by %s", req.id, step.action, from_status, step.to,
             step.actor.id if step.actor else "system")


def _take_place(partner_id: int) -> None:
    """One more open task for the partner, only while it has a free place: the conditional
    UPDATE holds the partner's row until commit, so two racing dispatches or claims for its
    last place cannot both win (the loser's transaction is rolled back)."""
    taken = db.session.execute(
        sa.update(Partner).where(Partner.id == partner_id,
                                 Partner.open_tasks < Partner.capacity)
        .values(open_tasks=Partner.open_tasks + 1)
        .execution_options(synchronize_session=False)).rowcount
    if not taken:
        load = db.session.execute(sa.select(Partner.open_tasks, Partner.capacity)
                                  .where(Partner.id == partner_id)).one()
        raise Conflict("partner_at_capacity", "该合伙人任务已满",
                       details={"open_tasks": load.open_tasks, "capacity": load.capacity})


class NotEligible(ApiError):
    status, code, message = 422, "partner_not_eligible", "该合伙人不服务此类别或社区"
