"""Activities, shifts and sign-ups: capacity, waitlist, overlap and no-show marking.

Every sign-up change of a shift runs under that shift's row lock (`SELECT ... FOR UPDATE`), so
the confirmed count, the `signed_up` counter and the waitlist order stay consistent whatever
number of processes take sign-ups at once. A sign-up also locks the volunteer's user row first,
so two overlapping shifts cannot both be taken by the same volunteer in parallel. Lock order is
always user, then shift, then sign-up rows, so these paths cannot deadlock each other.
"""
import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased, joinedload, selectinload, with_expression

from app.auth.models import User
from app.auth.permissions import has_role, require
from app.common.timeutil import local_iso
from app.community.models import Community, Station
from app.community.service import get_community, require_staff
from app.errors import ApiError, Conflict, NotFound, Unprocessable
from app.extensions import db
from app.notifications.service import notify
from app.sql import get_or_404
from app.volunteering import codes
from app.volunteering.models import (
    Activity,
    Attendance,
    Shift,
    Signup,
    Team,
)
from app.wechat.content import require_clean

log = logging.getLogger(__name__)
GRACE = timedelta(minutes=30)
ROLE_NAMES = {"volunteer": "志愿者", "party_member": "党员"}


def users_brief(*relationships):
    """Loader options for lists that show users by nickname: joined, without their grants."""
    return [joinedload(rel).lazyload(User.grants) for rel in relationships]


def get_activity(activity_id: int) -> Activity:
    return get_or_404(Activity, activity_id, "活动不存在")


def get_shift(shift_id: int) -> Shift:
    shift = db.session.get(Shift, shift_id, options=[joinedload(Shift.activity)])
    if shift is None:
        raise NotFound(message="班次不存在")
    return shift


def lock_shift(shift_id: int) -> Shift:
    shift = db.session.scalar(sa.select(Shift).where(Shift.id == shift_id).with_for_update(of=Shift)
                              .execution_options(populate_existing=True))
    if shift is None:
        raise NotFound(message="班次不存在")
    return shift


def lock_user(user_id: int) -> None:
    """Serialises one volunteer's sign-ups and make-up records across processes. The lock is
    FOR NO KEY UPDATE, so rows that merely reference the user (a check-in, a ledger posting)
    are still written meanwhile instead of deadlocking against it."""
    db.session.execute(sa.select(User.id).where(User.id == user_id)
                       .with_for_update(key_share=True))


# -- activities and shifts ------------------------------------------------------------
def create_activity(user: User, data: dict, now: datetime) -> Activity:
    community_id = data["community_id"]
    community = get_community(community_id)
    require_staff(user, community_id)
    team_id = data.get("team_id")
    if team_id is not None:
        team = get_or_404(Team, team_id, "队伍不存在")
        if team.community_id != community_id:
            raise Unprocessable(details={"fields": {"team_id": ["队伍不属于该社区"]}})
    require_clean({"title": data["title"], "description": data.get("description")},
                  user.openid)
    activity = Activity(community_id=community_id, team_id=team_id, title=data["title"],
                        description=data.get("description", ""),
                        auto_approve=data.get("auto_approve", False), created_by_id=user.id)
    db.session.add(activity)
    db.session.flush()
    for spec in data.get("shifts", []):
        _new_shift(activity, community, spec, now)
    log.info("activity created id=%s community=%s by=%s", activity.id, community_id, user.id)
    return activity


def add_shift(user: User, activity_id: int, spec: dict, now: datetime) -> Shift:
    activity = get_activity(activity_id)
    require_staff(user, activity.community_id)
    return _new_shift(activity, get_community(activity.community_id), spec, now)


def _new_shift(activity: Activity, community: Community, spec: dict, now: datetime) -> Shift:
    """A shift starts no earlier than a short grace before now (no back-dated shifts), and
    pays no more points per hour than the community's ceiling, which only admins set (and
    never more than the platform's `MAX_POINTS_PER_HOUR`)."""
    _check_start(spec["starts_at"], now)
    _check_points(community, spec["points_per_hour"])
    spec = dict(spec)
    _station_place(activity, spec)
    missing = [k for k in ("lat", "lng", "location_name") if spec.get(k) is None]
    if missing:
        raise Unprocessable(details={"fields": {k: ["请填写地点或选择站点"] for k in missing}})
    roles = ",".join(sorted(set(spec.pop("required_roles", []))))
    shift = Shift(activity_id=activity.id, required_roles=roles, secret=codes.new_secret(),
                  signed_up=0, **spec)
    db.session.add(shift)
    db.session.flush()
    return shift


def _check_start(starts_at: datetime, now: datetime) -> None:
    grace = timedelta(minutes=current_app.config["SHIFT_BACKDATE_GRACE_MINUTES"])
    if starts_at < now - grace:
        minutes = int(grace.total_seconds() // 60)
        raise Unprocessable("shift_in_past", f"班次开始时间不能早于当前时间{minutes}分钟以上",
                            details={"fields": {"starts_at": ["开始时间已过"]},
                                     "earliest": local_iso(now - grace)})


def _check_points(community: Community, points_per_hour: int) -> None:
    ceiling = min(community.max_points_per_hour, current_app.config["MAX_POINTS_PER_HOUR"])
    if points_per_hour > ceiling:
        raise Unprocessable("points_ceiling_exceeded",
                            f"每小时积分不能超过本社区上限{ceiling}",
                            details={"fields": {"points_per_hour": [f"不能超过{ceiling}"]},
                                     "max_points_per_hour": ceiling})


def _station_place(activity: Activity, spec: dict) -> None:
    """Replaces `station_id` in `spec` by the station's place, where not given explicitly."""
    station_id = spec.pop("station_id", None)
    if station_id is not None:
        station = get_or_404(Station, station_id, "站点不存在")
        if station.community_id != activity.community_id:
            raise Unprocessable(details={"fields": {"station_id": ["站点不属于该社区"]}})
        spec.setdefault("lat", station.lat)
        spec.setdefault("lng", station.lng)
        spec.setdefault("location_name", station.name)


def _check_no_overlap(shift: Shift, start: datetime, end: datetime) -> None:
    """Moved times may not overlap another shift of a volunteer signed up for this one (the
    rule every sign-up keeps)."""
    other = aliased(Signup)
    live = ("confirmed", "waitlisted")
    clashes = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Signup.user_id)))
        .join(other, sa.and_(other.user_id == Signup.user_id, other.shift_id != shift.id,
                             other.status.in_(live)))
        .join(Shift, Shift.id == other.shift_id)
        .where(Signup.shift_id == shift.id, Signup.status.in_(live),
               Shift.starts_at < end, Shift.ends_at > start))
    if clashes:
        raise Conflict("shift_overlap", f"有{clashes}名已报名的志愿者在新时段另有班次，请调整时间",
                       details={"volunteers": clashes})


def update_activity(user: User, activity_id: int, changes: dict) -> Activity:
    """A partial change of an activity by staff of its community; texts pass the content check
    as on creation."""
    activity = get_activity(activity_id)
    require_staff(user, activity.community_id)
    if changes.get("team_id") is not None:
        team = get_or_404(Team, changes["team_id"], "队伍不存在")
        if team.community_id != activity.community_id:
            raise Unprocessable(details={"fields": {"team_id": ["队伍不属于该社区"]}})
    texts = {k: changes[k] for k in ("title", "description") if k in changes}
    require_clean(texts, user.openid)
    for key, value in changes.items():
        setattr(activity, key, value)
    db.session.flush()
    log.info("activity updated id=%s fields=%s by=%s", activity.id, ",".join(sorted(changes)),
             user.id)
    db.session.expire(activity)  # its team and shifts are read again, as they now are
    return activity


def update_shift(user: User, shift_id: int, changes: dict, now: datetime) -> Shift:
    """A partial change of a shift by staff of its community, under the shift's lock.

    Times keep the rules of creation: a changed start is not back-dated, and the merged
    window ends after it starts, within 24 hours. Once someone has checked in, the times stay
    (their minutes count against them). Capacity never goes below the confirmed sign-ups
    (409 `capacity_below_signups`); raising it confirms waitlisted volunteers in sign-up
    order, each told as on a cancellation. A closed shift is not changed."""
    shift = lock_shift(shift_id)
    require_staff(user, shift.community_id)
    if shift.closed_at is not None:
        raise Conflict("shift_closed", "班次已关闭，不能修改")
    changes = dict(changes)
    _station_place(shift.activity, changes)
    start = changes.get("starts_at", shift.starts_at)
    end = changes.get("ends_at", shift.ends_at)
    if start != shift.starts_at or end != shift.ends_at:
        if db.session.scalar(sa.select(Attendance.id).where(Attendance.shift_id == shift.id)
                             .limit(1)):
            raise Conflict("shift_has_attendance", "已有志愿者签到，不能修改班次时间")
        if not start < end <= start + timedelta(hours=24):
            raise Unprocessable(details={"fields": {"ends_at": [
                "结束时间须晚于开始时间，且班次不超过24小时"]}})
        if start != shift.starts_at:
            _check_start(start, now)
        _check_no_overlap(shift, start, end)
    if "points_per_hour" in changes and changes["points_per_hour"] != shift.points_per_hour:
        _check_points(get_community(shift.community_id), changes["points_per_hour"])
    capacity = changes.get("capacity", shift.capacity)
    if capacity < shift.signed_up:
        raise Conflict("capacity_below_signups",
                       f"容量不能少于已确认报名人数（{shift.signed_up}人）",
                       details={"fields": {"capacity": [f"不能少于{shift.signed_up}"]},
                                "signed_up": shift.signed_up})
    if "required_roles" in changes:
        changes["required_roles"] = ",".join(sorted(set(changes["required_roles"])))
    for key, value in changes.items():
        setattr(shift, key, value)
    promoted = []
    if capacity > shift.signed_up and now < shift.ends_at:
        promoted = promote_waitlisted(shift, capacity - shift.signed_up, now)
        shift.signed_up += len(promoted)
    db.session.flush()
    log.info("shift updated id=%s fields=%s promoted=%s by=%s", shift.id,
             ",".join(sorted(changes)), len(promoted), user.id)
    db.session.expire(shift)  # read again with the viewer's status
    return shift


def my_status_expr(user_id: int):
    """The viewer's live sign-up status of each shift, computed in the query that loads it."""
    return with_expression(Shift.my_status, sa.select(Signup.status).where(
        Signup.shift_id == Shift.id, Signup.user_id == user_id, Signup.status != "cancelled")
        .limit(1).scalar_subquery())


def viewed_activity(activity_id: int, user_id: int) -> Activity:
    activity = db.session.scalar(
        sa.select(Activity).where(Activity.id == activity_id)
        .options(selectinload(Activity.shifts).options(my_status_expr(user_id))))
    if activity is None:
        raise NotFound(message="活动不存在")
    return activity


def viewed_shift(shift_id: int, user_id: int) -> Shift:
    shift = db.session.scalar(sa.select(Shift).where(Shift.id == shift_id)
                              .options(my_status_expr(user_id)))
    if shift is None:
        raise NotFound(message="班次不存在")
    return shift


def activities_stmt(community_id: int | None, upcoming: bool, now: datetime, user_id: int):
    stmt = sa.select(Activity).options(
        selectinload(Activity.shifts).options(my_status_expr(user_id)))
    if community_id is not None:
        stmt = stmt.where(Activity.community_id == community_id)
    if upcoming:
        stmt = stmt.where(Activity.id.in_(
            sa.select(Shift.activity_id).where(Shift.ends_at > now)))
    return stmt


# -- sign-up and cancellation -----------------------------------------------------------
def signup(user: User, shift_id: int, now: datetime) -> tuple[Signup, bool]:
    """Confirmed while places remain, else waitlisted. Signing up again returns the live
    sign-up unchanged (created=False)."""
    lock_user(user.id)
    shift = lock_shift(shift_id)
    if shift.closed_at is not None or now >= shift.ends_at:
        raise Conflict("shift_ended", "该班次已结束")
    missing = [r for r in shift.role_list
               if not has_role(user, r, community_id=shift.community_id)]
    if missing:
        names = "、".join(ROLE_NAMES.get(r, r) for r in missing)
        raise ApiError("role_required", f"该班次仅限{names}报名", 403,
                       details={"required_roles": missing})
    existing = db.session.scalar(sa.select(Signup).where(
        Signup.shift_id == shift.id, Signup.user_id == user.id, Signup.status != "cancelled"))
    if existing:
        return existing, False
    overlap = db.session.scalar(
        sa.select(Shift.id).join(Signup, Signup.shift_id == Shift.id).where(
            Signup.user_id == user.id, Signup.status.in_(("confirmed", "waitlisted")),
            Shift.id != shift.id, Shift.starts_at < shift.ends_at,
            Shift.ends_at > shift.starts_at).limit(1))
    if overlap:
        raise Conflict("shift_overlap", "您已报名同一时段的其他班次", details={"shift_id": overlap})
    status = "confirmed" if shift.signed_up < shift.capacity else "waitlisted"
    if status == "confirmed":
        shift.signed_up += 1
    row = Signup(shift_id=shift.id, user_id=user.id, status=status, created_at=now,
                 updated_at=now)
    db.session.add(row)
    db.session.flush()
    log.info("signup id=%s shift=%s user=%s status=%s", row.id, shift.id, user.id, status)
    return row, True


def cancel_signup(user: User, shift_id: int, now: datetime) -> Signup:
    """Frees the place; the first waitlisted volunteer (by sign-up order) takes it and is told."""
    shift = lock_shift(shift_id)
    row = db.session.scalar(sa.select(Signup).where(
        Signup.shift_id == shift.id, Signup.user_id == user.id,
        Signup.status.in_(("confirmed", "waitlisted"))).with_for_update(of=Signup))
    if row is None:
        raise Conflict("not_signed_up", "您未报名该班次")
    if row.status == "confirmed" and now >= shift.starts_at:
        raise Conflict("shift_started", "班次已开始，无法取消报名")
    if db.session.scalar(sa.select(Attendance.id).where(Attendance.shift_id == shift.id,
                                                        Attendance.user_id == user.id)):
        raise Conflict("already_checked_in", "已签到，无法取消报名")
    was = row.status
    row.status, row.updated_at = "cancelled", now
    if was == "confirmed" and not promote_waitlisted(shift, 1, now):
        shift.signed_up -= 1
    db.session.flush()
    log.info("signup cancelled id=%s shift=%s was=%s", row.id, shift.id, was)
    return row


def promote_waitlisted(shift: Shift, places: int, now: datetime) -> list[Signup]:
    """Confirms up to `places` waitlisted volunteers of the (locked) shift in sign-up order and
    tells each; the caller keeps `signed_up` right. The promoted sign-ups."""
    promoted = db.session.scalars(
        sa.select(Signup).where(Signup.shift_id == shift.id, Signup.status == "waitlisted")
        .order_by(Signup.id).limit(places).with_for_update(of=Signup)).all()
    for row in promoted:
        row.status, row.updated_at = "confirmed", now
        notify(row.user_id, "shift_promoted", "志愿报名候补成功",
               f"{shift.activity.title} {local_iso(shift.starts_at)[:16]} 已为您保留名额",
               ref=f"shift:{shift.id}")
        log.info("waitlist promoted signup=%s shift=%s", row.id, shift.id)
    return list(promoted)


# -- closing a shift: no-shows and forgotten check-outs ----------------------------------
def close_shift(shift_id: int, now: datetime) -> dict:
    """After the check-out grace: confirmed volunteers with no attendance become `no_show`;
    attendances never checked out become `partial` with 0 minutes, for staff to enter the
    minutes and review. Runs once per shift."""
    shift = get_shift(shift_id)
    if now < shift.ends_at + GRACE:
        raise Conflict("shift_not_ended", "班次尚未结束（含30分钟签退宽限）",
                       details={"closes_at": local_iso(shift.ends_at + GRACE)})
    done = db.session.execute(
        sa.update(Shift).where(Shift.id == shift.id, Shift.closed_at.is_(None))
        .values(closed_at=now).execution_options(synchronize_session=False)).rowcount
    if not done:
        return {"shift_id": shift.id, "no_shows": 0, "unfinished": 0, "already_closed": True}
    attended = sa.select(Attendance.user_id).where(Attendance.shift_id == shift.id)
    no_shows = db.session.execute(
        sa.update(Signup).where(Signup.shift_id == shift.id, Signup.status == "confirmed",
                                Signup.user_id.not_in(attended))
        .values(status="no_show", updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    unfinished = db.session.scalars(sa.select(Attendance).where(
        Attendance.shift_id == shift.id, Attendance.status == "checked_in")
        .with_for_update(of=Attendance)).all()
    for att in unfinished:
        # Only the check-in was verified, so no minute after it is proven: 0 minutes. Staff
        # enter the minutes (`attendance.enter_minutes`) and another staff member approves.
        att.status = "partial"
        att.minutes = 0
        att.review_note = "未签退"
    db.session.flush()
    log.info("shift closed id=%s no_shows=%s unfinished=%s", shift.id, no_shows,
             len(unfinished))
    return {"shift_id": shift.id, "no_shows": no_shows, "unfinished": len(unfinished),
            "already_closed": False}


def close_ended_shifts(now: datetime) -> list[dict]:
    """Close every shift whose grace has passed (the `flask volunteering close-shifts` job)."""
    ids = db.session.scalars(sa.select(Shift.id).where(
        Shift.closed_at.is_(None), Shift.ends_at <= now - GRACE).order_by(Shift.id)).all()
    return [close_shift(shift_id, now) for shift_id in ids]


def clipped_minutes(shift: Shift, start: datetime, end: datetime) -> int:
    """Whole minutes of [start, end] that fall inside the shift's own window."""
    seconds = (min(end, shift.ends_at) - max(start, shift.starts_at)).total_seconds()
    return max(0, int(seconds // 60))


def staff_shift(user: User, shift_id: int) -> Shift:
    """The shift, if the user is staff of its community (404 otherwise: not theirs to see)."""
    shift = get_shift(shift_id)
    require(has_role(user, "staff", community_id=shift.community_id), hide=True)
    return shift
