"""改造清单: renovation lists proposed by residents, curated by staff, put to the vote."""
from app.auth.permissions import login_required, require_user, roles_required
from app.common.timeutil import utcnow
from app.renovations import schemas as s
from app.renovations import service
from app.renovations.models import Renovation
from app.web.boundary import Blueprint
from app.web.idempotency import idempotent
from app.web.pagination import page

blp = Blueprint("renovations", __name__, url_prefix="/api/v1", description="改造清单")


def _detail(renovation_id: int) -> dict:
    user = require_user()
    return service.view(user, service.readable(renovation_id, user))


@blp.route("/renovations", methods=["POST"])
@idempotent
@blp.arguments(s.RenovationIn)
@blp.response(201, s.RenovationDetailOut)
@roles_required("staff", "admin")
def create(data):
    """Staff start a compound's renovation list. Needs a self-governing body (业委会 or 自管委)
    on the compound: else 409 `no_self_governing_body`."""
    renovation = service.create(require_user(), data, utcnow())
    return _detail(renovation.id)


@blp.route("/renovations", methods=["GET"])
@blp.arguments(s.RenovationListArgs, location="query")
@blp.response(200, s.RenovationPage)
@login_required
def list_renovations(args):
    """Staff and the street: the community's (or compound's) lists; residents: their
    compounds'. Newest first."""
    user = require_user()
    result = page(service.list_stmt(user, args["community_id"], args["compound_id"]),
                  Renovation.id, args)
    return {"items": [service.view(user, r, with_items=False) for r in result["items"]],
            "next_cursor": result["next_cursor"]}


@blp.route("/renovations/<int:renovation_id>", methods=["GET"])
@blp.response(200, s.RenovationDetailOut)
@login_required
def get_renovation(renovation_id):
    """The list: residents see the items taken into it and their own proposals; staff every
    item. With its consultation's status and result."""
    return _detail(renovation_id)


@blp.route("/renovations/<int:renovation_id>/items", methods=["POST"])
@blp.arguments(s.RenovationItemIn)
@blp.response(201, s.RenovationDetailOut)
@login_required
def propose(data, renovation_id):
    """A resident of the compound proposes an item (while `proposing`)."""
    service.propose(require_user(), renovation_id, data, utcnow())
    return _detail(renovation_id)


@blp.route("/renovations/<int:renovation_id>/items/<int:item_id>/curate", methods=["POST"])
@blp.arguments(s.RenovationCurateIn)
@blp.response(200, s.RenovationDetailOut)
@roles_required("staff", "admin")
def curate(data, renovation_id, item_id):
    """Staff take an item into the list or leave it out (while `proposing`)."""
    service.curate(require_user(), renovation_id, item_id, data, utcnow())
    return _detail(renovation_id)


@blp.route("/renovations/<int:renovation_id>/consult", methods=["POST"])
@blp.arguments(s.RenovationConsultIn)
@blp.response(200, s.RenovationDetailOut)
@roles_required("staff", "admin")
def consult(data, renovation_id):
    """Put the list (its accepted items) to a consultation of the whole compound under
    `share_of_all` (80 % of all households agree). The list is frozen from then on."""
    service.consult(require_user(), renovation_id, data, utcnow())
    return _detail(renovation_id)


@blp.route("/renovations/<int:renovation_id>/revise", methods=["POST"])
@blp.response(200, s.RenovationDetailOut)
@roles_required("staff", "admin")
def revise(renovation_id):
    """After a failed consultation: back to `proposing`, to revise the list."""
    service.revise(require_user(), renovation_id)
    return _detail(renovation_id)


@blp.route("/renovations/<int:renovation_id>/report", methods=["POST"])
@blp.arguments(s.RenovationReportIn)
@blp.response(200, s.RenovationDetailOut)
@roles_required("staff", "admin")
def report(data, renovation_id):
    """Report the list for implementation (`reported`), only if its consultation passed:
    else 409 `consultation_not_closed` or `consultation_not_passed`."""
    service.report(require_user(), renovation_id, data, utcnow())
    return _detail(renovation_id)
