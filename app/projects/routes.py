"""大党委 members, quarterly meetings (agenda, minutes, attendance) and the projects their
resolutions become (项目化), with progress notes and photos."""
from app.auth.permissions import login_required, require_user
from app.common.timeutil import utcnow
from app.projects import schemas as s
from app.projects import service
from app.projects.models import Meeting, Project
from app.web.boundary import Blueprint
from app.web.idempotency import idempotent
from app.web.pagination import paginate

blp = Blueprint("projects", __name__, url_prefix="/api/v1", description="大党委会议与项目化")


def _project(project: Project, detail: bool = True) -> dict:
    return service.project_view(project, require_user(), service.local_day(utcnow()), detail)


@blp.route("/communities/<int:community_id>/committee/members", methods=["GET"])
@blp.arguments(s.CommitteeMemberArgs, location="query")
@blp.response(200, s.CommitteeMemberList)
@login_required
def list_members(args, community_id):
    """The community's 大党委: members from units, compound party organisations, the property
    company, owners' committees and cadres posted to the community."""
    members = service.list_members(require_user(), community_id, args["include_past"])
    return {"items": [service.member_view(m) for m in members]}


@blp.route("/communities/<int:community_id>/committee/members", methods=["POST"])
@idempotent
@blp.arguments(s.CommitteeMemberIn)
@blp.response(201, s.CommitteeMemberOut)
@login_required
def add_member(data, community_id):
    """Staff add a member; `body_id` names the compound body a member represents."""
    member = service.add_member(require_user(), community_id, data, utcnow())
    return service.member_view(member)


@blp.route("/communities/<int:community_id>/committee/members/<int:member_id>/leave",
           methods=["POST"])
@blp.arguments(s.CommitteeMemberLeaveIn)
@blp.response(200, s.CommitteeMemberOut)
@login_required
def member_leaves(data, community_id, member_id):
    member = service.member_leaves(require_user(), community_id, member_id, data, utcnow())
    return service.member_view(member)


@blp.route("/meetings", methods=["POST"])
@idempotent
@blp.arguments(s.MeetingIn)
@blp.response(201, s.MeetingDetailOut)
@login_required
def create_meeting(data):
    """A meeting of the community's 大党委 with its agenda (an item may come from a feedback
    report or a renovation list)."""
    user = require_user()
    meeting = service.create_meeting(user, data, utcnow())
    return service.meeting_view(meeting, user, detail=True)


@blp.route("/meetings", methods=["GET"])
@blp.arguments(s.MeetingListArgs, location="query")
@blp.response(200, s.MeetingPage)
@login_required
def list_meetings(args):
    user = require_user()
    rows, cursor = paginate(service.list_meetings_stmt(user, args["community_id"]), Meeting.id,
                            args)
    return {"items": [service.meeting_view(m, user) for m in rows], "next_cursor": cursor}


@blp.route("/meetings/<int:meeting_id>", methods=["GET"])
@blp.response(200, s.MeetingDetailOut)
@login_required
def get_meeting(meeting_id):
    user = require_user()
    return service.meeting_view(service.get_meeting(meeting_id, user), user, detail=True)


@blp.route("/meetings/<int:meeting_id>/minutes", methods=["POST"])
@blp.arguments(s.MinutesIn)
@blp.response(200, s.MeetingDetailOut)
@login_required
def record_minutes(data, meeting_id):
    """Minutes, who attended and the minutes' file (uploaded first with `POST /files`), once,
    after the meeting was held."""
    user = require_user()
    meeting = service.record_minutes(user, meeting_id, data, utcnow())
    return service.meeting_view(meeting, user, detail=True)


@blp.route("/meetings/<int:meeting_id>/resolutions", methods=["POST"])
@idempotent
@blp.arguments(s.ResolutionIn)
@blp.response(201, s.ProjectDetailOut)
@login_required
def add_resolution(data, meeting_id):
    """A resolution becomes a `planned` project owned by a committee member (told in their
    inbox)."""
    return _project(service.add_resolution(require_user(), meeting_id, data, utcnow()))


@blp.route("/projects", methods=["GET"])
@blp.arguments(s.ProjectListArgs, location="query")
@blp.response(200, s.ProjectPage)
@login_required
def list_projects(args):
    """The community's projects, newest first, readable by its residents; `overdue=true` for
    those past their due date."""
    user = require_user()
    today = service.local_day(utcnow())
    stmt = service.list_projects_stmt(user, args["community_id"], args["status"],
                                      args["overdue"], today)
    rows, cursor = paginate(stmt, Project.id, args)
    return {"items": [service.project_view(p, user, today) for p in rows],
            "next_cursor": cursor}


@blp.route("/projects/<int:project_id>", methods=["GET"])
@blp.response(200, s.ProjectDetailOut)
@login_required
def get_project(project_id):
    return _project(service.get_project(project_id, require_user()))


@blp.route("/projects/<int:project_id>/start", methods=["POST"])
@blp.response(200, s.ProjectDetailOut)
@login_required
def start(project_id):
    return _project(service.start(require_user(), project_id, utcnow()))


@blp.route("/projects/<int:project_id>/progress", methods=["POST"])
@idempotent
@blp.arguments(s.ProgressIn)
@blp.response(201, s.ProjectDetailOut)
@login_required
def add_progress(data, project_id):
    """A progress note with its percentage (never lower than before) and photos; a planned
    project is then in progress."""
    service.add_progress(require_user(), project_id, data, utcnow())
    return _project(service.get_project(project_id, require_user()))


@blp.route("/projects/<int:project_id>/done", methods=["POST"])
@blp.arguments(s.DoneIn)
@blp.response(200, s.ProjectDetailOut)
@login_required
def finish(data, project_id):
    """In progress → done, with the result and photos."""
    return _project(service.finish(require_user(), project_id, data, utcnow()))


@blp.route("/projects/<int:project_id>/drop", methods=["POST"])
@blp.arguments(s.DropIn)
@blp.response(200, s.ProjectDetailOut)
@login_required
def drop(data, project_id):
    """Staff drop a planned or running project, with the reason."""
    return _project(service.drop(require_user(), project_id, data["reason"], utcnow()))
