"""Request and response schemas of evaluation campaigns."""
from datetime import UTC, datetime

from marshmallow import Schema, fields, validate

from app.common.masking import mask_name
from app.common.timeutil import SHANGHAI
from app.evaluations.models import REVIEW_BODIES, TARGET_KINDS
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, page_schema, text

ID = validate.Range(min=1, max=2**31 - 1)
SCORE = validate.Range(min=1, max=5)
SANE = validate.Range(min=datetime(2000, 1, 1, tzinfo=UTC), max=datetime(2100, 1, 1, tzinfo=UTC))


def when(**kw):
    """An input time; one without an offset is read as Asia/Shanghai local time."""
    return fields.AwareDateTime(default_timezone=SHANGHAI, validate=SANE, **kw)


class TargetIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(TARGET_KINDS))
    id = fields.Integer(required=True, validate=ID)


class CampaignIn(Schema):
    community_id = fields.Integer(required=True, validate=ID)
    title = text(100)
    opens_at = when(required=True)
    closes_at = when(required=True)
    ratings_from = when(load_default=None, metadata={
        "description": "合伙人服务评价自此时起计入（默认开始前一年）"})
    targets = fields.List(fields.Nested(TargetIn), required=True,
                          validate=validate.Length(min=1, max=100))


class ScoreIn(Schema):
    target_id = fields.Integer(required=True, validate=ID,
                               metadata={"description": "POST /evaluations 返回的 targets[].id"})
    score = fields.Integer(required=True, validate=SCORE)
    comment = fields.String(load_default="", validate=validate.Length(max=500))


class ReviewIn(Schema):
    target_id = fields.Integer(required=True, validate=ID)
    body = fields.String(required=True, validate=validate.OneOf(REVIEW_BODIES),
                         metadata={"description": "street（街道）| org_dept（组织部）"})
    score = fields.Integer(required=True, validate=SCORE)
    comment = fields.String(load_default="", validate=validate.Length(max=500))


class HonoursIn(Schema):
    target_ids = fields.List(fields.Integer(validate=ID), required=True,
                             validate=validate.Length(min=1, max=20))
    title = fields.String(load_default="", validate=validate.Length(max=64))


class ListArgs(PageArgs):
    community_id = fields.Integer(required=True, validate=ID)


class CommentArgs(PageArgs):
    target_id = fields.Integer(load_default=None, validate=ID)


class HonourArgs(PageArgs):
    kind = fields.String(required=True, validate=validate.OneOf(TARGET_KINDS))
    id = fields.Integer(required=True, validate=ID)


# -- out ---------------------------------------------------------------------------------------
class TargetOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    ref_id = fields.Integer()
    name = fields.String()


class MyScoreOut(Schema):
    target_id = fields.Integer()
    score = fields.Integer()
    comment = fields.String()
    updated_at = LocalDateTime()


class CampaignOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    title = fields.String()
    opens_at = LocalDateTime()
    closes_at = LocalDateTime()
    ratings_from = LocalDateTime()
    status = fields.String(metadata={"description": "upcoming | open | closed"})
    honours_named_at = LocalDateTime(allow_none=True)
    targets = fields.List(fields.Nested(TargetOut))


class TargetDetailOut(TargetOut):
    own = fields.Boolean(metadata={
        "description": "我本人、我所在的合伙人或我任职的党组织：不能评分"})


class CampaignDetailOut(CampaignOut):
    targets = fields.List(fields.Nested(TargetDetailOut))
    can_score = fields.Boolean()
    my_scores = fields.List(fields.Nested(MyScoreOut))


CampaignPage = page_schema(CampaignOut, "EvaluationCampaignPage")


class ScoreOut(Schema):
    id = fields.Integer()
    campaign_id = fields.Integer()
    target_id = fields.Integer()
    score = fields.Integer()
    comment = fields.String()
    comment_held = fields.Function(lambda s: not s.comment_ok)
    updated_at = LocalDateTime()


class ReviewOut(Schema):
    id = fields.Integer()
    campaign_id = fields.Integer()
    target_id = fields.Integer()
    body = fields.String()
    score = fields.Integer()
    comment = fields.String()
    updated_at = LocalDateTime()


class CommentOut(Schema):
    id = fields.Integer()
    target_id = fields.Integer()
    score = fields.Integer()
    comment = fields.String()
    comment_held = fields.Function(lambda s: not s.comment_ok)
    author = fields.Function(lambda s: mask_name(s.user.nickname) if s.user else None)
    updated_at = LocalDateTime()


CommentPage = page_schema(CommentOut, "EvaluationCommentPage")


class RatingsOut(Schema):
    count = fields.Integer()
    mean = fields.Float(allow_none=True)


class ResultItemOut(Schema):
    target_id = fields.Integer()
    kind = fields.String()
    ref_id = fields.Integer()
    name = fields.String()
    count = fields.Integer(metadata={"description": "居民评分数（合伙人含服务评价数）"})
    scores = fields.Integer(metadata={"description": "其中居民评议评分数"})
    mean = fields.Float(allow_none=True)
    rank = fields.Integer(allow_none=True, metadata={"description": "评分数不足时为 null"})
    service_ratings = fields.Nested(RatingsOut, allow_none=True)
    street_score = fields.Integer(allow_none=True)
    org_dept_score = fields.Integer(allow_none=True)
    final_score = fields.Float(allow_none=True)
    final_rank = fields.Integer(allow_none=True)
    honoured = fields.Boolean()


class WeightsOut(Schema):
    residents = fields.Float()
    street = fields.Float()
    org_dept = fields.Float()


class ResultsOut(Schema):
    campaign_id = fields.Integer()
    status = fields.String()
    min_count = fields.Integer()
    weights = fields.Nested(WeightsOut)
    honours_named_at = LocalDateTime(allow_none=True)
    items = fields.List(fields.Nested(ResultItemOut))


class HonourOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    ref_id = fields.Integer()
    name = fields.String()
    title = fields.String()
    final_rank = fields.Integer()
    campaign_id = fields.Integer()
    campaign_title = fields.Function(lambda h: h.campaign.title)
    community_id = fields.Function(lambda h: h.campaign.community_id)
    named_at = LocalDateTime()


HonourPage = page_schema(HonourOut, "EvaluationHonourPage")


class HonoursOut(Schema):
    items = fields.List(fields.Nested(HonourOut))
