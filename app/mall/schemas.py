"""Marshmallow in/out schemas of the points mall. Unknown input fields are refused
(marshmallow's default), so nothing but these fields can be written."""
from marshmallow import Schema, fields, validate

from app.common.masking import mask_name
from app.mall.models import ITEM_KINDS, VOUCHER_STATUSES
from app.timebank.schemas import points
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, one_of, page_schema, text

Id = fields.Integer


class MerchantIn(Schema):
    name = text(64)
    community_id = Id(load_default=None, strict=True, validate=validate.Range(min=1))
    partner_id = Id(load_default=None, strict=True, validate=validate.Range(min=1))


class MerchantOut(Schema):
    id = Id()
    name = fields.String()
    community_id = Id(allow_none=True)
    partner_id = Id(allow_none=True)


MerchantPage = page_schema(MerchantOut, "MerchantPage")


class MerchantRef(Schema):
    id = Id()
    name = fields.String()


class MemberIn(Schema):
    user_id = Id(required=True, strict=True, validate=validate.Range(min=1))


class MemberOut(Schema):
    id = Id()
    user_id = Id()
    role = one_of(("merchant",))
    merchant_id = Id()


class MerchantAccountOut(Schema):
    merchant_id = Id()
    account_id = Id(allow_none=True, metadata={"description": "null before the first sale"})
    balance = fields.Integer()


class ItemIn(Schema):
    merchant_id = Id(required=True, strict=True, validate=validate.Range(min=1))
    title = text(64)
    description = text(500, required=False, min_len=0, load_default="")
    kind = fields.String(required=True, validate=validate.OneOf(ITEM_KINDS))
    price_points = points()
    stock = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10**7))
    per_user_limit = fields.Integer(load_default=None, allow_none=True, strict=True,
                                    validate=validate.Range(min=1, max=10**4))
    valid_days = fields.Integer(load_default=30, strict=True,
                                validate=validate.Range(min=1, max=3650))
    published = fields.Boolean(load_default=False)


class ItemPatch(Schema):
    title = text(64, required=False)
    description = text(500, required=False, min_len=0)
    kind = fields.String(validate=validate.OneOf(ITEM_KINDS))
    price_points = points(required=False)
    stock = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**7))
    per_user_limit = fields.Integer(allow_none=True, strict=True,
                                    validate=validate.Range(min=1, max=10**4))
    valid_days = fields.Integer(strict=True, validate=validate.Range(min=1, max=3650))
    published = fields.Boolean()


class ItemOut(Schema):
    id = Id()
    title = fields.String()
    description = fields.String()
    kind = one_of(ITEM_KINDS)
    price_points = fields.Integer()
    stock = fields.Integer()
    per_user_limit = fields.Integer(allow_none=True)
    valid_days = fields.Integer()
    published = fields.Boolean()
    merchant = fields.Nested(MerchantRef)


ItemPage = page_schema(ItemOut, "ItemPage")


class ItemListArgs(PageArgs):
    merchant_id = Id(load_default=None)
    community_id = Id(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(ITEM_KINDS))
    include_unpublished = fields.Boolean(load_default=False)


class ItemRef(Schema):
    id = Id()
    title = fields.String()
    kind = one_of(ITEM_KINDS)


class VoucherOut(Schema):
    id = Id()
    code = fields.String()
    qr_payload = fields.String()
    status = one_of(VOUCHER_STATUSES)
    price_points = fields.Integer()
    item = fields.Nested(ItemRef)
    merchant = fields.Function(lambda v: {"id": v.item.merchant.id, "name": v.item.merchant.name})
    issued_at = LocalDateTime()
    expires_at = LocalDateTime()
    used_at = LocalDateTime(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)


VoucherPage = page_schema(VoucherOut, "VoucherPage")


class SaleOut(VoucherOut):
    """What a merchant sees of a sale: the buyer's name masked, never a phone, and no code
    (only the buyer shows the code, at the counter)."""

    class Meta:
        exclude = ("code", "qr_payload")

    buyer = fields.Function(lambda v: {"id": v.user.id, "nickname": mask_name(v.user.nickname)})
    used_by_id = Id(allow_none=True)


SalePage = page_schema(SaleOut, "SalePage")


class VoucherListArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(VOUCHER_STATUSES))


class RedeemOut(Schema):
    voucher = fields.Nested(VoucherOut)
    balance = fields.Integer()


class WriteOffIn(Schema):
    code = text(64, metadata={"description": "券码，或券二维码的内容 llt-voucher:<券码>"})


class WriteOffOut(Schema):
    voucher = fields.Nested(VoucherOut)
