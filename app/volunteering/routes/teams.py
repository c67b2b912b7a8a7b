"""Volunteer teams of a community and their members."""
import sqlalchemy as sa

from app.auth.permissions import login_required, require_user, roles_required
from app.common.timeutil import utcnow
from app.volunteering import schemas as s
from app.volunteering import teams
from app.volunteering.models import Team, TeamMember
from app.volunteering.service import users_brief
from app.web.boundary import Blueprint
from app.web.pagination import PageArgs, page

blp = Blueprint("teams", __name__, description="志愿队伍与队员")


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
