"""The one transition function of 社情民意 reports, driven by a table of allowed rows.

Each row is (from status, action, actor role) → to status. The roles a user plays for a report:

- `author`: who reported it;
- `handler`: the grid worker (网格员) of the grid it was routed to, or staff of its community;
- `staff`: staff of its community;
- `street`: a `street_admin` of the community's street, once the report was transferred there;
- `system`: the escalation job.

Community members (residents bound to a household there, registered 信息员) and the street's
admins may read a report; that gives them no row. A step checks actor and state (no part at all:
404; a part without a row for the action: 403; a row but not from this status: 409
`invalid_transition`), moves the report with a conditional UPDATE (two racing steps cannot both
win), writes its event and runs its side effects in the same transaction. The caller commits.
"""
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import has_role, has_street_scope
from app.common.timeutil import utcnow
from app.community.models import HouseholdBinding
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.feedback.models import CATEGORIES, Feedback, FeedbackEvent

log = logging.getLogger(__name__)

# Not yet resolved: the report waits for its handlers (or the street).
WAITING = ("open", "accepted", "reopened", "transferred")
NON_FINAL = WAITING + ("resolved",)
REOPEN_DAYS = 7  # the author may reopen a resolution once, within this many days
RATE_DAYS = 7  # a resolution neither rated nor reopened is closed by the job after this

ROWS: list[tuple[str, str, str, str]] = [
    ("open", "accept", "handler", "accepted"),
    ("reopened", "accept", "handler", "accepted"),
    ("transferred", "accept", "street", "accepted"),
    ("accepted", "resolve", "handler", "resolved"),
    ("accepted", "resolve", "street", "resolved"),  # what the street accepted, it may resolve
    ("open", "transfer", "handler", "transferred"),
    ("accepted", "transfer", "handler", "transferred"),
    *[(s, "close_unresolved", "staff", "closed_unresolved") for s in NON_FINAL],
    ("transferred", "close_unresolved", "street", "closed_unresolved"),
    ("resolved", "reopen", "author", "reopened"),
    ("resolved", "rate", "author", "closed"),
    *[(s, "merge", "staff", "merged") for s in ("open", "accepted", "reopened")],
    ("resolved", "auto_close", "system", "closed"),
]
ACTIONS = {row[1] for row in ROWS}
USER_ACTIONS = tuple(sorted(ACTIONS - {"auto_close"}))


@dataclass
class Step:
    """What one transition will write: the new status, column values, event note and data."""

    report: Feedback
    action: str
    role: str
    actor: User | None
    to: str = ""
    values: dict = field(default_factory=dict)
    note: str | None = None
    data: dict = field(default_factory=dict)
    event: FeedbackEvent | None = None
    # Run after the status update has won and the event is flushed (same transaction).
    effects: list = field(default_factory=list)


def street_of(report: Feedback) -> int:
    return report.community.street_id


def is_member(user: User, community_id: int) -> bool:
    """A resident bound (approved) to a household of the community, or a party member
    serving there."""
    if any(g.role == "party_member" and g.community_id == community_id for g in user.grants):
        return True
    return bool(db.session.scalar(sa.select(HouseholdBinding.id).where(
        HouseholdBinding.user_id == user.id, HouseholdBinding.community_id == community_id,
        HouseholdBinding.status == "approved").limit(1)))


def actor_roles(user: User | None, report: Feedback) -> set[str]:
    """Every role the user plays for this report (`system` for the job)."""
    if user is None:
        return {"system"}
    roles = set()
    if report.author_id == user.id:
        roles.add("author")
    if has_role(user, "staff", community_id=report.community_id):
        roles |= {"staff", "handler"}
    elif report.grid_id is not None and has_role(user, "grid_worker", grid_id=report.grid_id):
        roles.add("handler")
    if report.transferred_at is not None and has_street_scope(user, street_of(report)):
        roles.add("street")
    return roles


def can_view(user: User, report: Feedback) -> bool:
    if actor_roles(user, report):
        return True
    return has_street_scope(user, street_of(report)) or is_member(user, report.community_id)


def allowed(user: User, report: Feedback) -> list[str]:
    """The steps this user may take on the report now (for the clients' buttons)."""
    roles = actor_roles(user, report)
    return sorted({r[1] for r in ROWS if r[0] == report.status and r[2] in roles
                   and r[1] in USER_ACTIONS})


def accept_hours(category: str) -> int:
    return CATEGORIES[category][1]


def resolve_days(category: str) -> int:
    return CATEGORIES[category][2]


def deadline_for(status: str, category: str, cycle_start: datetime) -> datetime | None:
    """When the step `status` is overdue. A cycle starts when the report is made, reopened or
    transferred: acceptance is due `accept_hours` after it, resolution `resolve_days` after it.
    A resolved report waits for its author (see `RATE_DAYS`), the final ones for nobody."""
    if status in ("open", "reopened", "transferred"):
        return cycle_start + timedelta(hours=accept_hours(category))
    if status == "accepted":
        return cycle_start + timedelta(days=resolve_days(category))
    return None


def cycle_start(created_at, reopened_at, transferred_at) -> datetime:
    return max(t for t in (created_at, reopened_at, transferred_at) if t is not None)


def transition(report: Feedback, action: str, actor: User | None, params: dict | None = None,
               handlers: dict | None = None) -> Feedback:
    """Apply `action` to `report` as `actor` (None: the system). Raises 403/404/409."""
    if action not in ACTIONS:
        raise NotFound()
    roles = actor_roles(actor, report)
    if not roles and not can_view(actor, report):
        raise NotFound(message="反映的问题不存在")
    rows = [r for r in ROWS if r[1] == action and r[2] in roles]
    if not rows:
        raise Forbidden(details={"action": action})
    row = next((r for r in rows if r[0] == report.status), None)
    if row is None:
        raise Conflict("invalid_transition", "当前状态不允许此操作",
                       details={"status": report.status, "action": action})
    step = Step(report=report, action=action, role=row[2], actor=actor, to=row[3])
    handler = (handlers or {}).get(action)
    if handler:
        handler(step, params or {})
    _apply(step, from_status=row[0])
    return report


def _apply(step: Step, from_status: str) -> None:
    report, now = step.report, utcnow()
    values = {"status": step.to, "updated_at": now, "escalation_level": 0, **step.values}
    start = cycle_start(report.created_at, values.get("reopened_at", report.reopened_at),
                        values.get("transferred_at", report.transferred_at))
    values["deadline_at"] = deadline_for(step.to, report.category, start)
    moved = db.session.execute(
        sa.update(Feedback)
        .where(Feedback.id == report.id, Feedback.status == from_status)
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if not moved:  # another step won the race since the report was read
        db.session.refresh(report)
        raise Conflict("invalid_transition", "当前状态不允许此操作",
                       details={"status": report.status, "action": step.action})
    db.session.refresh(report)
    step.event = record_event(report, step.action, from_status, step.to, step.actor, step.role,
                              now, note=step.note, data=step.data or None)
    for effect in step.effects:
        effect()
    log.info("feedback step id=%s action=%s from=%s to=%s by=%s", report.id, step.action,
             from_status, step.to, step.actor.id if step.actor else "system")


def record_event(report: Feedback, action: str, from_status: str | None, to_status: str,
                 actor: User | None, role: str, at: datetime, note: str | None = None,
                 data: dict | None = None) -> FeedbackEvent:
    event = FeedbackEvent(feedback_id=report.id, action=action, from_status=from_status,
                          to_status=to_status, actor_id=actor.id if actor else None,
                          actor_role=role, at=at, note=note, data=data)
    db.session.add(event)
    db.session.flush()
    return event


def is_overdue(report: Feedback, now: datetime | None = None) -> bool:
    return report.status in WAITING and report.deadline_at is not None and \
        report.deadline_at < (now or utcnow())
