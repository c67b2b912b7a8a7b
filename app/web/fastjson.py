"""JSON out with orjson: Flask's JSON provider for every response, and `json_response` for
the hot lists that build their dicts themselves.

orjson writes the same JSON as the standard library for what the API returns (dicts, lists,
strings, numbers, booleans, None), about ten times faster. Anything else it does not know
(dates, decimals, dataclasses, integers past 64 bits) goes to Flask's own rules, so no answer
changes shape.
"""
import orjson
from flask import Response, current_app
from flask.json.provider import DefaultJSONProvider

# Keys sorted and compact, as Flask's own provider writes a response.
OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | \
    orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


class OrjsonProvider(DefaultJSONProvider):
    """Responses through orjson; `dumps` (used for anything stored or hashed) unchanged."""

    ensure_ascii = False

    def response(self, *args, **kwargs) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        if self._app.debug:
            return super().response(obj)
        try:
            body = orjson.dumps(obj, default=self.default, option=OPTIONS)
        except (orjson.JSONEncodeError, TypeError):  # e.g. non-string keys, huge integers
            return super().response(obj)
        return self._app.response_class(body + b"\n", mimetype=self.mimetype)


def json_response(payload, status: int = 200) -> Response:
    """`payload` (plain dicts and lists of JSON types) as the response, without a schema."""
    return current_app.response_class(orjson.dumps(payload, option=OPTIONS) + b"\n",
                                      status=status, mimetype="application/json")
