"""Read side: scoped lists (overdue first for those who handle them), the published rates of
each responsible body, and the count of problems solved (for the figures)."""
import base64
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import has_role, has_street_scope, is_admin, scope_ids, street_ids
from app.common.timeutil import SHANGHAI
from app.community.models import Community, Grid
from app.community.service import get_community
from app.errors import Forbidden, Unprocessable
from app.extensions import db
from app.feedback import machine
from app.feedback.models import FINAL, Feedback
from app.web.pagination import MAX_LIMIT

# Lists ordered by deadline (overdue first) for the people who handle the reports.
BY_DEADLINE = ("community", "grid", "street")


def _one(ids: set[int], given: int | None, name: str) -> int:
    if given is None:
        if len(ids) != 1:
            raise Unprocessable(details={"fields": {name: ["请指定" + (
                "社区" if name == "community_id" else "网格")]}})
        return next(iter(ids))
    return given


def scoped_stmt(user: User, args: dict):
    """`mine`: my reports. `community`: the community's (its staff). `grid`: my grid's (its
    grid workers). `street`: those transferred to my street (its street admins). `open`: the
    reports still being handled in my community, for "me too" (its members)."""
    scope, community_id = args["scope"], args.get("community_id")
    stmt = sa.select(Feedback)
    if scope == "mine":
        stmt = stmt.where(Feedback.author_id == user.id)
        if community_id is not None:
            stmt = stmt.where(Feedback.community_id == community_id)
    elif scope == "community":
        mine = scope_ids(user, "staff", "community_id")
        if not mine and not is_admin(user):
            raise Forbidden()
        community_id = community_id if is_admin(user) else _one(mine, community_id,
                                                                  "community_id")
        if community_id is None:
            raise Unprocessable(details={"fields": {"community_id": ["请指定社区"]}})
        get_community(community_id)
        if not has_role(user, "staff", community_id=community_id):
            raise Forbidden()
        stmt = stmt.where(Feedback.community_id == community_id)
    elif scope == "grid":
        grids = scope_ids(user, "grid_worker", "grid_id")
        grid_id = args.get("grid_id")
        if not is_admin(user):
            if not grids:
                raise Forbidden()
            grid_id = _one(grids, grid_id, "grid_id")
            if grid_id not in grids:
                raise Forbidden()
        elif grid_id is None:
            raise Unprocessable(details={"fields": {"grid_id": ["请指定网格"]}})
        stmt = stmt.where(Feedback.grid_id == grid_id)
    elif scope == "street":
        streets = street_ids(user)
        if not streets and not is_admin(user):
            raise Forbidden()
        stmt = stmt.where(Feedback.transferred_at.is_not(None))
        if not is_admin(user):
            stmt = stmt.where(Feedback.community_id.in_(
                sa.select(Community.id).where(Community.street_id.in_(streets))))
        if community_id is not None:
            stmt = stmt.where(Feedback.community_id == community_id)
    else:  # open
        if community_id is None:
            raise Unprocessable(details={"fields": {"community_id": ["请指定社区"]}})
        get_community(community_id)
        if not (machine.is_member(user, community_id)
                or has_role(user, "staff", community_id=community_id)):
            raise Forbidden()
        stmt = stmt.where(Feedback.community_id == community_id,
                          Feedback.status.in_(machine.WAITING), Feedback.content_ok.is_(True))
    if args.get("status"):
        stmt = stmt.where(Feedback.status == args["status"])
    return stmt


# -- paging ------------------------------------------------------------------------------------

def _encode(deadline: datetime | None, ident: int) -> str:
    stamp = "" if deadline is None else str(int(deadline.timestamp() * 1_000_000))
    return base64.urlsafe_b64encode(f"{stamp}:{ident}".encode()).decode().rstrip("=")


def _decode(cursor: str | None) -> tuple[datetime | None, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        stamp, ident = raw.split(":")
        if not ident.isdigit() or len(ident) > 10 or (stamp and not stamp.lstrip("-").isdigit()):
            raise ValueError(raw)
        when = datetime.fromtimestamp(int(stamp) / 1_000_000, UTC) if stamp else None
        return when, int(ident)
    except (ValueError, UnicodeDecodeError, OverflowError, OSError):
        raise Unprocessable(details={"fields": {"cursor": ["无效的游标"]}}) from None


def page(stmt, args: dict) -> tuple[list[Feedback], str | None]:
    """Handlers' lists by deadline, earliest first (overdue on top; reports without a deadline
    — resolved or final — last); the others newest first."""
    limit = min(int(args.get("limit") or 20), MAX_LIMIT)
    cursor = _decode(args.get("cursor"))
    by_deadline = args["scope"] in BY_DEADLINE
    if by_deadline:
        deadline, ident = Feedback.deadline_at, Feedback.id
        if cursor and cursor[0] is not None:
            stmt = stmt.where(sa.or_(deadline > cursor[0],
                                     sa.and_(deadline == cursor[0], ident > cursor[1]),
                                     deadline.is_(None)))
        elif cursor:
            stmt = stmt.where(deadline.is_(None), ident > cursor[1])
        stmt = stmt.order_by(deadline.asc().nulls_last(), ident)
    else:
        if cursor:
            stmt = stmt.where(Feedback.id < cursor[1])
        stmt = stmt.order_by(Feedback.id.desc())
    rows = list(db.session.scalars(stmt.limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = None
    if more and rows:
        nxt = _encode(rows[-1].deadline_at if by_deadline else None, rows[-1].id)
    return rows, nxt


# -- dates -------------------------------------------------------------------------------------
def day_start(day: date) -> datetime:
    """Midnight in Asia/Shanghai of `day`, as an aware UTC datetime."""
    return datetime.combine(day, time.min, tzinfo=SHANGHAI).astimezone(UTC)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return day_start(start), day_start(end + timedelta(days=1))


# -- problems solved ---------------------------------------------------------------------------
def solved_count(community_id: int, start: date, end: date) -> int:
    """Reports of the community closed in [start, end] (Asia/Shanghai dates, `end` included)
    after a resolution that was not reopened: `closed` is reached only from `resolved`, by the
    author's rating or the job after the rating window. A report closed unresolved, or merged
    into another, never counts; one reopened and then resolved again counts once, when closed."""
    lo, hi = _bounds(start, end)
    return int(db.session.scalar(sa.select(sa.func.count(Feedback.id)).where(
        Feedback.community_id == community_id, *SOLVED, Feedback.closed_at >= lo,
        Feedback.closed_at < hi)) or 0)


# What makes a report a problem solved, counted on its `closed_at` (the figures reuse it).
SOLVED = (Feedback.status == "closed", Feedback.resolved_at.is_not(None))


# -- the published rates -----------------------------------------------------------------------
REASONS = {
    "response": "统计期内没有已到受理时限或已响应的问题",
    "resolution": "统计期内没有已办结或已超过办理时限的问题",
    "satisfaction": "统计期内没有居民作出评价",
}
SATISFIED = 4  # a score of 4 or 5 is 满意


def _rate(numerator: int, denominator: int, name: str) -> dict:
    if not denominator:
        return {"rate": None, "numerator": 0, "denominator": 0, "reason": REASONS[name]}
    return {"rate": round(numerator * 100 / denominator, 1), "numerator": numerator,
            "denominator": denominator, "reason": None}


def _tally(rows, now: datetime) -> dict:
    """The three rates of 接诉即办 over some reports:

    - response: responded (accepted, or passed to the street) by the first acceptance deadline,
      among the reports responded to or past that deadline (an unresolved close before any
      response counts against it);
    - resolution: closed after a resolution and never reopened, among the reports closed either
      way or past the promised resolution date while still unresolved;
    - satisfaction: rated 4 or 5 and never reopened, among the reports rated, reopened or
      closed unresolved.
    """
    resp = [0, 0]
    res = [0, 0]
    sat = [0, 0]
    count = 0
    for r in rows:
        count += 1
        if r.responded_at is not None or r.accept_due_at <= now or r.status in FINAL:
            resp[1] += 1
            resp[0] += int(r.responded_at is not None and r.responded_at <= r.accept_due_at)
        finished = r.status in ("closed", "closed_unresolved")
        late = r.status in machine.WAITING and r.resolve_due_at <= now
        if finished or late:
            res[1] += 1
            res[0] += int(r.status == "closed" and r.reopen_count == 0)
        if r.rating is not None or r.reopen_count or r.status == "closed_unresolved":
            sat[1] += 1
            sat[0] += int(r.rating is not None and r.rating >= SATISFIED and not r.reopen_count)
    return {"reports": count, "response": _rate(*resp, "response"),
            "resolution": _rate(*res, "resolution"),
            "satisfaction": _rate(*sat, "satisfaction")}


def rates(community_id: int, start: date, end: date, now: datetime) -> dict:
    """Per responsible body (each grid of the community, and the community's staff for what
    was routed to them), over the reports made in [start, end] (Asia/Shanghai dates, `end`
    included); merged duplicates are left out. A rate with nothing to measure is null with its
    reason, never 0."""
    community = get_community(community_id)
    if end < start:
        raise Unprocessable(details={"fields": {"to": ["结束日期不能早于开始日期"]}})
    lo, hi = _bounds(start, end)
    rows = db.session.execute(sa.select(
        Feedback.grid_id, Feedback.status, Feedback.responded_at, Feedback.accept_due_at,
        Feedback.resolve_due_at, Feedback.reopen_count, Feedback.rating).where(
        Feedback.community_id == community_id, Feedback.created_at >= lo,
        Feedback.created_at < hi, Feedback.status != "merged")).all()
    grids = db.session.execute(sa.select(Grid.id, Grid.name).where(
        Grid.community_id == community_id).order_by(Grid.id)).all()
    bodies = [{"kind": "community", "grid_id": None, "name": community.name,
               **_tally([r for r in rows if r.grid_id is None], now)}]
    bodies += [{"kind": "grid", "grid_id": gid, "name": name,
                **_tally([r for r in rows if r.grid_id == gid], now)} for gid, name in grids]
    return {"community_id": community_id, "from": start, "to": end, "bodies": bodies,
            "overall": _tally(rows, now),
            "problems_solved": solved_count(community_id, start, end)}


def can_read_rates(user: User, community_id: int) -> bool:
    community = get_community(community_id)
    return (has_role(user, "staff", community_id=community_id)
            or any(g.role == "grid_worker" and g.community_id == community_id
                   for g in user.grants)
            or has_street_scope(user, community.street_id) or has_role(user, "org_dept")
            or machine.is_member(user, community_id))
