"""Marshmallow in/out schemas of the time bank. Unknown input fields are refused
(marshmallow's default), so nothing but these fields can be written."""
from marshmallow import Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from app.timebank.models import ADJUSTMENT_STATUSES, POSTING_KINDS, TRANSFER_KINDS
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, one_of, page_schema, text

MAX_POINTS = 1_000_000
Id = fields.Integer


def points(required=True, **kw):
    return fields.Integer(required=required, strict=True,
                          validate=validate.Range(min=1, max=MAX_POINTS), **kw)


class AccountOut(Schema):
    account_id = Id(allow_none=True)
    balance = fields.Integer()
    earned_total = fields.Integer()
    spent_total = fields.Integer()
    minutes_served = fields.Integer()
    held = fields.Integer(metadata={"description": "为未结算服务预留的积分"})


class EntryOut(Schema):
    id = Id()
    amount = fields.Integer()
    balance_after = fields.Integer()
    kind = one_of(POSTING_KINDS)
    ref = fields.Function(lambda p: p.transfer.ref)
    memo = fields.Function(lambda p: p.transfer.memo)
    transfer_id = Id()
    at = LocalDateTime(attribute="created_at")


EntryPage = page_schema(EntryOut, "EntryPage")


class TransferIn(Schema):
    to_user_id = Id(required=True, strict=True, validate=validate.Range(min=1))
    amount = points()
    memo = text(100, required=False, min_len=0, load_default="")


class TransferOut(Schema):
    id = Id()
    kind = one_of(TRANSFER_KINDS)
    amount = fields.Integer()
    ref = fields.String()
    memo = fields.String()
    at = LocalDateTime(attribute="created_at")


class TransferResult(Schema):
    transfer = fields.Nested(TransferOut)
    balance = fields.Integer()


class VerifyOut(Schema):
    ok = fields.Boolean()
    accounts_checked = fields.Integer()
    postings_checked = fields.Integer()
    problems = fields.List(fields.Dict())
    problems_truncated = fields.Boolean()


class CommunityAccountOut(Schema):
    community_id = Id()
    account_id = Id(allow_none=True,
                    metadata={"description": "null before the account's first posting"})
    balance = fields.Integer()
    budget = fields.Integer()
    available = fields.Integer()


class BudgetIn(Schema):
    budget = fields.Integer(required=True, strict=True,
                            validate=validate.Range(min=0, max=10**9))


class AdjustmentIn(Schema):
    user_id = Id(strict=True, validate=validate.Range(min=1))
    amount = fields.Integer(strict=True, validate=[
        validate.Range(min=-MAX_POINTS, max=MAX_POINTS),
        validate.NoneOf([0], error="不能为 0")])
    reverse_transfer_id = Id(strict=True, validate=validate.Range(min=1))
    reason = text(200)

    @validates_schema
    def _one_of(self, data, **kwargs):
        if ("amount" in data) == ("reverse_transfer_id" in data):
            raise ValidationError("须给出 amount 或 reverse_transfer_id 之一", "amount")


class AdjustmentOut(Schema):
    id = Id()
    user_id = Id(allow_none=True)
    amount = fields.Integer(allow_none=True)
    reverse_transfer_id = Id(allow_none=True)
    reason = fields.String()
    status = one_of(ADJUSTMENT_STATUSES)
    requested_by_id = Id()
    requested_at = LocalDateTime()
    decided_by_id = Id(allow_none=True)
    decided_at = LocalDateTime(allow_none=True)
    transfer_id = Id(allow_none=True)


AdjustmentPage = page_schema(AdjustmentOut, "AdjustmentPage")


class AdjustmentListArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(ADJUSTMENT_STATUSES))
