"""审核 inbox: counts per kind for one community, and the text held by the content check."""
from marshmallow import Schema, fields

from app.approvals import service
from app.auth.permissions import require_user, roles_required
from app.orders import queries
from app.orders.schemas import RequestPage
from app.orders.service import request_view
from app.web.boundary import Blueprint
from app.web.pagination import PageArgs

blp = Blueprint("approvals", __name__, url_prefix="/api/v1", description="审核")


class CommunityArgs(Schema):
    community_id = fields.Integer(load_default=None,
                                  metadata={"description": "只在一个社区任职时可省略"})


class HeldArgs(PageArgs, CommunityArgs):
    pass


class CountsOut(Schema):
    community_id = fields.Integer()
    bindings = fields.Integer(metadata={"description": "待审核的住户绑定"})
    content = fields.Integer(metadata={"description": "内容审核未通过、待人工发布的需求描述"})
    party = fields.Integer(metadata={"description": "待审核的党员双报到"})
    attendances = fields.Integer(metadata={"description": "待审核的志愿签到（含时长不足）"})
    manual = fields.Integer(metadata={"description": "待审核的补录"})
    total = fields.Integer()


@blp.route("/approvals/counts", methods=["GET"])
@blp.arguments(CommunityArgs, location="query")
@blp.response(200, CountsOut)
@roles_required("staff", "admin")
def approval_counts(args):
    """How much waits for review in one community, per kind."""
    community_id = service.staff_community(require_user(), args["community_id"])
    return service.counts(community_id)


@blp.route("/approvals/held-requests", methods=["GET"])
@blp.arguments(HeldArgs, location="query")
@blp.response(200, RequestPage)
@roles_required("staff", "admin")
def held_requests(args):
    """Live requests whose description the content check held (publish with
    `POST /requests/{id}/content/approve`, or cancel the request), oldest first."""
    user = require_user()
    community_id = service.staff_community(user, args["community_id"])
    rows, cursor = queries.page(service.held_stmt(community_id), args, by_deadline=True)
    return {"items": [request_view(r, user) for r in rows], "next_cursor": cursor}
