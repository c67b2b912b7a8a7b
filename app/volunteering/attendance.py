"""On-site check-in and check-out, staff review, make-up records, and hours to points.

Presence is proven at each end in one of two ways, recorded on the attendance (`in_proof`,
`out_proof`): the volunteer sends the shift-wide code with the phone's position (`code`, or
`gps` on a shift without a code), or staff on site scan the volunteer's personal single-use pass
(`pass`). A code can be read from a photo anywhere, so only a pass at both ends lets an
`auto_approve` activity credit without review.

A volunteer's check-in and check-out on a shift run under the row lock of their sign-up, so a
retried request finds the first one's attendance and returns it (idempotent). Approval moves
the attendance from `pending`/`partial` to `credited` with a conditional UPDATE: of two
concurrent approvals exactly one changes the row, and only that one credits points, through
`timebank.credit_shift` with the key `attendance:<id>:credit`, in the same transaction.

Minutes that staff enter — a make-up record (补录), or the minutes of a check-in never checked
out — are `manual`: a second staff member approves them (never the one who entered them, nor
the volunteer), and they count against the volunteer's monthly cap and the community's
monthly budget. Both are checked under the community's row lock, then the volunteer's, so two
staff recording at once cannot both pass a limit.
"""
import logging
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.audit.service import record
from app.auth.models import User
from app.auth.permissions import has_role, require
from app.common.timeutil import SHANGHAI, local_iso
from app.community.models import Community
from app.errors import Conflict, Forbidden, Unprocessable
from app.extensions import db
from app.sql import get_or_404, insert_ignoring_conflict
from app.timebank import service as timebank
from app.volunteering import codes
from app.volunteering.geo import haversine_m
from app.volunteering.models import Attendance, Shift, Signup, UsedCode, UsedPass
from app.volunteering.service import (
    GRACE,
    clipped_minutes,
    get_shift,
    lock_user,
    staff_shift,
)

log = logging.getLogger(__name__)
REVIEWABLE = ("pending", "partial")
DEFAULT_MANUAL_CAP_MINUTES = 480  # make-up records per volunteer per calendar month


def _locked_signup(user: User, shift: Shift) -> Signup:
    row = db.session.scalar(sa.select(Signup).where(
        Signup.shift_id == shift.id, Signup.user_id == user.id,
        Signup.status == "confirmed").with_for_update(of=Signup))
    if row is None:
        raise Conflict("not_signed_up", "您没有该班次的正式报名")
    return row


def _attendance_of(user_id: int, shift_id: int) -> Attendance | None:
    return db.session.scalar(sa.select(Attendance).where(
        Attendance.shift_id == shift_id, Attendance.user_id == user_id)
        .execution_options(populate_existing=True))


def _check_window(shift: Shift, now: datetime, closes_at: datetime) -> None:
    opens_at = shift.starts_at - GRACE
    if not opens_at <= now <= closes_at:
        raise Unprocessable("outside_shift_window", "不在班次签到时间内（前后宽限30分钟）",
                            details={"opens_at": local_iso(opens_at),
                                     "closes_at": local_iso(closes_at)})


def _check_geofence(shift: Shift, lat: float, lng: float) -> float:
    distance = haversine_m(lat, lng, shift.lat, shift.lng)
    if distance > shift.radius_m:
        raise Unprocessable("outside_geofence", f"请到{shift.location_name}现场签到",
                            details={"distance_m": round(distance), "radius_m": shift.radius_m})
    return distance


def _check_code(shift: Shift, user: User, code: str | None, now: datetime) -> bool:
    """True when the shift asks for a code and a fresh, unused one was given."""
    if not shift.code_required:
        return False
    if not code:
        raise Unprocessable("code_required", "请扫描现场二维码签到")
    result, step = codes.match(shift.secret, code, now)
    if result == "expired":
        raise Unprocessable("code_expired", "签到码已过期，请重新扫码")
    if result != "ok":
        raise Unprocessable("invalid_code", "签到码无效")
    used = db.session.scalar(sa.select(UsedCode.id).where(
        UsedCode.shift_id == shift.id, UsedCode.user_id == user.id, UsedCode.step == step))
    if used:
        raise Unprocessable("code_replayed", "该签到码已使用，请等待新码后重新扫码")
    db.session.add(UsedCode(shift_id=shift.id, user_id=user.id, step=step, used_at=now))
    return True


def _open_attendance(shift: Shift, user_id: int, now: datetime, proof: str,
                     distance: float | None = None, code_ok: bool = False,
                     scanned_by_id: int | None = None) -> Attendance:
    att = Attendance(shift_id=shift.id, user_id=user_id, community_id=shift.community_id,
                     status="checked_in", checked_in_at=now, in_distance_m=distance,
                     in_code_ok=code_ok, in_proof=proof, in_scanned_by_id=scanned_by_id,
                     created_at=now)
    db.session.add(att)
    db.session.flush()
    log.info("checkin attendance=%s shift=%s user=%s proof=%s", att.id, shift.id, user_id,
             proof)
    return att


def _close_attendance(att: Attendance, shift: Shift, now: datetime) -> Attendance:
    """Minutes are clipped to the shift; under 60% of it is `partial` (staff review). With the
    activity's auto-approval and a scanned pass at both ends, points are credited at once."""
    att.checked_out_at = now
    att.minutes = clipped_minutes(shift, att.checked_in_at, now)
    att.status = "partial" if att.minutes * 10 < shift.minutes * 6 else "pending"
    db.session.flush()
    log.info("checkout attendance=%s minutes=%s status=%s in_proof=%s out_proof=%s", att.id,
             att.minutes, att.status, att.in_proof, att.out_proof)
    if att.status == "pending" and shift.activity.auto_approve and att.proven_on_site:
        _credit(att, None, att.minutes, "自动审核：签到、签退均由工作人员现场扫码核验", now)
    return att


def check_in(user: User, shift_id: int, lat: float, lng: float, code: str | None,
             now: datetime) -> tuple[Attendance, bool]:
    """(attendance, created). A repeated check-in returns the first one unchanged."""
    shift = get_shift(shift_id)
    _locked_signup(user, shift)
    existing = _attendance_of(user.id, shift.id)
    if existing is not None and existing.manual:
        raise Conflict("attendance_exists", "工作人员已为您补录该班次")
    if existing is not None:
        return existing, False
    _check_window(shift, now, shift.ends_at)
    distance = _check_geofence(shift, lat, lng)
    code_ok = _check_code(shift, user, code, now)
    att = _open_attendance(shift, user.id, now, "code" if code_ok else "gps",
                           distance=distance, code_ok=code_ok)
    return att, True


def check_out(user: User, shift_id: int, lat: float, lng: float, code: str | None,
              now: datetime) -> Attendance:
    """Check-out with the shift-wide code and the phone's position. It never credits on its
    own: a code proves no presence, so the attendance waits for staff review."""
    shift = get_shift(shift_id)
    _locked_signup(user, shift)
    att = _attendance_of(user.id, shift.id)
    if att is None or att.checked_in_at is None:
        raise Conflict("not_checked_in", "尚未签到，无法签退")
    if att.checked_out_at is not None:
        return att
    _check_window(shift, now, shift.ends_at + GRACE)
    att.out_distance_m = _check_geofence(shift, lat, lng)
    att.out_code_ok = _check_code(shift, user, code, now)
    att.out_proof = "code" if att.out_code_ok else "gps"
    return _close_attendance(att, shift, now)


# -- personal passes, scanned by staff on site -------------------------------------------
def issue_pass(user: User, shift_id: int, now: datetime) -> dict:
    """A single-use pass for the volunteer's next step on the shift (`in`, then `out`), valid
    for `codes.PASS_SECONDS`; only for a volunteer with a confirmed sign-up."""
    shift = get_shift(shift_id)
    if db.session.scalar(sa.select(Signup.id).where(
            Signup.shift_id == shift.id, Signup.user_id == user.id,
            Signup.status == "confirmed")) is None:
        raise Conflict("not_signed_up", "您没有该班次的正式报名")
    att = _attendance_of(user.id, shift.id)
    if att is None:
        kind = "in"
    elif att.manual:
        raise Conflict("attendance_exists", "工作人员已为您补录该班次")
    elif att.status == "checked_in":
        kind = "out"
    else:
        raise Conflict("already_checked_out", "您已签退该班次")
    token = codes.new_pass(shift.secret, shift.id, user.id, kind, now)
    return {"token": token, "expires_in": codes.PASS_SECONDS, "kind": kind,
            "qr": f"llt:pass:{token}"}


def _read_pass(shift: Shift, token: str, kind: str, now: datetime) -> codes.PassClaim:
    parsed = codes.parse_pass(token)
    if parsed is None:
        raise Unprocessable("invalid_pass", "签到凭证无效")
    claim, mac = parsed
    if claim.shift_id != shift.id:
        raise Unprocessable("pass_wrong_shift", "这不是本班次的签到凭证")
    if not codes.pass_signed(shift.secret, claim, mac):
        raise Unprocessable("invalid_pass", "签到凭证无效")
    if now.timestamp() >= claim.expires:
        raise Unprocessable("pass_expired", "签到凭证已过期，请志愿者刷新后重新出示")
    if claim.kind != kind:
        raise Unprocessable("pass_kind_mismatch",
                            "这是签到凭证，请选择扫码签到" if claim.kind == "in"
                            else "这是签退凭证，请选择扫码签退",
                            details={"pass_kind": claim.kind})
    return claim


def _use_pass(claim: codes.PassClaim, staff: User, now: datetime) -> None:
    """Record the pass as used, once across every process: a second scan of the same pass
    (even one racing this one) finds the nonce taken and is refused."""
    row_id = db.session.execute(
        insert_ignoring_conflict(UsedPass, ["nonce"])
        .values(nonce=claim.nonce, shift_id=claim.shift_id, user_id=claim.user_id,
                kind=claim.kind, scanned_by_id=staff.id, used_at=now)
        .returning(UsedPass.id)).scalar()
    if row_id is None:
        raise Conflict("pass_used", "该签到凭证已使用，请志愿者刷新后重新出示")


def scan(staff: User, shift_id: int, token: str, kind: str, now: datetime) -> Attendance:
    """Staff of the shift's community scan a volunteer's pass: check-in (`in`) or check-out
    (`out`) of that volunteer, proven by the scan. The pass must be for this shift and this
    kind, unexpired, correctly signed and never used before; nobody scans their own."""
    shift = staff_shift(staff, shift_id)
    claim = _read_pass(shift, token, kind, now)
    if claim.user_id == staff.id:
        raise Forbidden("self_scan", "不能为自己扫码签到")
    volunteer = db.session.get(User, claim.user_id)
    if volunteer is None:
        raise Unprocessable("invalid_pass", "签到凭证无效")
    _locked_signup(volunteer, shift)
    _use_pass(claim, staff, now)
    att = _attendance_of(volunteer.id, shift.id)
    if kind == "in":
        if att is not None and att.manual:
            raise Conflict("attendance_exists", "工作人员已为该志愿者补录此班次")
        if att is not None:
            raise Conflict("already_checked_in", "该志愿者已签到",
                           details={"attendance_id": att.id})
        _check_window(shift, now, shift.ends_at)
        return _open_attendance(shift, volunteer.id, now, "pass", scanned_by_id=staff.id)
    if att is None or att.checked_in_at is None:
        raise Conflict("not_checked_in", "该志愿者尚未签到，无法签退")
    if att.checked_out_at is not None or att.status != "checked_in":
        raise Conflict("already_checked_out", "该志愿者已签退",
                       details={"attendance_id": att.id})
    _check_window(shift, now, shift.ends_at + GRACE)
    att.out_proof, att.out_scanned_by_id = "pass", staff.id
    return _close_attendance(att, shift, now)


# -- review -----------------------------------------------------------------------------
def staff_attendance(user: User, attendance_id: int) -> Attendance:
    att = get_or_404(Attendance, attendance_id, "志愿记录不存在")
    require(has_role(user, "staff", community_id=att.community_id), hide=True)
    return att


def _locked(att: Attendance) -> Attendance:
    """The attendance re-read under its row lock: reviews and entries of it take turns."""
    return db.session.scalar(sa.select(Attendance).where(Attendance.id == att.id)
                             .with_for_update(of=Attendance)
                             .execution_options(populate_existing=True))


def _unfinished(att: Attendance) -> bool:
    """Checked in, never checked out, and no minutes entered by staff yet."""
    return not att.manual and att.checked_in_at is not None and att.checked_out_at is None


def visible(user: User, attendance_id: int) -> Attendance:
    """The volunteer's own attendance, or one of a community the user is staff of; to anyone
    else 404, as if it did not exist."""
    att = get_or_404(Attendance, attendance_id, "志愿记录不存在")
    require(att.user_id == user.id or has_role(user, "staff", community_id=att.community_id),
            hide=True)
    return att


def approve(user: User, attendance_id: int, minutes: int | None, note: str,
            now: datetime) -> Attendance:
    """Staff may lower the minutes of a partial record, never raise them. Four eyes: the
    approver is neither the volunteer nor whoever entered the minutes."""
    att = _locked(staff_attendance(user, attendance_id))
    if att.user_id == user.id:
        raise Forbidden("self_review", "不能审核自己的志愿记录")
    if att.recorded_by_id == user.id:
        raise Forbidden("recorder_review",
                        "录入时长的工作人员不能审核该记录，请由其他工作人员审核")
    if att.status in REVIEWABLE and _unfinished(att):
        raise Conflict("minutes_not_entered", "该记录未签退，请先由工作人员填写服务时长",
                       details={"max_minutes": _unfinished_cap(att)})
    if minutes is not None and minutes > att.minutes:
        raise Unprocessable(details={"fields": {"minutes": [f"不能超过记录的{att.minutes}分钟"]}})
    _credit(att, user.id, att.minutes if minutes is None else minutes, note, now)
    record("approve", actor_id=user.id, target_type="attendance", target_id=att.id,
           details={"manual": att.manual, "minutes": att.minutes, "points": att.points})
    return att


def _credit(att: Attendance, reviewer_id: int | None, minutes: int, note: str,
            now: datetime) -> Attendance:
    points = timebank.points_for_minutes(minutes, att.shift.points_per_hour)
    done = db.session.execute(
        sa.update(Attendance)
        .where(Attendance.id == att.id, Attendance.status.in_(REVIEWABLE))
        .values(status="credited", minutes=minutes, points=points, reviewed_by_id=reviewer_id,
                reviewed_at=now, review_note=note)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(att)
    if not done:
        raise Conflict("invalid_transition", "该记录已审核或尚未签退",
                       details={"status": att.status})
    if points > 0:
        timebank.credit_shift(
            community_id=att.community_id, user_id=att.user_id, points=points,
            key=f"attendance:{att.id}:credit", ref=f"attendance:{att.id}",
            memo=f"志愿服务 {att.shift.activity.title} {minutes}分钟", minutes=minutes,
            actor_id=reviewer_id)
    log.info("attendance credited id=%s points=%s by=%s", att.id, points, reviewer_id)
    return att


def reject(user: User, attendance_id: int, note: str, now: datetime) -> Attendance:
    """Whoever entered the minutes may withdraw them; the volunteer never reviews their own."""
    att = staff_attendance(user, attendance_id)
    if att.user_id == user.id:
        raise Forbidden("self_review", "不能审核自己的志愿记录")
    done = db.session.execute(
        sa.update(Attendance)
        .where(Attendance.id == att.id, Attendance.status.in_(REVIEWABLE))
        .values(status="rejected", reviewed_by_id=user.id, reviewed_at=now, review_note=note)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(att)
    if not done:
        raise Conflict("invalid_transition", "该记录已审核或尚未签退",
                       details={"status": att.status})
    record("reject", actor_id=user.id, target_type="attendance", target_id=att.id,
           details={"manual": att.manual, "minutes": att.minutes})
    log.info("attendance rejected id=%s by=%s", att.id, user.id)
    return att


# -- make-up records (补录) ---------------------------------------------------------------
def month_bounds(moment: datetime) -> tuple[datetime, datetime]:
    local = moment.astimezone(SHANGHAI)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 \
        else start.replace(month=start.month + 1)
    return start, end


def _lock_community(community_id: int) -> Community:
    """FOR NO KEY UPDATE: serialises manual minutes of one community (and a change of its
    budget), while ledger postings that reference the community still go through."""
    return db.session.scalar(sa.select(Community).where(Community.id == community_id)
                             .with_for_update(of=Community, key_share=True)
                             .execution_options(populate_existing=True))


def _check_manual_limits(community: Community, shift: Shift, user_id: int, minutes: int,
                         replacing: int | None = None) -> None:
    """The volunteer's monthly cap and the community's monthly budget of manual minutes, by
    the calendar month of the shift; rejected records count for neither. `replacing`: an
    attendance whose minutes these replace. Callers hold the community and volunteer locks."""
    start, end = month_bounds(shift.starts_at)
    used_stmt = (sa.select(sa.func.coalesce(sa.func.sum(Attendance.minutes), 0))
                 .join(Shift, Shift.id == Attendance.shift_id)
                 .where(Attendance.manual.is_(True), Attendance.status != "rejected",
                        Shift.starts_at >= start, Shift.starts_at < end))
    if replacing is not None:
        used_stmt = used_stmt.where(Attendance.id != replacing)
    cap = current_app.config.get("VOLUNTEER_MANUAL_CAP_MINUTES", DEFAULT_MANUAL_CAP_MINUTES)
    used = db.session.scalar(used_stmt.where(Attendance.user_id == user_id))
    if used + minutes > cap:
        raise Conflict("manual_cap_exceeded", f"该志愿者本月补录已达上限（{cap}分钟）",
                       details={"cap_minutes": cap, "used_minutes": used})
    budget = community.manual_budget_minutes
    spent = db.session.scalar(used_stmt.where(Attendance.community_id == community.id))
    if spent + minutes > budget:
        left = max(0, budget - spent)
        raise Conflict("manual_budget_exhausted",
                       f"本社区本月补录额度不足（每月{budget}分钟，剩余{left}分钟）",
                       details={"budget_minutes": budget, "used_minutes": spent})


def record_manual(staff: User, shift_id: int, user_id: int, minutes: int, reason: str,
                  now: datetime) -> Attendance:
    """A make-up attendance for a volunteer with a place on the shift (confirmed, or marked
    no-show), marked manual and kept apart from verified hours; capped per volunteer and per
    community each calendar month (of the shift)."""
    shift = get_shift(shift_id)
    require(has_role(staff, "staff", community_id=shift.community_id), hide=True)
    get_or_404(User, user_id, "用户不存在")
    if user_id == staff.id:
        raise Forbidden("self_review", "不能为自己补录志愿记录")
    if now < shift.starts_at:
        raise Conflict("shift_not_started", "班次尚未开始，不能补录")
    if minutes > shift.minutes:
        raise Unprocessable(details={"fields": {
            "minutes": [f"不能超过班次时长{shift.minutes}分钟"]}})
    community = _lock_community(shift.community_id)
    lock_user(user_id)
    # The volunteer's own check-in on this shift holds this row; wait for it to finish.
    signup = db.session.scalar(sa.select(Signup).where(
        Signup.shift_id == shift.id, Signup.user_id == user_id,
        Signup.status != "cancelled").with_for_update(of=Signup))
    if signup is None or signup.status not in ("confirmed", "no_show"):
        raise Conflict("not_signed_up", "该志愿者没有此班次的正式报名，不能补录")
    if _attendance_of(user_id, shift.id) is not None:
        raise Conflict("attendance_exists", "该志愿者在此班次已有记录")
    _check_manual_limits(community, shift, user_id, minutes)
    att = Attendance(shift_id=shift.id, user_id=user_id, community_id=shift.community_id,
                     status="pending", manual=True, reason=reason, recorded_by_id=staff.id,
                     minutes=minutes, created_at=now)
    db.session.add(att)
    db.session.execute(
        sa.update(Signup).where(Signup.shift_id == shift.id, Signup.user_id == user_id,
                                Signup.status == "no_show")
        .values(status="confirmed", updated_at=now)
        .execution_options(synchronize_session=False))
    db.session.flush()
    log.info("manual attendance id=%s shift=%s user=%s by=%s", att.id, shift.id, user_id,
             staff.id)
    return att


def _unfinished_cap(att: Attendance) -> int:
    """From the check-in to the shift's end, clipped to the shift."""
    return clipped_minutes(att.shift, att.checked_in_at, att.shift.ends_at)


def enter_minutes(staff: User, attendance_id: int, minutes: int, reason: str,
                  now: datetime) -> Attendance:
    """The minutes of a check-in never checked out (closed as `partial` with 0 minutes), at
    most from the check-in to the shift's end. They become manual minutes, within the same
    monthly cap and budget as make-up records, and wait for another staff member's approval.
    Entering again before approval replaces them."""
    att = staff_attendance(staff, attendance_id)
    if att.user_id == staff.id:
        raise Forbidden("self_review", "不能为自己填写志愿时长")
    community = _lock_community(att.community_id)
    lock_user(att.user_id)
    att = _locked(att)
    open_entry = att.status == "partial" and att.checked_in_at is not None \
        and att.checked_out_at is None
    if not open_entry:
        raise Conflict("invalid_transition", "只有未签退且待审核的记录可以填写时长",
                       details={"status": att.status})
    cap = _unfinished_cap(att)
    if minutes > cap:
        raise Unprocessable(details={"fields": {
            "minutes": [f"不能超过签到至班次结束的{cap}分钟"]}, "max_minutes": cap})
    _check_manual_limits(community, att.shift, att.user_id, minutes, replacing=att.id)
    att.minutes, att.manual, att.reason, att.recorded_by_id = minutes, True, reason, staff.id
    db.session.flush()
    log.info("minutes entered attendance=%s minutes=%s by=%s", att.id, minutes, staff.id)
    return att
