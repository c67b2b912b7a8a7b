from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.stats.figures import FIGURE_NAMES, SERIES_METRICS, label


class ScopeArgs(Schema):
    community_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1),
                                  metadata={"description": "社区（与 street_id 二选一）"})
    street_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1),
                               metadata={"description": "街道（与 community_id 二选一）"})
    from_ = fields.Date(data_key="from", attribute="from", metadata={
        "description": "起始日期（上海时间，含当日）；省略时为最近12个完整月的第一天"})
    to = fields.Date(metadata={
        "description": "截止日期（上海时间，含当日）；省略时为上月最后一天"})

    @validates_schema
    def one_scope(self, data, **kwargs):
        if ("community_id" in data) == ("street_id" in data):
            raise ValidationError("请指定社区或街道之一", "community_id")


class SeriesArgs(ScopeArgs):
    metric = fields.String(required=True, validate=validate.OneOf(SERIES_METRICS))


class ScopeOut(Schema):
    kind = fields.String(metadata={"enum": ["community", "street"]})
    id = fields.Integer()
    name = fields.String()


def _figure(name: str, public: bool = False):
    text, unit, _ = label(name)
    meta = {"description": f"{text}（{unit}）"}
    if public:
        return fields.Raw(allow_none=True, metadata={**meta, "description": meta["description"]
                                                     + "；少于5时为\"<5\""})
    if name == "disputes_change_yoy":
        return fields.Float(allow_none=True, metadata=meta)
    return fields.Integer(allow_none=True, metadata=meta)


FiguresOut = Schema.from_dict({n: _figure(n) for n in FIGURE_NAMES}, name="FiguresOut")
PublicFiguresOut = Schema.from_dict({n: _figure(n, True) for n in FIGURE_NAMES},
                                    name="PublicFiguresOut")


class SummaryOut(Schema):
    scope = fields.Nested(ScopeOut)
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    figures = fields.Nested(FiguresOut)
    unavailable = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "无法得出的指标及原因（该指标在 figures 中为 null）"})


class MonthOut(Schema):
    month = fields.String(metadata={"description": "YYYY-MM"})
    value = fields.Integer(allow_none=True)


class SeriesOut(Schema):
    metric = fields.String()
    items = fields.List(fields.Nested(MonthOut))


class JobOut(Schema):
    id = fields.String()
    status = fields.String(metadata={"enum": ["queued", "running", "finished", "failed"]})
    progress = fields.Integer(metadata={"description": "0–100"})
    download_url = fields.String()
    error = fields.String()


class PublicMonthOut(Schema):
    month = fields.String()
    value = fields.Raw(allow_none=True, metadata={"description": "整数，或少于5时为\"<5\""})


class PublicImpactArgs(Schema):
    community_id = fields.Integer(required=True,
                                  validate=validate.Range(min=1, max=2**31 - 1))


class ImpactCommunityOut(Schema):
    id = fields.Integer()
    name = fields.String()


class PublicImpactOut(Schema):
    community = fields.Nested(ImpactCommunityOut)
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    figures = fields.Nested(PublicFiguresOut)
    unavailable = fields.Dict(keys=fields.String(), values=fields.String())
    series = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(PublicMonthOut)))
