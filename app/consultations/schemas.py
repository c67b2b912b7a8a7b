"""Request and response schemas of consultations."""
from datetime import UTC, datetime
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from app.common.timeutil import SHANGHAI
from app.consultations.models import CHOICES, OBJECTION_STATUSES, RULE_KINDS, STATUSES
from app.consultations.rules import DEFAULT_THRESHOLD_PCT
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, page_schema, text

ID = validate.Range(min=1, max=2**31 - 1)
SANE = validate.Range(min=datetime(2000, 1, 1, tzinfo=UTC), max=datetime(2100, 1, 1, tzinfo=UTC))


def when(**kw):
    """An input time; one without an offset is read as Asia/Shanghai local time."""
    return fields.AwareDateTime(default_timezone=SHANGHAI, validate=SANE, **kw)


class ConsultationScopeIn(Schema):
    compound_id = fields.Integer(validate=ID)
    building_id = fields.Integer(validate=ID)
    unit = fields.String(validate=validate.Length(max=16),
                         metadata={"description": "单元（仅与 building_id 一起）"})

    @validates_schema
    def _one(self, data, **kwargs):
        if ("compound_id" in data) == ("building_id" in data):
            raise ValidationError("请指定 compound_id 或 building_id 之一", "compound_id")
        if "unit" in data and "building_id" not in data:
            raise ValidationError("单元须与楼栋一起指定", "unit")


class ConsultationRuleIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(RULE_KINDS))
    threshold = fields.Decimal(metadata={
        "description": "share_of_all 的同意比例，0.5–1，最多两位小数（默认 0.8）"})

    @validates_schema
    def _threshold(self, data, **kwargs):
        value = data.get("threshold")
        if value is None:
            return
        if data.get("kind") != "share_of_all":
            raise ValidationError("仅 share_of_all 可设比例", "threshold")
        if not Decimal("0.5") <= value <= Decimal("1"):
            raise ValidationError("须在 0.5 到 1 之间", "threshold")
        if value != value.quantize(Decimal("0.01")):
            raise ValidationError("最多两位小数", "threshold")

    @post_load
    def _pct(self, data, **kwargs):
        value = data.pop("threshold", None)
        if data["kind"] == "share_of_all":
            data["threshold_pct"] = int(value * 100) if value is not None \
                else DEFAULT_THRESHOLD_PCT
        return data


class ConsultationOptionsIn(Schema):
    agree = fields.String(validate=validate.Length(min=1, max=20))
    disagree = fields.String(validate=validate.Length(min=1, max=20))
    abstain = fields.String(validate=validate.Length(min=1, max=20))


class ConsultationIn(Schema):
    scope = fields.Nested(ConsultationScopeIn, required=True)
    title = text(100)
    body = fields.String(load_default="", validate=validate.Length(max=2000))
    options = fields.Nested(ConsultationOptionsIn, load_default=None,
                            metadata={"description": "各选项的显示文字（选项固定为三个）"})
    opens_at = when(required=True, metadata={"description": "不晚于现在则创建即开始"})
    closes_at = when(required=True)
    objections_close_at = when(load_default=None, metadata={
        "description": "名册异议截止（不填：开始前均可提出）"})
    rule = fields.Nested(ConsultationRuleIn, load_default=lambda: {"kind": "share_of_all",
                                                       "threshold_pct": DEFAULT_THRESHOLD_PCT})


class ConsultationListArgs(PageArgs):
    pass


class ConsultationArgs(PageArgs):
    community_id = fields.Integer(load_default=None, validate=ID)
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))


class ConsultationVoteIn(Schema):
    household_id = fields.Integer(required=True, validate=ID)
    choice = fields.String(required=True, validate=validate.OneOf(CHOICES))


class ConsultationPaperVoteIn(ConsultationVoteIn):
    file_id = fields.Integer(required=True, validate=ID,
                             metadata={"description": "纸质表决票照片（POST /files 上传）"})


class ConsultationObjectionIn(Schema):
    household_id = fields.Integer(required=True, validate=ID)
    reason = text(500)


class ConsultationAnswerIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(OBJECTION_STATUSES[1:]),
                             metadata={"description": "upheld（成立）| dismissed（不成立）"})
    answer = text(500)


# -- out ---------------------------------------------------------------------------------------
class ConsultationScopeOut(Schema):
    kind = fields.String(metadata={"description": "compound | building | unit"})
    compound_id = fields.Integer()
    building_id = fields.Integer(allow_none=True)
    unit = fields.String(allow_none=True)
    label = fields.String()


class ConsultationRuleOut(Schema):
    kind = fields.String()
    threshold = fields.Float(allow_none=True)


class ConsultationNeededOut(Schema):
    agree = fields.Integer(metadata={"description": "share_of_all：至少同意户数"})
    voted = fields.Integer(metadata={"description": "civil_code_278：至少参与户数"})
    voted_area_m2 = fields.String(metadata={"description": "civil_code_278：至少参与面积"})


class ConsultationByAreaOut(Schema):
    eligible = fields.String(allow_none=True)
    voted = fields.String(allow_none=True)
    turnout = fields.Float()
    agree = fields.String(allow_none=True)
    disagree = fields.String(allow_none=True)
    abstain = fields.String(allow_none=True)


class ConsultationOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    scope = fields.Nested(ConsultationScopeOut)
    title = fields.String()
    body = fields.String()
    options = fields.Dict(keys=fields.String(), values=fields.String())
    origin = fields.String(allow_none=True)
    rule = fields.Nested(ConsultationRuleOut)
    rule_text = fields.String(metadata={"description": "规则的一句话说明"})
    needed = fields.Nested(ConsultationNeededOut)
    status = fields.String(metadata={"description": "draft | open | closed"})
    accepting_votes = fields.Boolean()
    opens_at = LocalDateTime()
    closes_at = LocalDateTime()
    objections_close_at = LocalDateTime(allow_none=True)
    opened_at = LocalDateTime(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)
    roll_hash = fields.String(allow_none=True)
    eligible = fields.Integer()
    voted = fields.Integer()
    turnout = fields.Float()
    agree = fields.Integer(allow_none=True, metadata={"description": "结束前为 null（密封）"})
    disagree = fields.Integer(allow_none=True)
    abstain = fields.Integer(allow_none=True)
    result = fields.String(allow_none=True, metadata={"description": "passed | failed"})
    receipts_hash = fields.String(allow_none=True)
    by_area = fields.Nested(ConsultationByAreaOut)


ConsultationPage = page_schema(ConsultationOut, "ConsultationPage")


class ConsultationMyVoteOut(Schema):
    choice = fields.String()
    receipt = fields.String()
    channel = fields.String()
    cast_at = LocalDateTime()


class ConsultationMyHouseholdOut(Schema):
    household_id = fields.Integer()
    address = fields.String()
    relation = fields.String()
    can_vote = fields.Boolean()
    vote = fields.Nested(ConsultationMyVoteOut, allow_none=True)


class ConsultationDetailOut(ConsultationOut):
    my_households = fields.List(fields.Nested(ConsultationMyHouseholdOut))
    can_manage = fields.Boolean()


class ConsultationBallotOut(Schema):
    consultation_id = fields.Integer()
    household_id = fields.Integer()
    choice = fields.String()
    channel = fields.String()
    receipt = fields.String(metadata={"description": "回执：结束后在公布的回执清单中可查到"})
    cast_at = LocalDateTime()


class ConsultationRollEntryOut(Schema):
    seq = fields.Integer()
    label = fields.String()
    area_m2 = fields.String(allow_none=True)
    mine = fields.Boolean()


class ConsultationRollOut(Schema):
    consultation_id = fields.Integer()
    frozen = fields.Boolean()
    hash = fields.String()
    eligible = fields.Integer()
    eligible_area_m2 = fields.String()
    area_missing = fields.Integer()
    objections_close_at = LocalDateTime(allow_none=True)
    entries = fields.List(fields.Nested(ConsultationRollEntryOut))


class ConsultationObjectionOut(Schema):
    id = fields.Integer()
    consultation_id = fields.Integer()
    household_id = fields.Integer()
    reason = fields.String()
    status = fields.String()
    answer = fields.String()
    created_at = LocalDateTime()
    answered_at = LocalDateTime(allow_none=True)


ObjectionPage = page_schema(ConsultationObjectionOut, "ConsultationObjectionPage")


class ConsultationVoterOut(Schema):
    id = fields.Integer()
    label = fields.String()
    channel = fields.String()
    cast_at = LocalDateTime()


VoterPage = page_schema(ConsultationVoterOut, "ConsultationVoterPage")


class ConsultationReceiptOut(Schema):
    receipt = fields.String()
    choice = fields.String()


class ConsultationReceiptsOut(Schema):
    consultation_id = fields.Integer()
    hash = fields.String()
    items = fields.List(fields.Nested(ConsultationReceiptOut))
