"""`/wechat/callback`: WeChat's message push (JSON format), verified by its signature."""
from flask import Response, current_app, request
from marshmallow import Schema, fields

from app.errors import ApiError, Forbidden
from app.web.boundary import Blueprint
from app.wechat import push

blp = Blueprint("wechat", __name__, url_prefix="/api/v1", description="微信消息推送")


class PushArgs(Schema):
    signature = fields.String(load_default=None)
    timestamp = fields.String(load_default=None)
    nonce = fields.String(load_default=None)
    echostr = fields.String(load_default=None)


def _check(args: dict) -> None:
    token = current_app.config.get("WECHAT_PUSH_TOKEN")
    if not push.verify(token, args["signature"], args["timestamp"], args["nonce"]):
        raise Forbidden("invalid_signature", "消息签名无效")


@blp.route("/wechat/callback", methods=["GET"])
@blp.arguments(PushArgs, location="query")
@blp.response(200, content_type="text/plain")
def verify_callback(args):
    """WeChat checks the push URL once: a correct signature gets `echostr` back."""
    _check(args)
    return Response(args["echostr"] or "", mimetype="text/plain")


@blp.route("/wechat/callback", methods=["POST"])
@blp.arguments(PushArgs, location="query")
@blp.response(200, content_type="text/plain")
def callback(args):
    """A push from WeChat (JSON). Wrong or stale signature: 403. Answered `success`."""
    _check(args)
    message = request.get_json(force=True, silent=True)
    if not isinstance(message, dict):
        raise ApiError("bad_request", "消息格式不正确", 400)
    push.dispatch(message)
    return Response("success", mimetype="text/plain")
