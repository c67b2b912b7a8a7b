"""Every error becomes the one JSON shape of `app/errors.py`, registered by `create_app`."""
import logging

from flask import Flask, jsonify
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from app.common.messages import rate_limit_text, translate_fields
from app.errors import MESSAGES, OTHER_4XX, ApiError, error_body

log = logging.getLogger(__name__)


def http_error_response(error: HTTPException):
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
        log.error("database unavailable error=%s", type(err).__name__)
        return jsonify(error_body(*MESSAGES[503])), 503, {"Retry-After": "5"}

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    @app.errorhandler(UnicodeError)
    def _bad_value(err):
        """Values the schemas let through but the database cannot hold (a number beyond
        64 bits, a lone surrogate in text) are the client's error, not the server's."""
        log.info("value refused by the database layer error=%s", type(err).__name__)
        return jsonify(error_body("invalid_value", "提交的内容含有无效的数值或字符")), 422

    @app.errorhandler(IntegrityError)
    def _integrity(err):
        """A constraint caught what a service did not check first (a race, a missing row)."""
        log.warning("integrity error reached the edge error=%s", type(err.orig).__name__)
        return jsonify(error_body("conflict", "数据冲突，请刷新后重试")), 409

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        if isinstance(err, HTTPException):
            return http_error_response(err)
        log.exception("unhandled error")
        return jsonify(error_body(*MESSAGES[500])), 500
