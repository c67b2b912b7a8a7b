"""The one JSON error shape: {"error": {"code", "message", "details"}}.

Domain code raises `ApiError` (or a subclass). `app/web/errors.py` turns every HTTP error,
validation error and unexpected exception into that shape; stack traces never reach the client.
"""
from marshmallow import Schema, fields

MESSAGES = {
    400: ("bad_request", "请求格式不正确"),
    401: ("unauthorized", "请先登录"),
    403: ("forbidden", "没有权限执行此操作"),
    404: ("not_found", "资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "当前状态不允许此操作"),
    413: ("payload_too_large", "请求内容过大"),
    415: ("unsupported_media_type", "请以 JSON 格式提交"),
    422: ("validation_error", "提交的内容有误"),
    429: ("rate_limited", "操作过于频繁，请稍后再试"),
    500: ("internal_error", "服务器开小差了，请稍后再试"),
    502: ("upstream_error", "上游服务暂时不可用"),
    503: ("service_unavailable", "服务暂时不可用，请稍后再试"),
}
OTHER_4XX = ("http_error", "请求无法处理")


class ApiError(Exception):
    """A refusal with an HTTP status, a snake_case code and a zh-CN message."""

    status = 400
    code = "bad_request"
    message = "请求有误"

    def __init__(self, code: str | None = None, message: str | None = None,
                 status: int | None = None, details: dict | None = None):
        super().__init__(code or self.code)
        self.code = code or self.code
        self.message = message or self.message
        self.status = status or self.status
        self.details = details or {}
        self.keeps_changes = False

    def keeping_changes(self) -> "ApiError":
        """A refusal whose unit still commits what it did (an expired voucher is refunded and
        the write-off refused): the write boundary commits, then answers with the error."""
        self.keeps_changes = True
        return self


class NotFound(ApiError):
    status, code, message = 404, "not_found", "资源不存在"


class Forbidden(ApiError):
    status, code, message = 403, "forbidden", "没有权限执行此操作"


class Unauthorized(ApiError):
    status, code, message = 401, "unauthorized", "请先登录"


class Conflict(ApiError):
    status, code, message = 409, "conflict", "当前状态不允许此操作"


class Unprocessable(ApiError):
    status, code, message = 422, "validation_error", "提交的内容有误"


class ErrorDetail(Schema):
    code = fields.String(metadata={"description": "snake_case, stable for clients"})
    message = fields.String(metadata={"description": "human text (zh-CN)"})
    details = fields.Dict(metadata={"description": "e.g. per-field messages under `fields`"})


class ErrorSchema(Schema):
    """The one error shape, as documented in the OpenAPI document."""

    error = fields.Nested(ErrorDetail)


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}
