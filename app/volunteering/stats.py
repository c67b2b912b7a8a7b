"""A volunteer's record and the leaderboards, each computed by a few aggregate queries.

Verified hours (checked in and out on site) and manual hours (make-up records by staff) are
counted apart; leaderboards rank verified hours only, so make-up records cannot buy a rank.
Periods are calendar months and years in Asia/Shanghai, by the shift's start.
"""
from datetime import datetime

import sqlalchemy as sa

from app.auth.models import User
from app.common.timeutil import SHANGHAI
from app.extensions import db
from app.volunteering.attendance import month_bounds
from app.volunteering.models import Activity, Attendance, Shift, Signup, TeamMember


def period_bounds(period: str, now: datetime) -> tuple[datetime, datetime]:
    start, end = month_bounds(now)
    if period == "year":
        start = start.replace(month=1)
        end = start.replace(year=start.year + 1)
    return start, end


def quarter_bounds(year: int, quarter: int) -> tuple[datetime, datetime]:
    start = datetime(year, 3 * (quarter - 1) + 1, 1, tzinfo=SHANGHAI)
    end = datetime(year + 1, 1, 1, tzinfo=SHANGHAI) if quarter == 4 \
        else datetime(year, 3 * quarter + 1, 1, tzinfo=SHANGHAI)
    return start, end


def attendance_totals(user_ids=None, community_id: int | None = None,
                      start: datetime | None = None, end: datetime | None = None) -> dict:
    """{user_id: {verified_minutes, manual_minutes, pending_minutes, points, activities}}."""
    credited = Attendance.status == "credited"
    stmt = (sa.select(
        Attendance.user_id,
        sa.func.sum(sa.case((credited & ~Attendance.manual, Attendance.minutes), else_=0)),
        sa.func.sum(sa.case((credited & Attendance.manual, Attendance.minutes), else_=0)),
        sa.func.sum(sa.case((Attendance.status.in_(("pending", "partial")), Attendance.minutes),
                            else_=0)),
        sa.func.sum(sa.case((credited, Attendance.points), else_=0)),
        sa.func.count(sa.distinct(sa.case((credited, Shift.activity_id)))))
        .join(Shift, Shift.id == Attendance.shift_id).group_by(Attendance.user_id))
    stmt = _scoped(stmt, Attendance.user_id, user_ids, community_id, start, end,
                   Attendance.community_id)
    keys = ("verified_minutes", "manual_minutes", "pending_minutes", "points", "activities")
    return {row[0]: {k: int(v or 0) for k, v in zip(keys, row[1:], strict=True)}
            for row in db.session.execute(stmt)}


def no_show_counts(user_ids=None, community_id: int | None = None,
                   start: datetime | None = None, end: datetime | None = None) -> dict:
    stmt = (sa.select(Signup.user_id, sa.func.count())
            .join(Shift, Shift.id == Signup.shift_id)
            .join(Activity, Activity.id == Shift.activity_id)
            .where(Signup.status == "no_show").group_by(Signup.user_id))
    stmt = _scoped(stmt, Signup.user_id, user_ids, community_id, start, end,
                   Activity.community_id)
    return dict(db.session.execute(stmt).all())


def _scoped(stmt, user_col, user_ids, community_id, start, end, community_col):
    if user_ids is not None:
        stmt = stmt.where(user_col.in_(user_ids))
    if community_id is not None:
        stmt = stmt.where(community_col == community_id)
    if start is not None:
        stmt = stmt.where(Shift.starts_at >= start, Shift.starts_at < end)
    return stmt


def volunteer_record(user_id: int, community_id: int | None) -> dict:
    totals = attendance_totals([user_id], community_id).get(user_id, {})
    return {
        "user_id": user_id,
        "community_id": community_id,
        "verified_minutes": totals.get("verified_minutes", 0),
        "manual_minutes": totals.get("manual_minutes", 0),
        "pending_minutes": totals.get("pending_minutes", 0),
        "points": totals.get("points", 0),
        "activities": totals.get("activities", 0),
        "no_shows": no_show_counts([user_id], community_id).get(user_id, 0),
    }


def leaderboard(community_id: int, period: str, now: datetime, limit: int,
                team_id: int | None = None) -> list[dict]:
    """Volunteers ranked by verified minutes in the period (ties by user id)."""
    start, end = period_bounds(period, now)
    minutes = sa.func.sum(Attendance.minutes).label("minutes")
    stmt = (sa.select(Attendance.user_id, minutes)
            .join(Shift, Shift.id == Attendance.shift_id)
            .where(Attendance.community_id == community_id, Attendance.status == "credited",
                   Attendance.manual.is_(False), Shift.starts_at >= start, Shift.starts_at < end)
            .group_by(Attendance.user_id)
            .order_by(minutes.desc(), Attendance.user_id).limit(limit))
    if team_id is not None:
        stmt = stmt.where(Attendance.user_id.in_(
            sa.select(TeamMember.user_id).where(TeamMember.team_id == team_id)))
    rows = db.session.execute(stmt).all()
    names = dict(db.session.execute(sa.select(User.id, User.nickname).where(
        User.id.in_([r[0] for r in rows]))).all()) if rows else {}
    return [{"rank": i + 1, "user_id": uid, "nickname": names.get(uid, ""),
             "minutes": int(total), "hours": round(int(total) / 60, 1)}
            for i, (uid, total) in enumerate(rows)]
