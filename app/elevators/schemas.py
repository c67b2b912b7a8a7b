"""Request and response schemas of the elevator ledger and projects."""
from datetime import UTC, datetime

from marshmallow import Schema, ValidationError, fields, validate, validates

from app.common.timeutil import SHANGHAI
from app.files.schemas import FileRef
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, page_schema

ID = validate.Range(min=1, max=2**31 - 1)
SANE = validate.Range(min=datetime(2000, 1, 1, tzinfo=UTC), max=datetime(2100, 1, 1, tzinfo=UTC))
FEN = validate.Range(min=0, max=10**12)
UNIT = fields.String(load_default="", validate=validate.Length(max=16),
                     metadata={"description": "单元；空为整栋"})


def when(**kw):
    return fields.AwareDateTime(default_timezone=SHANGHAI, validate=SANE, **kw)


class ElevatorLedgerIn(Schema):
    building_id = fields.Integer(required=True, validate=ID)
    unit = UNIT
    floors = fields.Integer(required=True, validate=validate.Range(min=1, max=100))
    has_elevator = fields.Boolean(load_default=False)
    note = fields.String(load_default="", validate=validate.Length(max=200))


class ElevatorLedgerArgs(PageArgs):
    community_id = fields.Integer(required=True, validate=ID)
    eligible = fields.Boolean(load_default=False, metadata={"description": "只看符合条件的"})


class ElevatorProjectIn(Schema):
    building_id = fields.Integer(required=True, validate=ID)
    unit = UNIT
    note = fields.String(load_default="", validate=validate.Length(max=500))


class ElevatorProjectPatch(Schema):
    budget_fen = fields.Integer(validate=validate.Range(min=1, max=10**12),
                                metadata={"description": "预算（分）"})
    share_weights = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[1-9][0-9]?$")),
        values=fields.Integer(validate=validate.Range(min=0, max=1000)),
        metadata={"description": "分摊规则：楼层 → 权重，如 {\"2\": 4, \"6\": 12}"})

    @validates("share_weights")
    def _some_weight(self, value, **kwargs):
        if value and not any(value.values()):
            raise ValidationError("至少一个楼层的权重大于 0")


class ElevatorWindowIn(Schema):
    opens_at = when(required=True)
    closes_at = when(required=True)
    objections_close_at = when(load_default=None)
    body = fields.String(load_default="", validate=validate.Length(max=2000))


class ElevatorAdvanceIn(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=500))
    file_ids = fields.List(fields.Integer(validate=ID), load_default=list,
                           validate=validate.Length(max=9))
    consultation = fields.Nested(ElevatorWindowIn, load_default=None, metadata={
        "description": "进入意见征询（consent）时必填：民法典第二百七十八条表决的时间"})


class ElevatorPledgeIn(Schema):
    household_id = fields.Integer(required=True, validate=ID)
    amount_fen = fields.Integer(required=True, validate=FEN)


class ElevatorListArgs(PageArgs):
    community_id = fields.Integer(load_default=None, validate=ID)
    building_id = fields.Integer(load_default=None, validate=ID)


# -- out ---------------------------------------------------------------------------------------
class ElevatorLedgerOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    building_id = fields.Integer()
    building_name = fields.Function(lambda e: e.building.name)
    compound_id = fields.Function(lambda e: e.building.compound_id)
    unit = fields.String()
    floors = fields.Integer()
    has_elevator = fields.Boolean()
    eligible = fields.Boolean()
    note = fields.String()
    updated_at = LocalDateTime()


ElevatorLedgerPage = page_schema(ElevatorLedgerOut, "ElevatorLedgerPage")


class ElevatorConsultationRef(Schema):
    id = fields.Integer()
    status = fields.String()
    result = fields.String(allow_none=True)
    closes_at = LocalDateTime()


class ElevatorHouseholdOut(Schema):
    household_id = fields.Integer()
    label = fields.String()
    floor = fields.Integer(allow_none=True)
    expected_fen = fields.Integer(allow_none=True, metadata={"description": "按分摊规则应摊（分）"})
    pledged_fen = fields.Integer(allow_none=True)
    mine = fields.Boolean()


class ElevatorProjectOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    building_id = fields.Integer()
    unit = fields.String()
    place = fields.String()
    floors = fields.Integer()
    stage = fields.String()
    stage_at = LocalDateTime()
    stages = fields.List(fields.String())
    next_stage = fields.String(allow_none=True)
    consultation = fields.Nested(ElevatorConsultationRef, allow_none=True)
    budget_fen = fields.Integer(allow_none=True)
    pledged_fen = fields.Integer()
    shortfall_fen = fields.Integer(allow_none=True)
    share_weights = fields.Dict(keys=fields.String(), values=fields.Integer())
    can_manage = fields.Boolean()
    created_at = LocalDateTime()


class ElevatorProjectDetailOut(ElevatorProjectOut):
    households = fields.List(fields.Nested(ElevatorHouseholdOut))


ElevatorProjectPage = page_schema(ElevatorProjectOut, "ElevatorProjectPage")


class ElevatorPledgeOut(Schema):
    project_id = fields.Integer()
    household_id = fields.Integer()
    amount_fen = fields.Integer()
    updated_at = LocalDateTime()


class ElevatorEventOut(Schema):
    id = fields.Integer()
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String()
    note = fields.String()
    at = LocalDateTime()
    files = fields.List(fields.Nested(FileRef))


class ElevatorEventsOut(Schema):
    items = fields.List(fields.Nested(ElevatorEventOut))
