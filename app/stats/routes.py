"""Figures 统计: summary, monthly series, the Excel workbook and its jobs, and the public
impact figures and page."""
import os

from flask import Response, current_app, jsonify, render_template

from app.audit.service import record
from app.auth.permissions import login_required, require_user
from app.errors import Conflict
from app.stats import jobs, service, workbook
from app.stats import schemas as s
from app.web.boundary import Blueprint

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATIC = os.path.join(os.path.dirname(__file__), "static")
ECHARTS = "echarts.min.js"

blp = Blueprint("stats", __name__, url_prefix="/api/v1", description="统计与报表")
page_blp = Blueprint("impact", __name__, url_prefix="", description="公开成效展示页",
                     template_folder="templates", static_folder="static",
                     static_url_path="/impact/static")
blps = [blp, page_blp]


def _period(args):
    return service.period(args.get("from"), args.get("to"))


@blp.route("/stats/summary", methods=["GET"])
@blp.arguments(s.ScopeArgs, location="query")
@blp.response(200, s.SummaryOut)
@login_required
def summary(args):
    """Every figure of a community or a street over a period (Asia/Shanghai dates, `to`
    included; by default the last 12 full months). Each record counts on the date it closed.
    A figure that cannot be known is null, with its reason in `unavailable`.
    Staff of the community, street admins of the street, the organisation department, admins."""
    scope = service.scope_for(require_user(), args.get("community_id"), args.get("street_id"))
    return service.summary(scope, *_period(args))


@blp.route("/stats/series", methods=["GET"])
@blp.arguments(s.SeriesArgs, location="query")
@blp.response(200, s.SeriesOut)
@login_required
def series(args):
    """One figure month by month over the period: one item per month, 0 where none."""
    scope = service.scope_for(require_user(), args.get("community_id"), args.get("street_id"))
    return service.series(scope, args["metric"], *_period(args))


@blp.route("/stats/export.xlsx", methods=["GET"])
@blp.arguments(s.ScopeArgs, location="query")
@blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX)
@blp.alt_response(202, schema=s.JobOut, description="较大的报表转为后台任务，见 GET /jobs/{id}")
@login_required
def export_xlsx(args):
    """The Excel workbook: an overview, one sheet per area, native charts (monthly services,
    hours, problems solved), the volunteer and party-member lists. A large one (more list rows
    than `STATS_EXPORT_SYNC_ROWS`) is built in the background: 202 `{id}`."""
    user = require_user()
    scope = service.scope_for(user, args.get("community_id"), args.get("street_id"))
    start, end = _period(args)
    rows = workbook.size(scope.ids, start, end)
    record("export", actor_id=user.id, target_type=scope.kind, target_id=scope.id,
           details={"kind": "stats_xlsx", "from": start.isoformat(), "to": end.isoformat(),
                    "rows": rows})
    if rows > current_app.config.get("STATS_EXPORT_SYNC_ROWS", 2000):
        answer = jsonify(jobs.view(jobs.create(user, scope, start, end)))
        answer.status_code = 202
        return answer
    name = jobs.filename(scope, start, end)
    return Response(workbook.build(scope.name, scope.ids, start, end), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/jobs/<string:job_id>", methods=["GET"])
@blp.response(200, s.JobOut)
@login_required
def job_status(job_id):
    """A background export: `queued`, `running`, `finished` (with `download_url`) or `failed`.
    Only the one who asked sees it."""
    return jobs.view(jobs.get_own(require_user(), job_id[:64]))


@blp.route("/jobs/<string:job_id>/download", methods=["GET"])
@blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX)
@login_required
def job_download(job_id):
    """The finished workbook, to the one who asked for it."""
    job = jobs.get_own(require_user(), job_id[:64])
    if job.status != "finished" or job.content is None:
        raise Conflict("job_not_finished", "报表尚未生成完毕", details={"status": job.status})
    return Response(job.content, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{job.filename}"'})


@blp.route("/public/impact", methods=["GET"])
@blp.arguments(s.PublicImpactArgs, location="query")
@blp.response(200, s.PublicImpactOut)
@blp.doc(security=[])
def public_impact(args):
    """The community's figures over the last 12 full months, for anyone: nothing personal, any
    count under 5 shown as "<5". Cached for a minute."""
    return service.public_impact(args["community_id"])


@page_blp.route("/impact/<int:community_id>", methods=["GET"])
@page_blp.response(200, {"type": "string"}, content_type="text/html")
@page_blp.doc(security=[])
def impact_page(community_id):
    """A page for a community's screen: the public figures and three monthly charts (ECharts,
    served from this app; without it, tables and a note)."""
    data = service.public_impact(community_id)
    html = render_template("impact.html", data=data, labels=service.public_labels(),
                           charts=os.path.exists(os.path.join(STATIC, ECHARTS)))
    return Response(html, mimetype="text/html")
