"""The state machine of service requests: the table of allowed steps, the roles a user plays in
a request, the guard that picks the row a step follows, and the deadline of each status.

Pure: it reads no database and knows no other domain. The service gathers the facts a user's
roles follow from (`Party`) and writes the step the guard allowed (`service.apply`).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from app.errors import Conflict, Forbidden, NotFound

BEFORE_SERVICE = ("submitted", "dispatched", "pooled", "accepted")
# A resident-paid proxy order (代下单) waits in `proposed` for the resident's own agreement;
# nothing is held or dispatched before it. Not agreed in time, the system cancels it.
PROPOSED = "proposed"
BEFORE_CONFIRMED = BEFORE_SERVICE + ("in_service", "completed", "disputed")
# Statuses in which a partner holds the task (its `open_tasks` load).
OPEN = ("dispatched", "accepted", "in_service")

# (from status, action, actor role, allowed target statuses: the first is the default)
Row = tuple[str, str, str, tuple[str, ...]]
ROWS: list[Row] = [
    (PROPOSED, "agree", "resident", ("submitted",)),
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
    *[(s, "cancel", "resident", ("cancelled",)) for s in (PROPOSED, *BEFORE_SERVICE)],
    *[(s, "cancel", "staff", ("cancelled",)) for s in (PROPOSED, *BEFORE_CONFIRMED)],
    # whoever placed a proxy order may take it back until the service starts
    *[(s, "cancel", "placer", ("cancelled",)) for s in (PROPOSED, *BEFORE_SERVICE)],
    ("completed", "auto_confirm", "system", ("confirmed",)),
    ("dispatched", "expire", "system", ("submitted",)),
    ("pooled", "expire", "system", ("submitted",)),
    (PROPOSED, "expire", "system", ("cancelled",)),
]
ACTIONS = {row[1] for row in ROWS}


class Request(Protocol):
    """What the machine reads of a request."""

    status: str
    resident_id: int
    placed_by_id: int | None
    partner_id: int | None
    assignee_id: int | None
    max_minutes: int
    category: Any  # its `*_hours` deadlines


@dataclass(frozen=True)
class Party:
    """What is known of one user with respect to one request: the facts of its roles."""

    user_id: int
    staff: bool = False  # staff of the request's community (or an admin)
    partner_ids: frozenset[int] = frozenset()  # the partners the user is a member of
    serves: bool = False  # one of them serves the request's category and community


def roles(party: Party | None, req: Request) -> set[str]:
    """Every role the party plays in the request (None: the system)."""
    if party is None:
        return {"system"}
    played = set()
    if req.resident_id == party.user_id:
        played.add("resident")
    if req.placed_by_id == party.user_id:
        played.add("placer")  # placed it on the resident's behalf (代下单)
    if party.staff:
        played.add("staff")
    if req.partner_id and req.partner_id in party.partner_ids:
        played.add("partner")
        if req.assignee_id == party.user_id:
            played.add("assignee")
    if party.serves:
        played.add("pool_partner")  # may claim while it is pooled
    return played


def visible(roles: set[str], status: str) -> bool:
    """A partner that merely serves the request's category and community sees it only while
    it is pooled (a claim on anything else is 404, as for any other outsider)."""
    return bool(roles - {"pool_partner"}) or (status == "pooled" and bool(roles))


def guard(action: str, roles: set[str], status: str) -> Row:
    """The row that allows `action` from `status` to one of `roles`, or the refusal: 404 for
    an unknown action or a request these roles may not see (its existence does not leak),
    403 when none of the roles may take the action, 409 `invalid_transition` when they may
    but not from this status."""
    if action not in ACTIONS:
        raise NotFound()
    if not visible(roles, status):
        raise NotFound(message="服务请求不存在")
    rows = [r for r in ROWS if r[1] == action and r[2] in roles]
    if not rows:
        raise Forbidden(details={"action": action})
    row = next((r for r in rows if r[0] == status), None)
    if row is None:
        raise Conflict("invalid_transition", "当前状态不允许此操作",
                       details={"status": status, "action": action})
    return row


def deadline_for(status: str, req: Request, now: datetime,
                 proposal_hours: int | None = None) -> datetime | None:
    """When the step `status` is overdue; every status but the final ones has a deadline.
    `proposed` waits for the resident `proposal_hours` (the caller's configuration), then
    expires."""
    if status == PROPOSED:
        return now + timedelta(hours=proposal_hours) if proposal_hours else None
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
