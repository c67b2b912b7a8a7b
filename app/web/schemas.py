"""Schema pieces shared by every domain."""
from marshmallow import Schema, fields, validate

from app.common.timeutil import local_iso


class LocalDateTime(fields.DateTime):
    """ISO 8601 in Asia/Shanghai with its offset; accepts any offset on input."""

    def _serialize(self, value, attr, obj, **kwargs):
        return local_iso(value)


def page_schema(item_schema, name: str):
    """`{"items": [...], "next_cursor": ...}` for a given item schema."""
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item_schema)),
         "next_cursor": fields.String(allow_none=True)},
        name=name,
    )


# Every position in the API is GCJ-02, WeChat's own system: what wx.getLocation({type: "gcj02"})
# and wx.chooseLocation give, and what wx.openLocation takes. Nothing converts.
GCJ02 = "GCJ-02（微信坐标：wx.getLocation type=gcj02、wx.chooseLocation）"


def latitude(**kw):
    kw.setdefault("metadata", {"description": f"纬度，{GCJ02}"})
    return fields.Float(validate=validate.Range(min=-90, max=90), **kw)


def longitude(**kw):
    kw.setdefault("metadata", {"description": f"经度，{GCJ02}"})
    return fields.Float(validate=validate.Range(min=-180, max=180), **kw)


def one_of(values, **kw):
    """A string that is one of `values`, declared as an enum in the OpenAPI document; on
    outputs too, so that every value a screen may show is known (and given a label)."""
    return fields.String(validate=validate.OneOf(tuple(values)), **kw)


def text(max_len: int, required: bool = True, min_len: int = 1, **kw):
    return fields.String(required=required, validate=validate.Length(min=min_len, max=max_len),
                         **kw)
