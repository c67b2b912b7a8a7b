"""Read side: scoped lists with a fixed number of queries, candidates, the needs list."""
import base64
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.auth.permissions import is_admin, scope_ids
from app.catalog import service as catalog
from app.catalog.models import Partner, ServiceCategory, partner_categories, partner_communities
from app.common.timeutil import utcnow
from app.community.models import Building, Compound, Household
from app.errors import Forbidden, Unprocessable
from app.extensions import db
from app.files import service as files
from app.orders.models import CollectedNeed, RequestEvent, ServiceRequest
from app.web.pagination import MAX_LIMIT

FAR = datetime(9999, 1, 1, tzinfo=UTC)
OPEN_STATUSES = ("proposed", "submitted", "dispatched", "pooled", "accepted", "in_service",
                 "completed", "disputed")


def scoped_stmt(user: User, scope: str, community_id: int | None):
    stmt = sa.select(ServiceRequest)
    if scope == "mine":
        return stmt.where(ServiceRequest.resident_id == user.id)
    if scope == "placed":  # proxy orders (代下单) the user placed for others
        return stmt.where(ServiceRequest.placed_by_id == user.id)
    if scope == "community":
        allowed = None if is_admin(user) else scope_ids(user, "staff", "community_id")
        if allowed is not None and not allowed:
            raise Forbidden()
        if community_id is None:
            if not allowed or len(allowed) != 1:
                raise Unprocessable(details={"fields": {"community_id": ["请指定社区"]}})
            community_id = next(iter(allowed))
        if allowed is not None and community_id not in allowed:
            raise Forbidden()
        return stmt.where(ServiceRequest.community_id == community_id)
    partners = catalog.member_partner_ids(user)
    if not partners:
        raise Forbidden()
    if scope == "assigned":
        return stmt.where(ServiceRequest.partner_id.in_(partners))
    # pool: pooled requests whose category and community one of my partners serves
    served = (sa.select(partner_categories.c.category_id, partner_communities.c.community_id)
              .join(partner_communities,
                    partner_communities.c.partner_id == partner_categories.c.partner_id)
              .join(Partner, Partner.id == partner_categories.c.partner_id)
              .where(partner_categories.c.partner_id.in_(partners),
                     catalog.under_contract_clause()))
    return stmt.where(ServiceRequest.status == "pooled",
                      sa.tuple_(ServiceRequest.category_id, ServiceRequest.community_id)
                      .in_(served))


def page(stmt, args: dict, by_deadline: bool):
    """One page of ORM requests. Staff lists run by deadline (overdue first), others newest
    first."""
    stmt, limit = _paged(stmt, args, by_deadline)
    rows = list(db.session.scalars(stmt.limit(limit + 1)).unique())
    return _cut(rows, limit, by_deadline)


SR = ServiceRequest
_resident = aliased(User)


def _scalar(column, *where):
    """A correlated scalar subquery: one value per request line, planned on its own."""
    return sa.select(column).where(*where).scalar_subquery()


_building = sa.and_(Household.id == SR.household_id, Building.id == Household.building_id)
# What a line of the request list shows (app/orders/views.py), and no more: read as plain rows
# in one statement, without the ORM's joined entities (the hottest read there is, P1). Names
# held by one row each are scalar subqueries, not joins: PostgreSQL plans the statement for
# every execution (a custom plan), and a join of eight tables cost it about 9 ms to plan.
LINE_COLUMNS = (
    SR.id, SR.status, SR.community_id, SR.category_id, SR.payer, SR.points_per_hour,
    SR.description, SR.content_ok, SR.household_id, SR.resident_id, SR.partner_id,
    SR.assignee_id, SR.placed_by_id, SR.placed_as, SR.consent, SR.consent_note,
    SR.preferred_start, SR.preferred_end, SR.deadline_at, SR.minutes, SR.rating,
    SR.held_points, SR.points_settled, SR.created_at, SR.updated_at,
    ServiceCategory.name.label("category_name"), ServiceCategory.code.label("category_code"),
    ServiceCategory.photo_required.label("category_photo_required"),
    _resident.nickname.label("resident_nickname"), _resident.phone.label("resident_phone"),
    _scalar(Compound.name, _building, Compound.id == Building.compound_id)
    .label("compound_name"),
    _scalar(Building.name, _building).label("building_name"),
    _scalar(Partner.name, Partner.id == SR.partner_id).label("partner_name"),
    _scalar(User.nickname, User.id == SR.placed_by_id).label("placer_nickname"),
    files.ids_column("request", SR.id).label("photo_ids"))
_LINE_FROM = (SR.__table__
              .join(ServiceCategory, ServiceCategory.id == SR.category_id)
              .join(_resident, _resident.id == SR.resident_id))


def lines(stmt, args: dict, by_deadline: bool):
    """The same page as `page`, as rows of `LINE_COLUMNS` (read like a request: `row.id`,
    `row.status`, ..., plus the shown names of its category, place and people, and the ids
    of its photos), in one statement."""
    stmt, limit = _paged(stmt, args, by_deadline)
    stmt = stmt.with_only_columns(*LINE_COLUMNS).select_from(_LINE_FROM)
    return _cut(db.session.execute(stmt.limit(limit + 1)).all(), limit, by_deadline)


def _paged(stmt, args: dict, by_deadline: bool):
    limit = min(int(args.get("limit") or 20), MAX_LIMIT)
    cursor = _decode(args.get("cursor"), by_deadline)
    if args.get("status"):
        stmt = stmt.where(ServiceRequest.status == args["status"])
    if by_deadline:
        # Earliest deadline first (overdue on top), requests without one last; the index
        # (community_id, deadline_at, id) serves this order directly.
        deadline, ident = ServiceRequest.deadline_at, ServiceRequest.id
        if cursor and cursor[0] is not None:
            stmt = stmt.where(sa.or_(deadline > cursor[0],
                                     sa.and_(deadline == cursor[0], ident > cursor[1]),
                                     deadline.is_(None)))
        elif cursor:
            stmt = stmt.where(deadline.is_(None), ident > cursor[1])
        stmt = stmt.order_by(deadline.asc().nulls_last(), ident)
    else:
        if cursor:
            stmt = stmt.where(ServiceRequest.id < cursor[1])
        stmt = stmt.order_by(ServiceRequest.id.desc())
    return stmt, limit


def _cut(rows: list, limit: int, by_deadline: bool):
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, _encode(rows[-1], by_deadline) if more and rows else None


def _encode(req, by_deadline: bool) -> str:
    if by_deadline:
        raw = f"{req.deadline_at.timestamp():.6f}:{req.id}" if req.deadline_at \
            else f"none:{req.id}"
    else:
        raw = f"0:{req.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str | None, by_deadline: bool):
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        ts, ident = raw.split(":")
        # `none`: the last row had no deadline (finished requests), the tail of the order
        when = None if not by_deadline or ts == "none" else datetime.fromtimestamp(float(ts),
                                                                                    tz=UTC)
        return when, int(ident)
    except (ValueError, UnicodeDecodeError, OverflowError, OSError):
        raise Unprocessable(details={"fields": {"cursor": ["无效的游标"]}}) from None


def candidates(req: ServiceRequest) -> list[dict]:
    """Partners that serve the request's category and community, best first, with reasons."""
    partners = list(db.session.scalars(catalog.partners_stmt(req.community_id,
                                                             req.category_id)))
    since = utcnow() - timedelta(days=30)
    rows = db.session.execute(sa.select(
        ServiceRequest.partner_id, ServiceRequest.dispatched_at, ServiceRequest.accepted_at)
        .where(ServiceRequest.partner_id.in_([p.id for p in partners]),
               ServiceRequest.accepted_at >= since,
               ServiceRequest.dispatched_at.is_not(None))).all()
    waits: dict[int, list[float]] = {}
    for partner_id, dispatched, accepted in rows:
        waits.setdefault(partner_id, []).append((accepted - dispatched).total_seconds() / 60)
    grid_id = req.household.building.grid_id
    accept_minutes = req.category.accept_hours * 60
    out = []
    for p in partners:
        score, reasons = 0.0, []
        if p.capacity and p.open_tasks < p.capacity:
            score += 40 * (1 - p.open_tasks / p.capacity)
            reasons.append(f"当前任务 {p.open_tasks}/{p.capacity}")
        else:
            score -= 100
            reasons.append(f"任务已满 {p.open_tasks}/{p.capacity}")
        if p.rating is not None:
            score += 30 * p.rating / 5
            reasons.append(f"评分 {p.rating}（{p.rating_count} 次）")
        else:
            score += 18
            reasons.append("暂无评分")
        if p.id in waits:
            avg = sum(waits[p.id]) / len(waits[p.id])
            score += 20 * max(0.0, 1 - avg / accept_minutes)
            reasons.append(f"近30天平均 {round(avg)} 分钟接单")
        else:
            reasons.append("近30天无接单记录")
        if grid_id and p.home_grid_id == grid_id:
            score += 10
            reasons.append("同一网格")
        elif p.home_community_id == req.community_id:
            score += 5
            reasons.append("本社区合伙人")
        out.append({"partner_id": p.id, "name": p.name, "score": round(score, 1),
                    "reasons": reasons})
    return sorted(out, key=lambda c: (-c["score"], c["partner_id"]))


def needs(community_id: int, days: int = 90) -> list[dict]:
    """The needs list (需求清单), by category over the last `days`: `requested` in the app,
    `collected` by staff on visits, `total` both, and `open` app requests not yet done."""
    since = utcnow() - timedelta(days=days)
    open_count = sa.func.sum(sa.case((ServiceRequest.status.in_(OPEN_STATUSES), 1), else_=0))
    placed = db.session.execute(
        sa.select(ServiceRequest.category_id, sa.func.count(ServiceRequest.id), open_count)
        .where(ServiceRequest.community_id == community_id, ServiceRequest.created_at >= since)
        .group_by(ServiceRequest.category_id)).all()
    collected = dict(db.session.execute(
        sa.select(CollectedNeed.category_id, sa.func.count(CollectedNeed.id))
        .where(CollectedNeed.community_id == community_id, CollectedNeed.created_at >= since)
        .group_by(CollectedNeed.category_id)).all())
    counts = {r[0]: (r[1], int(r[2] or 0)) for r in placed}
    ids = set(counts) | set(collected)
    if not ids:
        return []
    categories = db.session.execute(
        sa.select(ServiceCategory.id, ServiceCategory.code, ServiceCategory.name)
        .where(ServiceCategory.id.in_(ids))).all()
    out = []
    for cid, code, name in categories:
        requested, still_open = counts.get(cid, (0, 0))
        got = collected.get(cid, 0)
        out.append({"category_id": cid, "code": code, "name": name, "requested": requested,
                    "collected": got, "total": requested + got, "open": still_open})
    return sorted(out, key=lambda r: (-r["total"], r["category_id"]))


def partner_ratings(partner_ids: list[int], community_id: int, start: datetime,
                    end: datetime) -> dict[int, tuple[int, int]]:
    """Residents' ratings of confirmed requests per partner in a community, confirmed in
    [start, end): {partner_id: (count, sum)}. Read by the evaluations domain."""
    if not partner_ids:
        return {}
    confirmed = (sa.select(RequestEvent.request_id, sa.func.max(RequestEvent.at).label("at"))
                 .where(RequestEvent.action == "confirm")
                 .group_by(RequestEvent.request_id).subquery())
    rows = db.session.execute(
        sa.select(ServiceRequest.partner_id, sa.func.count(ServiceRequest.id),
                  sa.func.sum(ServiceRequest.rating))
        .join(confirmed, confirmed.c.request_id == ServiceRequest.id)
        .where(ServiceRequest.partner_id.in_(partner_ids),
               ServiceRequest.community_id == community_id,
               ServiceRequest.status == "confirmed", ServiceRequest.rating.is_not(None),
               confirmed.c.at >= start, confirmed.c.at < end)
        .group_by(ServiceRequest.partner_id)).all()
    return {pid: (int(n), int(total or 0)) for pid, n, total in rows}


def completed_by_assignee(user_ids: list[int], start: datetime,
                          end: datetime) -> dict[int, int]:
    """Service requests each user completed as the assignee in [start, end), read from the
    requests' timelines: {user_id: count}. Read by the party domain's quarterly summaries."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        sa.select(RequestEvent.actor_id, sa.func.count(sa.distinct(RequestEvent.request_id)))
        .where(RequestEvent.action == "complete", RequestEvent.actor_id.in_(user_ids),
               RequestEvent.at >= start, RequestEvent.at < end)
        .group_by(RequestEvent.actor_id)).all()
    return {uid: int(n) for uid, n in rows}
