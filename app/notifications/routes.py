from marshmallow import Schema, fields

from app.auth.permissions import login_required, require_user
from app.notifications import service
from app.notifications.models import Notification
from app.web.boundary import Blueprint
from app.web.pagination import PageArgs, page
from app.web.schemas import LocalDateTime, page_schema

blp = Blueprint("notifications", __name__, url_prefix="/api/v1", description="消息通知")


class InboxArgs(PageArgs):
    unread = fields.Boolean(load_default=False)


class NotificationOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    ref = fields.String()
    page = fields.String(metadata={"description": "小程序内打开的页面（按接收人身份），空表示无"})
    created_at = LocalDateTime()
    read_at = LocalDateTime(allow_none=True)


NotificationPage = page_schema(NotificationOut, "NotificationPage")


class TemplateOut(Schema):
    kind = fields.String(metadata={"description": "消息类别（与收件箱的 kind 相同）"})
    template_id = fields.String()
    keys = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "模板字段 → 内容（title 标题、body 正文、time 时间）"})


class TemplateList(Schema):
    items = fields.List(fields.Nested(TemplateOut))


class ReadOut(Schema):
    marked = fields.Integer()
    unread = fields.Integer()


@blp.route("/notifications", methods=["GET"])
@blp.arguments(InboxArgs, location="query")
@blp.response(200, NotificationPage)
@login_required
def inbox(args):
    """My notifications, newest first."""
    stmt = service.inbox_stmt(require_user().id, args["unread"])
    return page(stmt, Notification.id, args)


@blp.route("/notifications/templates", methods=["GET"])
@blp.response(200, TemplateList)
@login_required
def subscribe_templates():
    """Subscribe-message templates per notification kind, for `wx.requestSubscribeMessage`
    (from `WECHAT_TEMPLATES`; empty when none is configured)."""
    return {"items": service.templates()}


@blp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@blp.response(200, ReadOut)
@login_required
def mark_read(notification_id):
    user = require_user()
    marked = service.mark_read(user.id, notification_id)
    return {"marked": marked, "unread": service.unread_count(user.id)}


@blp.route("/notifications/read-all", methods=["POST"])
@blp.response(200, ReadOut)
@login_required
def mark_all_read():
    user = require_user()
    marked = service.mark_read(user.id)
    return {"marked": marked, "unread": 0}
