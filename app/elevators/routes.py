"""加装电梯: the ledger of eligible buildings and units, and one project per unit."""
from app.auth.permissions import login_required, require_user, roles_required
from app.common.timeutil import utcnow
from app.elevators import schemas as s
from app.elevators import service
from app.elevators.models import ElevatorProject, LedgerEntry
from app.web.boundary import Blueprint
from app.web.idempotency import idempotent
from app.web.pagination import page

blp = Blueprint("elevators", __name__, url_prefix="/api/v1", description="加装电梯")


def _detail(project_id: int) -> dict:
    user = require_user()
    return service.view(user, service.readable(project_id, user))


@blp.route("/elevator-ledger", methods=["POST"])
@blp.arguments(s.ElevatorLedgerIn)
@blp.response(200, s.ElevatorLedgerOut)
@roles_required("staff", "admin")
def record_ledger(data):
    """Staff record a building (or unit) in the ledger, or correct it: floors and whether it
    has an elevator. Eligible from 4 floors without one."""
    return service.record_ledger(require_user(), data, utcnow())


@blp.route("/elevator-ledger", methods=["GET"])
@blp.arguments(s.ElevatorLedgerArgs, location="query")
@blp.response(200, s.ElevatorLedgerPage)
@login_required
def ledger(args):
    """The community's ledger (`eligible=true`: only those eligible), for its staff, the
    street and its residents."""
    stmt = service.ledger_stmt(require_user(), args["community_id"], args["eligible"])
    return page(stmt, LedgerEntry.id, args, newest_first=False)


@blp.route("/elevators", methods=["POST"])
@idempotent
@blp.arguments(s.ElevatorProjectIn)
@blp.response(201, s.ElevatorProjectDetailOut)
@roles_required("staff", "admin")
def create(data):
    """Staff start the project of an eligible unit in the ledger (`survey`); one per unit."""
    project = service.create(require_user(), data, utcnow())
    return _detail(project.id)


@blp.route("/elevators", methods=["GET"])
@blp.arguments(s.ElevatorListArgs, location="query")
@blp.response(200, s.ElevatorProjectPage)
@login_required
def list_projects(args):
    """Staff and the street: the community's projects; residents: their buildings'."""
    user = require_user()
    result = page(service.list_stmt(user, args["community_id"], args["building_id"]),
                  ElevatorProject.id, args)
    return {"items": [service.view(user, p, full=False) for p in result["items"]],
            "next_cursor": result["next_cursor"]}


@blp.route("/elevators/<int:project_id>", methods=["GET"])
@blp.response(200, s.ElevatorProjectDetailOut)
@login_required
def get_project(project_id):
    """The project: stage, its consultation, budget, pledges against it, and each
    household's expected share by its floor (residents see their own households)."""
    return _detail(project_id)


@blp.route("/elevators/<int:project_id>", methods=["PATCH"])
@blp.arguments(s.ElevatorProjectPatch)
@blp.response(200, s.ElevatorProjectDetailOut)
@roles_required("staff", "admin")
def update(data, project_id):
    """Budget (fen) and share rule by floor, until funding is complete."""
    service.update(require_user(), project_id, data)
    return _detail(project_id)


@blp.route("/elevators/<int:project_id>/advance", methods=["POST"])
@blp.arguments(s.ElevatorAdvanceIn)
@blp.response(200, s.ElevatorProjectDetailOut)
@roles_required("staff", "admin")
def advance(data, project_id):
    """The next stage, an event with a note and files. Into `consent`: give `consultation`
    (its window) and a `civil_code_278` consultation of the unit opens. Out of `consent` only
    if it passed (409 `consent_not_passed`); out of `funding` only when the pledges cover the
    budget (409 `pledges_short`)."""
    service.advance(require_user(), project_id, data, utcnow())
    return _detail(project_id)


@blp.route("/elevators/<int:project_id>/pledges", methods=["POST"])
@blp.arguments(s.ElevatorPledgeIn)
@blp.response(200, s.ElevatorPledgeOut)
@login_required
def pledge(data, project_id):
    """A household's pledge in fen (an owner of it, or staff), while `funding`; replaces the
    household's earlier pledge."""
    return service.pledge(require_user(), project_id, data, utcnow())


@blp.route("/elevators/<int:project_id>/events", methods=["GET"])
@blp.response(200, s.ElevatorEventsOut)
@login_required
def events(project_id):
    """Every step of the project, oldest first, with its files."""
    return {"items": service.events(require_user(), project_id)}
