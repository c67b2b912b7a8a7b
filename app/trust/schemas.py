"""Request and response schemas of the co-managed accounts."""
from datetime import date, datetime

from marshmallow import Schema, ValidationError, fields, validate

from app.files.schemas import FileRef
from app.trust.models import CATEGORIES, ENTRY_KINDS, ENTRY_STATUSES, SIDES
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, page_schema, text

ID = validate.Range(min=1, max=2**31 - 1)
FEN = validate.Range(min=1, max=10**12, error="金额须为 1 分到 100 亿元之间的整数（分）")
DAYS = validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31))


class Month(fields.Field):
    """`YYYY-MM` in and out; loads the month's first day."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{value:%Y-%m}"

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            month = datetime.strptime(str(value), "%Y-%m").date()
        except ValueError:
            raise ValidationError("月份格式应为 YYYY-MM") from None
        if not date(2000, 1, 1) <= month <= date(2100, 12, 1):
            raise ValidationError("月份超出范围")
        return month


def ids(max_len: int):
    return fields.List(fields.Integer(validate=ID), load_default=list,
                       validate=validate.Length(max=max_len))


class TrustOpenAccountIn(Schema):
    bank_name = fields.String(load_default="", validate=validate.Length(max=64))
    account_tail = fields.String(load_default="", validate=validate.Regexp(
        r"^([0-9]{4})?$", error="请填写银行账号后四位"))


class TrustEntryIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(ENTRY_KINDS))
    amount_fen = fields.Integer(required=True, strict=True, validate=FEN,
                                metadata={"description": "金额，单位分（整数）"})
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)),
                             metadata={"description": "; ".join(
                                 f"{k} {v[2]}{'（公共收益）' if v[1] else ''}"
                                 for k, v in CATEGORIES.items())})
    counterparty = text(64)
    occurred_on = fields.Date(required=True, validate=DAYS)
    memo = fields.String(load_default="", validate=validate.Length(max=500))
    file_ids = ids(9)
    side = fields.String(load_default=None, validate=validate.OneOf(SIDES),
                         metadata={"description": "同时在两方任职时注明代表哪一方"})
    consultation_id = fields.Integer(load_default=None, validate=ID,
                                     metadata={"description": "授权该支出的协商（仅支出）"})
    project_id = fields.Integer(load_default=None, validate=ID,
                                metadata={"description": "授权该支出的大党委项目（仅支出）"})
    proof_file_ids = ids(9)


class TrustReasonIn(Schema):
    reason = text(500)


class TrustReverseIn(TrustReasonIn):
    side = fields.String(load_default=None, validate=validate.OneOf(SIDES))


class TrustEntryListArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(ENTRY_STATUSES))
    month = Month(load_default=None)


class TrustStatementArgs(Schema):
    month = Month(required=True)


class TrustReconcileIn(Schema):
    month = Month(required=True)
    bank_closing_fen = fields.Integer(required=True, strict=True, validate=validate.Range(
        min=-10**12, max=10**12), metadata={"description": "银行对账单月末余额（分）"})
    file_id = fields.Integer(load_default=None, validate=ID,
                             metadata={"description": "银行对账单（图片或 PDF）"})
    note = fields.String(load_default="", validate=validate.Length(max=500))


class TrustRecheckIn(Schema):
    household_id = fields.Integer(required=True, validate=ID)
    question = text(500)


class TrustAnswerIn(Schema):
    answer = text(1000)


class TrustRecheckListArgs(PageArgs):
    entry_id = fields.Integer(load_default=None, validate=ID)
    state = fields.String(load_default=None, validate=validate.OneOf(
        ("open", "answered", "overdue")))


# -- out ---------------------------------------------------------------------------------------
class TrustPersonOut(Schema):
    id = fields.Integer()
    nickname = fields.String()


class TrustEntryOut(Schema):
    id = fields.Integer()
    account_id = fields.Integer()
    kind = fields.String()
    amount_fen = fields.Integer()
    effect_fen = fields.Integer(metadata={"description": "入账后对余额的影响（冲正为相反数）"})
    category = fields.String()
    category_name = fields.String()
    public = fields.Boolean(metadata={"description": "公共收益，归全体业主"})
    counterparty = fields.String()
    occurred_on = fields.Date()
    memo = fields.String()
    side = fields.String(metadata={"description": "录入方：property / owners_committee"})
    status = fields.String(metadata={"description": "pending 待会签 / counted 已入账 / "
                                                    "rejected 已驳回"})
    entered_by = fields.Nested(TrustPersonOut)
    entered_at = LocalDateTime()
    decided_by = fields.Nested(TrustPersonOut, allow_none=True)
    decided_at = LocalDateTime(allow_none=True)
    reject_reason = fields.String(allow_none=True)
    reverses_id = fields.Integer(allow_none=True)
    reversed_by_id = fields.Integer(allow_none=True)
    consultation_id = fields.Integer(allow_none=True)
    project_id = fields.Integer(allow_none=True)
    seq = fields.Integer(allow_none=True)
    balance_after = fields.Integer(allow_none=True)
    files = fields.List(fields.Nested(FileRef), metadata={"description": "发票等凭证"})
    proofs = fields.List(fields.Nested(FileRef), metadata={"description": "完工证明"})
    rechecks = fields.Integer()


EntryPage = page_schema(TrustEntryOut, "TrustEntryPage")


class TrustReconciliationOut(Schema):
    id = fields.Integer()
    month = fields.String()
    bank_closing_fen = fields.Integer()
    book_closing_fen = fields.Integer(metadata={"description": "对账时的账面余额"})
    difference_fen = fields.Integer()
    flagged = fields.Boolean()
    book_closing_now_fen = fields.Integer(metadata={"description": "当前的账面月末余额"})
    note = fields.String()
    entered_at = LocalDateTime()
    files = fields.List(fields.Nested(FileRef))


class TrustReconciliationList(Schema):
    items = fields.List(fields.Nested(TrustReconciliationOut))


class TrustAccountOut(Schema):
    id = fields.Integer()
    compound_id = fields.Integer()
    compound_name = fields.String()
    bank_name = fields.String()
    account_tail = fields.String()
    opened_at = LocalDateTime()
    balance_fen = fields.Integer()
    public_income_fen = fields.Integer(metadata={"description": "累计公共收益（归全体业主）"})
    counted_entries = fields.Integer()
    pending_count = fields.Integer()
    my_sides = fields.List(fields.String(), metadata={"description": "我在本小区任职的一方"})
    last_reconciliation = fields.Nested(TrustReconciliationOut, allow_none=True)


class TrustAccountList(Schema):
    items = fields.List(fields.Nested(TrustAccountOut))


class TrustCategoryTotal(Schema):
    category = fields.String()
    name = fields.String()
    kind = fields.String()
    public = fields.Boolean()
    amount_fen = fields.Integer()


class TrustStatementOut(Schema):
    account_id = fields.Integer()
    compound_id = fields.Integer()
    month = fields.String()
    opening_fen = fields.Integer()
    income_fen = fields.Integer()
    public_income_fen = fields.Integer(metadata={"description": "本月公共收益，单独列示"})
    other_income_fen = fields.Integer()
    expense_fen = fields.Integer()
    closing_fen = fields.Integer()
    by_category = fields.List(fields.Nested(TrustCategoryTotal))
    entries = fields.List(fields.Nested(TrustEntryOut))
    pending_count = fields.Integer()
    reconciliation = fields.Nested(TrustReconciliationOut, allow_none=True)


class TrustRecheckOut(Schema):
    id = fields.Integer()
    entry_id = fields.Integer()
    household = fields.String(metadata={"description": "申请住户（已脱敏）"})
    question = fields.String()
    asked_at = LocalDateTime()
    due_at = LocalDateTime()
    answer_side = fields.String()
    answer = fields.String(allow_none=True)
    answered_at = LocalDateTime(allow_none=True)
    overdue = fields.Boolean()
    answered_late = fields.Boolean()


RecheckPage = page_schema(TrustRecheckOut, "TrustRecheckPage")
