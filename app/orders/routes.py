import sqlalchemy as sa

from app.auth.permissions import login_required, require_user, roles_required
from app.community.service import get_community, require_staff
from app.orders import queries, service, views
from app.orders import schemas as s
from app.orders.models import CollectedNeed
from app.web.boundary import Blueprint
from app.web.fastjson import json_response
from app.web.idempotency import idempotent
from app.web.pagination import PageArgs
from app.web.pagination import page as id_page

blp = Blueprint("orders", __name__, url_prefix="/api/v1", description="点单、派单、接单")


@blp.route("/requests", methods=["POST"])
@idempotent(required=True)
@blp.arguments(s.RequestIn)
@blp.response(201, s.RequestOut)
@login_required
def create_request(data):
    """A resident orders a service for a household they are bound to. The `Idempotency-Key`
    header is required (422 `idempotency_key_required` without it): a retry with the same key
    and body gets the first answer, so a flaky network never orders twice."""
    user = require_user()
    return service.request_view(service.create_request(user, data), user)


@blp.route("/requests", methods=["GET"])
@blp.etag
@blp.arguments(s.ListArgs, location="query")
@blp.response(200, s.RequestPage)
@login_required
def list_requests(args):
    """`mine` (resident), `community` (staff; overdue first), `assigned` and `pool` (partners).
    The answer carries an `ETag`; sent back as `If-None-Match`, an unchanged page is 304
    with no body (the web console polls its queue every 10 s)."""
    user = require_user()
    stmt = queries.scoped_stmt(user, args["scope"], args["community_id"])
    rows, cursor = queries.lines(stmt, args, by_deadline=args["scope"] == "community")
    # Written by views.page as RequestPage would (tests/orders/test_list_json.py holds them
    # equal), so the ETag is computed from that page here (304 when it matches If-None-Match).
    data = views.page(service.request_lines(rows, user), cursor)
    blp.set_etag(data)
    return json_response(data)


@blp.route("/requests/<int:request_id>", methods=["GET"])
@blp.response(200, s.RequestOut)
@login_required
def get_request(request_id):
    user = require_user()
    return service.request_view(service.get_request(request_id, user), user)


@blp.route("/requests/<int:request_id>/events", methods=["GET"])
@blp.response(200, s.EventPage)
@login_required
def request_events(request_id):
    """The timeline, oldest first: one event per step."""
    user = require_user()
    req = service.get_request(request_id, user)
    return {"items": service.timeline_view(req, user), "next_cursor": None}


@blp.route("/requests/<int:request_id>/candidates", methods=["GET"])
@blp.response(200, s.CandidatePage)
@roles_required("staff", "admin")
def request_candidates(request_id):
    user = require_user()
    req = service.get_request(request_id, user)
    require_staff(user, req.community_id)
    return {"items": queries.candidates(req), "next_cursor": None}


@blp.route("/requests/<int:request_id>/content/approve", methods=["POST"])
@blp.response(200, s.RequestOut)
@roles_required("staff", "admin")
def approve_content(request_id):
    """Staff publish a description that was held because the content check could not run."""
    user = require_user()
    req = service.approve_content(service.get_request(request_id, user), user)
    return service.request_view(req, user)


def _action(name: str, schema):
    @blp.route(f"/requests/<int:request_id>/{name}", methods=["POST"],
               endpoint=f"request_{name}")
    @idempotent
    @blp.arguments(schema)
    @blp.response(200, s.RequestOut)
    @login_required
    def view(data, request_id):
        user = require_user()
        # A claim may lose a race: a loser that saw it pooled gets 409, not 404, so it is
        # checked by the machine (which hides the request from users who play no part in it,
        # and from partners that merely serve its category once it is no longer pooled).
        viewer = None if name == "claim" else user
        req = service.act(service.get_request(request_id, viewer), name, user, data)
        return service.request_view(req, user)

    view.__doc__ = f"`{name}` step of the request (see the transition table)."
    return view


for _name, _schema in (("dispatch", s.DispatchIn), ("recall", s.RecallIn), ("claim", s.EmptyIn),
                       ("accept", s.EmptyIn), ("decline", s.ReasonIn), ("start", s.EmptyIn),
                       ("complete", s.CompleteIn), ("confirm", s.ConfirmIn),
                       ("dispute", s.ReasonIn), ("resolve", s.ResolveIn),
                       ("cancel", s.ReasonIn), ("agree", s.EmptyIn)):
    _action(_name, _schema)


@blp.route("/communities/<int:community_id>/needs", methods=["GET"])
@blp.response(200, s.NeedPage)
@login_required
def needs_list(community_id):
    """The community's needs list (需求清单), by category over the last 90 days: requests placed
    in the app and needs staff collected on visits."""
    get_community(community_id)
    return {"items": queries.needs(community_id), "next_cursor": None}


@blp.route("/communities/<int:community_id>/collected-needs", methods=["POST"])
@blp.arguments(s.CollectedNeedIn)
@blp.response(201, s.CollectedNeedOut)
@roles_required("staff", "admin")
def record_need(data, community_id):
    """Staff record a need collected on a visit (线下走访): household, category, note."""
    need = service.record_need(require_user(), community_id, data)
    return need


@blp.route("/communities/<int:community_id>/collected-needs", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, s.CollectedNeedPage)
@roles_required("staff", "admin")
def list_collected_needs(args, community_id):
    """Needs collected on visits, newest first (staff of the community)."""
    get_community(community_id)
    require_staff(require_user(), community_id)
    return id_page(sa.select(CollectedNeed).where(CollectedNeed.community_id == community_id),
                   CollectedNeed.id, args)
