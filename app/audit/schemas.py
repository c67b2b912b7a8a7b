from marshmallow import Schema, fields, validate

from app.audit.models import ACTIONS
from app.common.timeutil import SHANGHAI
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, page_schema


class AuditQuery(PageArgs):
    action = fields.String(load_default=None, validate=validate.OneOf(ACTIONS))
    actor_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    target_type = fields.String(load_default=None, validate=validate.Length(min=1, max=32))
    target_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    # A time without an offset is read as Asia/Shanghai local time.
    since = fields.AwareDateTime(load_default=None, default_timezone=SHANGHAI,
                                 metadata={"description": "from this time (inclusive)"})
    until = fields.AwareDateTime(load_default=None, default_timezone=SHANGHAI,
                                 metadata={"description": "before this time (exclusive)"})


class AuditEntryOut(Schema):
    id = fields.Integer()
    at = LocalDateTime()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    target_type = fields.String()
    target_id = fields.Integer(allow_none=True)
    details = fields.Dict()
    ip = fields.String(allow_none=True)


AuditPage = page_schema(AuditEntryOut, "AuditPage")
