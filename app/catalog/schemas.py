from marshmallow import Schema, fields, validate, validates_schema
from marshmallow import ValidationError as MaValidationError

from app.catalog.models import PARTNER_KINDS, PAYERS
from app.web.pagination import PageArgs
from app.web.schemas import one_of, page_schema, text


class CategoryOut(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    icon = fields.String()
    payer = one_of(PAYERS)
    points_per_hour = fields.Integer()
    max_minutes = fields.Integer()
    dispatch_hours = fields.Integer()
    accept_hours = fields.Integer()
    start_hours = fields.Integer()
    confirm_window_hours = fields.Integer()
    resolve_hours = fields.Integer()
    photo_required = fields.Boolean()
    phrases = fields.List(fields.String(), metadata={
        "description": "常用语: preset phrases a resident taps instead of typing"})


_hours = dict(validate=validate.Range(min=1, max=24 * 30))


class CategoryIn(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{1,31}$"))
    name = text(32)
    icon = fields.String(load_default="service", validate=validate.Length(max=32))
    payer = fields.String(required=True, validate=validate.OneOf(PAYERS))
    points_per_hour = fields.Integer(required=True, validate=validate.Range(min=0, max=1000))
    max_minutes = fields.Integer(load_default=240, validate=validate.Range(min=15, max=24 * 60))
    dispatch_hours = fields.Integer(load_default=24, **_hours)
    accept_hours = fields.Integer(load_default=12, **_hours)
    start_hours = fields.Integer(load_default=48, **_hours)
    confirm_window_hours = fields.Integer(load_default=72, **_hours)
    resolve_hours = fields.Integer(load_default=72, **_hours)
    photo_required = fields.Boolean(load_default=False, metadata={
        "description": "completion needs at least one photo (`photo_ids`)"})
    phrases = fields.List(text(50), load_default=list, validate=validate.Length(max=12),
                          metadata={"description": "常用语, up to 12"})


class CategoryPatch(CategoryIn):
    """Loaded with `partial=True` (marshmallow 4 has no `Meta.partial`): only the fields sent
    change, and no default is filled in for the others."""


class CategoryRef(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class PartnerOut(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = one_of(PARTNER_KINDS)
    description = fields.String()
    categories = fields.List(fields.Nested(CategoryRef))
    community_ids = fields.Function(lambda p: [c.id for c in p.communities])
    rating = fields.Float(allow_none=True)
    open_tasks = fields.Integer()
    capacity = fields.Integer()
    contract_start = fields.Date(allow_none=True)
    contract_end = fields.Date(allow_none=True)
    active = fields.Boolean()
    home_community_id = fields.Integer(allow_none=True)
    home_grid_id = fields.Integer(allow_none=True)


class PartnerIn(Schema):
    name = text(64)
    kind = fields.String(required=True, validate=validate.OneOf(PARTNER_KINDS))
    description = fields.String(load_default="", validate=validate.Length(max=255))
    home_community_id = fields.Integer(load_default=None)
    home_grid_id = fields.Integer(load_default=None)
    contract_start = fields.Date(load_default=None)
    contract_end = fields.Date(load_default=None)
    capacity = fields.Integer(load_default=5, validate=validate.Range(min=0, max=1000))
    category_ids = fields.List(fields.Integer(), load_default=list,
                               validate=validate.Length(max=50))
    community_ids = fields.List(fields.Integer(), load_default=list,
                                validate=validate.Length(max=50))

    @validates_schema
    def _contract(self, data, **kwargs):
        start, end = data.get("contract_start"), data.get("contract_end")
        if start and end and end < start:
            raise MaValidationError("合同结束日期早于开始日期", field_name="contract_end")


class PartnerPatch(PartnerIn):
    """An admin's edit of a partner, loaded with `partial=True`: `active: false` deactivates
    it, `contract_end` ends its contract; `category_ids` and `community_ids` replace the
    lists."""

    active = fields.Boolean()


class OfferPatch(Schema):
    """What a partner offers (服务清单), edited by its own members: the categories it serves
    (replacing the list) and how many tasks it takes at once. Loaded with `partial=True`."""

    category_ids = fields.List(fields.Integer(), required=True,
                               validate=validate.Length(max=50))
    capacity = fields.Integer(required=True, validate=validate.Range(min=0, max=1000))


class PartnerArgs(PageArgs):
    community_id = fields.Integer(load_default=None)
    category_id = fields.Integer(load_default=None)


class PartnerListArgs(PartnerArgs):
    include_inactive = fields.Boolean(load_default=False, metadata={
        "description": "管理员：包括已停用和合同已到期的合伙人"})


class CategoryArgs(PageArgs):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1))


CategoryPage = page_schema(CategoryOut, "CategoryPage")
PartnerPage = page_schema(PartnerOut, "PartnerPage")
