"""Attendance review and make-up records, volunteer records, leaderboards and teams."""
import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.auth.permissions import has_role, login_required, require, require_user, roles_required
from app.common.timeutil import utcnow
from app.community.service import get_community, require_staff
from app.volunteering import attendance, stats, teams
from app.volunteering import schemas as s
from app.volunteering.models import Attendance, Shift, Team, TeamMember
from app.volunteering.routes import blp, page, users_brief
from app.volunteering.service import get_or_404
from app.web.idempotency import idempotent
from app.web.pagination import PageArgs


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
    user = require_user()
    att = get_or_404(Attendance, attendance_id, "志愿记录")
    require(att.user_id == user.id or has_role(user, "staff", community_id=att.community_id),
            hide=True)
    return att


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


# -- teams ----------------------------------------------------------------------------------
@blp.route("/teams", methods=["GET"])
@blp.arguments(s.TeamListArgs, location="query")
@blp.response(200, s.TeamPage)
@login_required
def list_teams(args):
    stmt = sa.select(Team).options(*users_brief(Team.leader)).where(
        Team.community_id == args["community_id"])
    if args["kind"]:
        stmt = stmt.where(Team.kind == args["kind"])
    return page(stmt, Team.id, args, newest_first=False)


@blp.route("/teams", methods=["POST"])
@blp.arguments(s.TeamIn)
@blp.response(201, s.TeamOut)
@roles_required("staff", "admin")
def create_team(data):
    team = teams.create_team(require_user(), data, utcnow())
    return team


@blp.route("/teams/<int:team_id>", methods=["GET"])
@blp.response(200, s.TeamOut)
@login_required
def get_team(team_id):
    return teams.get_team(team_id)


@blp.route("/teams/<int:team_id>/members", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, s.TeamMemberPage)
@login_required
def list_members(args, team_id):
    teams.get_team(team_id)
    stmt = sa.select(TeamMember).options(*users_brief(TeamMember.user)).where(
        TeamMember.team_id == team_id)
    return page(stmt, TeamMember.id, args, newest_first=False)


@blp.route("/teams/<int:team_id>/members", methods=["POST"])
@blp.arguments(s.TeamMemberIn)
@blp.response(201, s.TeamMemberOut)
@login_required
def add_member(data, team_id):
    """Staff of the team's community or its leader."""
    member = teams.add_member(require_user(), team_id, data["user_id"], utcnow())
    return member


@blp.route("/teams/<int:team_id>/members/<int:user_id>", methods=["DELETE"])
@blp.response(204)
@login_required
def remove_member(team_id, user_id):
    teams.remove_member(require_user(), team_id, user_id)
