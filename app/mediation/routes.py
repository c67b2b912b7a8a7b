"""Mediation cases (矛盾纠纷调解): open, sessions, close with an outcome, follow-up visit,
volunteer teams that helped, lists (overdue first) and the figures per community."""
from app.auth.permissions import login_required, require_user, roles_required
from app.common.timeutil import utcnow
from app.mediation import schemas as s
from app.mediation import service
from app.web.boundary import Blueprint
from app.web.idempotency import idempotent

blp = Blueprint("mediation", __name__, url_prefix="/api/v1", description="矛盾纠纷调解")


def _detail(case_id: int) -> dict:
    user = require_user()
    case, mediators = service.get_case(case_id, user)
    return service.case_view(case, user, mediators, utcnow(), detail=True)


@blp.route("/mediations", methods=["POST"])
@idempotent
@blp.arguments(s.CaseIn)
@blp.response(201, s.CaseDetailOut)
@roles_required("staff", "mediator", "admin")
def open_case(data):
    """Staff or a mediator of the community opens a case. The answer lists earlier cases at
    the same address or between the same households (`related`). Retry-safe with an
    `Idempotency-Key`."""
    user = require_user()
    case = service.open_case(user, data, utcnow())
    mediators = service.case_mediator_ids([case.id])[case.id]
    return service.case_view(case, user, mediators, utcnow(), detail=True)


@blp.route("/mediations", methods=["GET"])
@blp.arguments(s.ListArgs, location="query")
@blp.response(200, s.CasePage)
@login_required
def list_cases(args):
    """`community` (staff, mediators and the street of the community) or `mine` (cases I
    mediate). Cases open for more than a month come first, flagged `overdue`."""
    user = require_user()
    now = utcnow()
    stmt = service.list_stmt(user, args["scope"], args["community_id"], args["status"])
    rows, cursor = service.page(stmt, args, now)
    mediators = service.case_mediator_ids([c.id for c in rows])
    return {"items": [service.case_view(c, user, mediators[c.id], now) for c in rows],
            "next_cursor": cursor}


@blp.route("/mediations/stats", methods=["GET"])
@blp.arguments(s.StatsArgs, location="query")
@blp.response(200, s.StatsOut)
@login_required
def case_stats(args):
    """Cases opened (`disputes`, all kinds), agreed and referred in a period (Asia/Shanghai
    dates, `to` included), with the cases opened on the same dates a year earlier."""
    return service.stats(require_user(), args["community_id"], args["from_"], args["to"])


@blp.route("/mediations/<int:case_id>", methods=["GET"])
@blp.response(200, s.CaseDetailOut)
@login_required
def get_case(case_id):
    """The case with its sessions, agreement, follow-up, teams and earlier related cases.
    Parties are masked unless the viewer is the community's staff or one of its mediators."""
    return _detail(case_id)


@blp.route("/mediations/<int:case_id>/sessions", methods=["POST"])
@blp.arguments(s.SessionIn)
@blp.response(201, s.SessionOut)
@login_required
def add_session(data, case_id):
    """A mediation session: when, who mediated (mediators or staff of the community; they
    join the case's mediators), notes."""
    user = require_user()
    session = service.add_session(user, case_id, data, utcnow())
    return service.session_view(session)


@blp.route("/mediations/<int:case_id>/close", methods=["POST"])
@blp.arguments(s.CloseIn)
@blp.response(200, s.CaseDetailOut)
@login_required
def close_case(data, case_id):
    """Close with `agreed` (duties of each side: what, how, by when; a follow-up visit is
    scheduled; optional `agreement_file_id`), `failed` or `referred` (with `referred_to`)."""
    user = require_user()
    service.close_case(user, case_id, data, utcnow())
    return _detail(case_id)


@blp.route("/mediations/<int:case_id>/follow-up", methods=["POST"])
@blp.arguments(s.FollowUpIn)
@blp.response(200, s.CaseDetailOut)
@login_required
def follow_up(data, case_id):
    """The follow-up visit's result (回访): `kept`, `partly_kept` or `broken`; once."""
    user = require_user()
    service.record_follow_up(user, case_id, data, utcnow())
    return _detail(case_id)


@blp.route("/mediations/<int:case_id>/teams", methods=["POST"])
@blp.arguments(s.TeamHelpIn)
@blp.response(201, s.TeamHelpOut)
@login_required
def add_team(data, case_id):
    """Record a volunteer team of the community (帮代办志愿队 and others) as having helped."""
    user = require_user()
    help_ = service.add_team_help(user, case_id, data, utcnow())
    return service.team_help_view(help_)
