"""社情民意: residents report problems; grid workers, staff and the street handle them."""
from app.auth.permissions import login_required, require, require_user
from app.common.timeutil import utcnow
from app.feedback import queries, service, views
from app.feedback import schemas as s
from app.web.boundary import Blueprint
from app.web.idempotency import idempotent

blp = Blueprint("feedback", __name__, url_prefix="/api/v1", description="社情民意")


@blp.route("/feedback/categories", methods=["GET"])
@blp.response(200, s.CategoryPage)
@login_required
def categories():
    """Categories with their deadlines: acceptance within `accept_hours`, resolution within
    `resolve_days` of the report."""
    return {"items": service.categories(), "next_cursor": None}


@blp.route("/feedback/buildings", methods=["GET"])
@blp.arguments(s.FeedbackCommunityArgs, location="query")
@blp.response(200, s.BuildingPage)
@login_required
def buildings(args):
    """The community's buildings with their grids, to say where a problem is."""
    return {"items": service.buildings(args["community_id"]), "next_cursor": None}


@blp.route("/feedback", methods=["POST"])
@idempotent
@blp.arguments(s.FeedbackIn)
@blp.response(201, s.FeedbackOut)
@login_required
def create(data):
    """A resident of the community, or a 社情民意信息员 registered with it, reports a problem:
    category, text (content-checked), photos (`photo_ids` from `POST /files`, the reporter's
    own), a building of the community or a map point (GCJ-02), optionally anonymous. Routed to
    the building's grid when it has a grid worker, else to the community's staff. Retry-safe
    with an `Idempotency-Key`."""
    user = require_user()
    report = service.create_report(user, data)
    return views.report_view(report, user, utcnow())


@blp.route("/feedback", methods=["GET"])
@blp.arguments(s.FeedbackListArgs, location="query")
@blp.response(200, s.FeedbackPage)
@login_required
def list_feedback(args):
    """`mine` (my reports, newest first); `community` (its staff), `grid` (its grid workers),
    `street` (transferred to the street; its street admins) — these by deadline, overdue first;
    `open` (reports still being handled in my community, for "me too")."""
    user = require_user()
    rows, cursor = queries.page(queries.scoped_stmt(user, args), args)
    return {"items": views.page_views(rows, user, utcnow()), "next_cursor": cursor}


@blp.route("/feedback/rates", methods=["GET"])
@blp.arguments(s.FeedbackRatesArgs, location="query")
@blp.response(200, s.FeedbackRatesOut)
@login_required
def rates(args):
    """The three rates of 接诉即办 per responsible body (each grid, and the community's staff)
    over the reports made in a period (Asia/Shanghai dates, `to` included): response (in time),
    resolution (not reopened), satisfaction (4–5 of 5). A rate with nothing to measure is null
    with a reason."""
    user = require_user()
    require(queries.can_read_rates(user, args["community_id"]))
    return queries.rates(args["community_id"], args["from_"], args["to"], utcnow())


@blp.route("/feedback/<int:report_id>", methods=["GET"])
@blp.response(200, s.FeedbackOut)
@login_required
def get_report(report_id):
    """One report with its deadline clock, photos, resolution and the steps I may take."""
    user = require_user()
    return views.report_view(service.get_report(report_id, user), user, utcnow())


@blp.route("/feedback/<int:report_id>/events", methods=["GET"])
@blp.response(200, s.EventPage)
@login_required
def events(report_id):
    """The timeline, oldest first: one event per step, with its actor."""
    user = require_user()
    report = service.get_report(report_id, user)
    return {"items": views.events_view(report, user), "next_cursor": None}


@blp.route("/feedback/<int:report_id>/support", methods=["POST"])
@idempotent
@blp.response(200, s.FeedbackOut)
@login_required
def support(report_id):
    """"Me too" (我也遇到) from another resident of the community, while it is being handled;
    once per person (409 `already_supported`)."""
    user = require_user()
    return views.report_view(service.support(user, report_id), user, utcnow())


def _action(path: str, action: str, schema, doc: str):
    @blp.route(f"/feedback/<int:report_id>/{path}", methods=["POST"],
               endpoint=f"feedback_{action}")
    @idempotent
    @blp.arguments(schema)
    @blp.response(200, s.FeedbackOut)
    @login_required
    def view(data, report_id):
        user = require_user()
        report = service.act(service.get_report(report_id, user), action, user, data)
        return views.report_view(report, user, utcnow())

    view.__doc__ = doc
    return view


for _path, _action_name, _schema, _doc in (
        ("accept", "accept", s.FeedbackEmptyIn,
         "Accept: the grid's worker or the community's staff; from `transferred`, the street."),
        ("resolve", "resolve", s.FeedbackResolveIn,
         "Resolve with a reply and optional photos (the resolver's own uploads)."),
        ("reopen", "reopen", s.FeedbackReasonIn,
         "The author reopens a resolution, once, within 7 days (else 409)."),
        ("transfer", "transfer", s.FeedbackReasonIn,
         "Transfer to the street, with a reason (from `open` or `accepted`)."),
        ("close-unresolved", "close_unresolved", s.FeedbackReasonIn,
         "Close without a solution, with a reason: staff; the street from `transferred`."),
        ("rate", "rate", s.FeedbackRateIn, "The author rates the resolution 1–5, which closes it."),
        ("merge", "merge", s.FeedbackMergeIn,
         "Staff merge a duplicate into another report of the community; its author and "
         "supporters become the other's supporters.")):
    _action(_path, _action_name, _schema, _doc)
