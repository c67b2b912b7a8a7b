"""Request and response schemas of compound bodies, seats, profiles and 片区大物业 areas."""
from datetime import date

from marshmallow import Schema, fields, validate

from app.organisations.models import (
    BODY_KINDS,
    FORMATIONS,
    PROPERTY_CLASSES,
    SEAT_ROLES_IN_BODY,
)
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, page_schema, text

ID = validate.Range(min=1, max=2**31 - 1)
DAYS = validate.Range(min=date(1949, 10, 1), max=date(2100, 12, 31))


def day(**kw):
    return fields.Date(validate=DAYS, **kw)


class BodyIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(BODY_KINDS),
                         metadata={"description": "compound_party 小区党组织, "
                                                  "owners_committee 业委会, supervisory_board "
                                                  "业主监事会, self_management 自管委, "
                                                  "property_company 物业公司"})
    name = text(64)
    community_id = fields.Integer(required=True, validate=ID)
    compound_ids = fields.List(fields.Integer(validate=ID), load_default=list,
                               validate=validate.Length(max=50))
    formation = fields.String(load_default=None, validate=validate.OneOf(FORMATIONS),
                              metadata={"description": "小区党组织：single 单独建 / joint 联合建 / "
                                                       "area 连片建"})


class BodyListArgs(PageArgs):
    community_id = fields.Integer(load_default=None, validate=ID)
    compound_id = fields.Integer(load_default=None, validate=ID)
    kind = fields.String(load_default=None, validate=validate.OneOf(BODY_KINDS))
    include_dissolved = fields.Boolean(load_default=False)


class DissolveIn(Schema):
    reason = text(200)


class CompoundRef(Schema):
    compound_id = fields.Integer(required=True, validate=ID)


class SeatIn(Schema):
    user_id = fields.Integer(load_default=None, validate=ID,
                             metadata={"description": "有小程序账号的人；没有账号可只填姓名"})
    name = text(32)
    role = fields.String(required=True, validate=validate.OneOf(SEAT_ROLES_IN_BODY),
                         metadata={"description": "head 负责人 / deputy 副职 / member 成员"})
    title = fields.String(load_default="", validate=validate.Length(max=32),
                          metadata={"description": "职务名称，如 书记、主任、委员；不填按组织类型"})
    term_start = day(load_default=None)
    term_end = day(load_default=None)


class SeatEndIn(Schema):
    left_on = day(load_default=None, metadata={"description": "离任当天（默认今天）"})
    reason = fields.String(load_default="", validate=validate.Length(max=200))


class PastArgs(Schema):
    include_past = fields.Boolean(load_default=False)


class CompoundProfileIn(Schema):
    property_class = fields.String(required=True, validate=validate.OneOf(PROPERTY_CLASSES),
                                   metadata={"description": "managed 物业小区 / unmanaged "
                                                            "无物业小区 / scattered 零散楼栋"})


class AreaIn(Schema):
    name = text(64)
    community_id = fields.Integer(required=True, validate=ID)
    company_id = fields.Integer(required=True, validate=ID)


class AreaListArgs(Schema):
    community_id = fields.Integer(required=True, validate=ID)


# -- out ---------------------------------------------------------------------------------------
class BodyBrief(Schema):
    id = fields.Integer()
    kind = fields.String()
    name = fields.String()
    compound_ids = fields.List(fields.Integer())


class SeatOut(Schema):
    id = fields.Integer()
    body_id = fields.Integer()
    user_id = fields.Integer(allow_none=True)
    name = fields.String()
    role = fields.String()
    title = fields.String()
    term_start = fields.Date()
    term_end = fields.Date(allow_none=True)
    left_on = fields.Date(allow_none=True)
    active = fields.Boolean(metadata={"description": "今天在任"})


class PersonSeatOut(SeatOut):
    body = fields.Nested(BodyBrief)


class SeatList(Schema):
    items = fields.List(fields.Nested(SeatOut))


class PersonSeatList(Schema):
    items = fields.List(fields.Nested(PersonSeatOut))


class BodyOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    name = fields.String()
    community_id = fields.Integer()
    formation = fields.String(allow_none=True)
    compound_ids = fields.List(fields.Integer())
    dissolved_at = LocalDateTime(allow_none=True)
    seats = fields.List(fields.Nested(SeatOut), metadata={"description": "在任成员"})


BodyPage = page_schema(BodyOut, "OrgBodyPage")


class AreaBrief(Schema):
    id = fields.Integer()
    name = fields.String()
    company_id = fields.Integer()
    company_name = fields.String()


class AreaOut(AreaBrief):
    community_id = fields.Integer()
    compound_ids = fields.List(fields.Integer())


class AreaList(Schema):
    items = fields.List(fields.Nested(AreaOut))


class CompanyBrief(Schema):
    id = fields.Integer()
    name = fields.String()


class CompoundProfileOut(Schema):
    compound_id = fields.Integer()
    kind = fields.String(metadata={"description": "formal 建制小区 / old_courtyard 老旧院落 / "
                                                  "scattered 零散楼栋"})
    property_class = fields.String(allow_none=True)
    area = fields.Nested(AreaBrief, allow_none=True)
    property_company = fields.Nested(CompanyBrief, allow_none=True)


class CompoundBrief(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    community_id = fields.Integer()


class CardBodies(Schema):
    party = fields.Nested(BodyOut, allow_none=True)
    self_governing = fields.Nested(BodyOut, allow_none=True,
                                   metadata={"description": "业委会或自管委"})
    supervisory = fields.Nested(BodyOut, allow_none=True)
    property = fields.Nested(BodyOut, allow_none=True)


class CrossOut(Schema):
    user_id = fields.Integer()
    name = fields.String()
    seats = fields.List(fields.Nested(PersonSeatOut))


class CardOut(Schema):
    compound = fields.Nested(CompoundBrief)
    property_class = fields.String(allow_none=True)
    area = fields.Nested(AreaBrief, allow_none=True)
    bodies = fields.Nested(CardBodies)
    cross_appointed = fields.List(fields.Nested(CrossOut),
                                  metadata={"description": "在两个及以上组织任职的人（交叉任职）"})
