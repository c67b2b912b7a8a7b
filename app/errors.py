"""The one JSON error shape: {"error": {"code", "message", "details"}}.

Domain code raises `ApiError` (or a subclass); every HTTP error, validation error and
unexpected exception is turned into that shape here. Stack traces never reach the client.
"""
import logging

from flask import Flask, jsonify
from marshmallow import Schema, fields
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

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


def http_error_response(error: HTTPException):
    from app.common.messages import rate_limit_text, translate_fields

    status = error.code or 500
    code, message = MESSAGES.get(status, MESSAGES[500] if status >= 500 else OTHER_4XX)
    details: dict = {}
    headers = {}
    data = getattr(error, "data", None) or {}
    if "messages" in data:  # webargs / flask-smorest validation errors, in Chinese
        details["fields"] = translate_fields(_flatten_locations(data["messages"]))
    if "headers" in data:
        headers = dict(data["headers"] or {})
    if status == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429:
        details["limit"] = rate_limit_text(str(getattr(error, "description", "")))
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None and "Retry-After" not in headers:
            headers["Retry-After"] = str(retry_after)
    return jsonify(error_body(code, message, details)), status, headers


def _flatten_locations(messages: dict) -> dict:
    """webargs nests errors by location ({"json": {...}}); clients want the fields."""
    out: dict = {}
    for location, errors in messages.items():
        if isinstance(errors, dict):
            out.update(errors)
        else:
            out[location] = errors
    return out


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(err: ApiError):
        from app.common.messages import translate_fields

        details = err.details
        if "fields" in details:
            details = {**details, "fields": translate_fields(details["fields"])}
        return jsonify(error_body(err.code, err.message, details)), err.status

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        return http_error_response(err)

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    def _db_down(err):
        log.error("database unavailable: %s", type(err).__name__)
        return jsonify(error_body(*MESSAGES[503])), 503, {"Retry-After": "5"}

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    @app.errorhandler(UnicodeError)
    def _bad_value(err):
        """Values the schemas let through but the database cannot hold (a number beyond
        64 bits, a lone surrogate in text) are the client's error, not the server's."""
        log.info("value refused by the database layer: %s", type(err).__name__)
        return jsonify(error_body("invalid_value", "提交的内容含有无效的数值或字符")), 422

    @app.errorhandler(IntegrityError)
    def _integrity(err):
        """A constraint caught what a service did not check first (a race, a missing row)."""
        log.warning("integrity error reached the edge: %s", type(err.orig).__name__)
        return jsonify(error_body("conflict", "数据冲突，请刷新后重试")), 409

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        if isinstance(err, HTTPException):
            return http_error_response(err)
        log.exception("unhandled error")
        return jsonify(error_body(*MESSAGES[500])), 500
