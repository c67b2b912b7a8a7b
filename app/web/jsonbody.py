"""Strict JSON request bodies, checked before any view or schema sees them.

The standard parser raises `RecursionError` on deep nesting (`[` × 30000) and `ValueError` on an
integer literal past Python's 4,300-digit limit; both would surface as server errors. It also
accepts `NaN` and `Infinity`, which are not JSON. Such bodies are refused here with 400
`bad_request`, once, for every endpoint. A body that passes is standard JSON, so the schema
layer parses it again with the same result.
"""
import json
import math

from flask import request

from app.errors import ApiError

MAX_DEPTH = 32  # no request body of this API nests more than a few levels


class MalformedJson(ApiError):
    status, code, message = 400, "bad_request", "请求内容不是有效的 JSON"


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 overflows to infinity
        raise ValueError("number out of range")
    return value


def _depth(value) -> int:
    """Nesting depth of a parsed value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = node.values()
        elif not isinstance(node, list):
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in node)
    return deepest


def loads(data: bytes | str):
    """Parse a request body or raise `MalformedJson`."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        raise MalformedJson() from None
    if _depth(value) > MAX_DEPTH:
        raise MalformedJson()
    return value


def check_json_body() -> None:
    """`before_request`: a non-empty JSON body must be well-formed, finite and shallow."""
    if not request.is_json:
        return
    data = request.get_data(cache=True)
    if data.strip():
        loads(data)
