"""Request and response schemas of renovation lists."""
from datetime import UTC, datetime

from marshmallow import Schema, fields, validate

from app.common.timeutil import SHANGHAI
from app.files.schemas import FileRef
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, page_schema, text

ID = validate.Range(min=1, max=2**31 - 1)
SANE = validate.Range(min=datetime(2000, 1, 1, tzinfo=UTC), max=datetime(2100, 1, 1, tzinfo=UTC))


def when(**kw):
    return fields.AwareDateTime(default_timezone=SHANGHAI, validate=SANE, **kw)


class RenovationIn(Schema):
    compound_id = fields.Integer(required=True, validate=ID)
    title = text(100)
    summary = fields.String(load_default="", validate=validate.Length(max=1000))


class RenovationItemIn(Schema):
    title = text(100)
    detail = fields.String(load_default="", validate=validate.Length(max=1000))


class RenovationCurateIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("accepted", "rejected")),
                             metadata={"description": "accepted（列入清单）| rejected（不列入）"})
    note = fields.String(load_default="", validate=validate.Length(max=200))


class RenovationConsultIn(Schema):
    opens_at = when(required=True, metadata={"description": "不晚于现在则立即开始表决"})
    closes_at = when(required=True)
    objections_close_at = when(load_default=None)


class RenovationReportIn(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=1000))
    file_ids = fields.List(fields.Integer(validate=ID), load_default=list,
                           validate=validate.Length(max=9))


class RenovationListArgs(PageArgs):
    community_id = fields.Integer(load_default=None, validate=ID)
    compound_id = fields.Integer(load_default=None, validate=ID)


class RenovationConsultationRef(Schema):
    id = fields.Integer()
    status = fields.String()
    result = fields.String(allow_none=True)
    closes_at = LocalDateTime()


class RenovationItemOut(Schema):
    id = fields.Integer()
    title = fields.String()
    detail = fields.String()
    status = fields.String(metadata={"description": "proposed | accepted | rejected"})
    note = fields.String()
    mine = fields.Boolean()
    created_at = LocalDateTime()


class RenovationOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    compound_id = fields.Integer()
    compound_name = fields.String()
    title = fields.String()
    summary = fields.String()
    status = fields.String(metadata={"description": "proposing | consulting | reported"})
    created_at = LocalDateTime()
    consultation = fields.Nested(RenovationConsultationRef, allow_none=True)
    reported_at = LocalDateTime(allow_none=True)
    report_note = fields.String()
    files = fields.List(fields.Nested(FileRef))
    can_manage = fields.Boolean()
    can_propose = fields.Boolean()


class RenovationDetailOut(RenovationOut):
    items = fields.List(fields.Nested(RenovationItemOut))


RenovationPage = page_schema(RenovationOut, "RenovationPage")
