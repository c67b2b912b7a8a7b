"""Attendance: on-site check-in and check-out (the shift's code, or the volunteer's pass that
staff scan), staff review, make-up records (补录), volunteer records and leaderboards.

Writes a phone may retry on a bad network (check-in, check-out, scan, approval, make-up
record, entered minutes) accept an `Idempotency-Key`.
"""
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from app.auth.permissions import has_role, login_required, require, require_user, roles_required
from app.common.timeutil import utcnow
from app.community.service import get_community, require_staff
from app.extensions import limiter
from app.volunteering import attendance, codes, service, stats, teams
from app.volunteering import schemas as s
from app.volunteering.models import Attendance, Shift
from app.volunteering.service import users_brief
from app.web.boundary import Blueprint
from app.web.idempotency import idempotent
from app.web.pagination import PageArgs, page

blp = Blueprint("attendance", __name__, description="签到签退、审核与补录、志愿记录与排行")


def _checkin_limit() -> str:
    """Per volunteer: enough for real retries, far too few to guess a six-digit code."""
    return current_app.config.get("CHECKIN_RATE_LIMIT", "30 per minute")


# -- on site ----------------------------------------------------------------------------------
@blp.route("/shifts/<int:shift_id>/checkin-code", methods=["GET"])
@blp.response(200, s.CheckinCodeOut)
@roles_required("staff", "admin")
def checkin_code(shift_id):
    """The code to show as a QR on site; every staff device shows the same one."""
    shift = service.staff_shift(require_user(), shift_id)
    code, expires_in = codes.current(shift.secret, utcnow())
    return {"code": code, "expires_in": expires_in, "qr": f"llt:checkin:{shift.id}:{code}"}


@blp.route("/shifts/<int:shift_id>/checkin", methods=["POST"])
@idempotent
@blp.arguments(s.OnSitePositionIn)
@blp.response(201, s.CheckinOut)
@blp.alt_response(200, schema=s.CheckinOut, description="已签到：返回首次签到")
@limiter.limit(_checkin_limit)
@login_required
def checkin(data, shift_id):
    """On site, inside the window (30 min grace) and, where asked, with the current code.
    Checking in again returns the first check-in (200)."""
    att, created = attendance.check_in(require_user(), shift_id, data["lat"], data["lng"],
                                       data["code"], utcnow())
    return att, 201 if created else 200


@blp.route("/shifts/<int:shift_id>/checkout", methods=["POST"])
@idempotent
@blp.arguments(s.OnSitePositionIn)
@blp.response(200, s.CheckoutOut)
@limiter.limit(_checkin_limit)
@login_required
def checkout(data, shift_id):
    """Minutes clipped to the shift; `pending` (or `partial`) until staff approve: the
    shift-wide code never credits on its own, whatever the activity's auto-approval."""
    return attendance.check_out(require_user(), shift_id, data["lat"], data["lng"],
                                data["code"], utcnow())


@blp.route("/shifts/<int:shift_id>/pass", methods=["GET"])
@blp.response(200, s.PassOut)
@login_required
def shift_pass(shift_id):
    """The signed-up volunteer's personal pass, shown as a QR for staff on site to scan: for
    check-in, then (once checked in) for check-out. Single-use, valid for 60 seconds."""
    body = attendance.issue_pass(require_user(), shift_id, utcnow())
    return body, 200, {"Cache-Control": "no-store"}


@blp.route("/shifts/<int:shift_id>/scan", methods=["POST"])
@idempotent
@blp.arguments(s.ScanIn)
@blp.response(200, s.ScanOut)
@roles_required("staff", "admin")
def scan_pass(data, shift_id):
    """Staff of the shift's community scan a volunteer's pass to check them in (`in`) or out
    (`out`), proven on site. A used, expired, forged or other shift's pass is refused."""
    return attendance.scan(require_user(), shift_id, data["token"], data["kind"], utcnow())


# -- review and make-up records --------------------------------------------------------------
def _attendances():
    return sa.select(Attendance).options(
        joinedload(Attendance.shift).joinedload(Shift.activity), *users_brief(Attendance.user))


@blp.route("/attendances", methods=["GET"])
@blp.arguments(s.AttendanceListArgs, location="query")
@blp.response(200, s.AttendancePage)
@roles_required("staff", "admin")
def list_attendances(args):
    """A community's attendances, newest first; `status=pending` is the review queue."""
    require_staff(require_user(), args["community_id"])
    stmt = _attendances().where(Attendance.community_id == args["community_id"])
    if args["status"]:
        stmt = stmt.where(Attendance.status == args["status"])
    if args["shift_id"]:
        stmt = stmt.where(Attendance.shift_id == args["shift_id"])
    if args["manual"] is not None:
        stmt = stmt.where(Attendance.manual.is_(args["manual"]))
    return page(stmt, Attendance.id, args)


@blp.route("/me/attendances", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, s.AttendancePage)
@login_required
def my_attendances(args):
    stmt = _attendances().where(Attendance.user_id == require_user().id)
    return page(stmt, Attendance.id, args)


@blp.route("/attendances/<int:attendance_id>", methods=["GET"])
@blp.response(200, s.AttendanceOut)
@login_required
def get_attendance(attendance_id):
    return attendance.visible(require_user(), attendance_id)


@blp.route("/attendances/<int:attendance_id>/approve", methods=["POST"])
@idempotent
@blp.arguments(s.AttendanceApproveIn)
@blp.response(200, s.AttendanceOut)
@roles_required("staff", "admin")
def approve_attendance(data, attendance_id):
    """Credits `shift_credit` points from the community's issuing account, exactly once.
    Never by the volunteer, nor by the staff member who entered the minutes."""
    return attendance.approve(require_user(), attendance_id, data["minutes"], data["note"],
                              utcnow())


@blp.route("/attendances/<int:attendance_id>/reject", methods=["POST"])
@blp.arguments(s.AttendanceRejectIn)
@blp.response(200, s.AttendanceOut)
@roles_required("staff", "admin")
def reject_attendance(data, attendance_id):
    att = attendance.reject(require_user(), attendance_id, data["note"], utcnow())
    return att


@blp.route("/attendances/<int:attendance_id>/minutes", methods=["POST"])
@idempotent
@blp.arguments(s.AttendanceMinutesIn)
@blp.response(200, s.AttendanceOut)
@roles_required("staff", "admin")
def enter_minutes(data, attendance_id):
    """The minutes of a check-in never checked out (at most up to the shift's end), with a
    reason; another staff member then approves them. They count as make-up minutes."""
    return attendance.enter_minutes(require_user(), attendance_id, data["minutes"],
                                    data["reason"], utcnow())


@blp.route("/attendances/manual", methods=["POST"])
@idempotent
@blp.arguments(s.ManualAttendanceIn)
@blp.response(201, s.AttendanceOut)
@roles_required("staff", "admin")
def record_manual(data):
    """A make-up attendance (补录) with a reason, for a volunteer with a place on the shift;
    pending another staff member's review, capped per volunteer and per community each
    month."""
    return attendance.record_manual(require_user(), data["shift_id"], data["user_id"],
                                    data["minutes"], data["reason"], utcnow())


# -- records and leaderboards ----------------------------------------------------------------
@blp.route("/me/volunteer-record", methods=["GET"])
@blp.arguments(s.VolunteerRecordArgs, location="query")
@blp.response(200, s.VolunteerRecordOut)
@login_required
def my_record(args):
    return stats.volunteer_record(require_user().id, args["community_id"])


@blp.route("/volunteers/<int:user_id>/record", methods=["GET"])
@blp.arguments(s.VolunteerRecordArgs, location="query")
@blp.response(200, s.VolunteerRecordOut)
@login_required
def volunteer_record(args, user_id):
    """The volunteer themself (any community), or staff for their own community's activities."""
    user = require_user()
    if user.id != user_id:
        require(args["community_id"] is not None
                and has_role(user, "staff", community_id=args["community_id"]))
    return stats.volunteer_record(user_id, args["community_id"])


@blp.route("/communities/<int:community_id>/leaderboard", methods=["GET"])
@blp.arguments(s.LeaderboardArgs, location="query")
@blp.response(200, s.LeaderboardOut)
@login_required
def community_leaderboard(args, community_id):
    get_community(community_id)
    items = stats.leaderboard(community_id, args["period"], utcnow(), args["limit"])
    return {"period": args["period"], "items": items}


@blp.route("/teams/<int:team_id>/leaderboard", methods=["GET"])
@blp.arguments(s.LeaderboardArgs, location="query")
@blp.response(200, s.LeaderboardOut)
@login_required
def team_leaderboard(args, team_id):
    team = teams.get_team(team_id)
    items = stats.leaderboard(team.community_id, args["period"], utcnow(), args["limit"],
                              team_id=team.id)
    return {"period": args["period"], "items": items}
