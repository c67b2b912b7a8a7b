"""Request and response schemas of mediation cases."""
from datetime import UTC, datetime

from marshmallow import Schema, fields, validate

from app.common.timeutil import SHANGHAI
from app.mediation.models import FOLLOW_UP_RESULTS, KINDS, OUTCOMES, STATUSES
from app.mediation.service import FIRST_DAY, LAST_DAY
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, page_schema, text

PHONE = validate.Regexp(r"^\+?[0-9][0-9\-]{4,19}$", error="请填写有效的电话号码")
ID = validate.Range(min=1, max=2**31 - 1)


def when(**kw):
    """An input time; one without an offset is read as Asia/Shanghai local time."""
    return fields.AwareDateTime(default_timezone=SHANGHAI, validate=validate.Range(
        min=datetime(2000, 1, 1, tzinfo=UTC), max=datetime(2100, 1, 1, tzinfo=UTC)), **kw)


def day(**kw):
    return fields.Date(validate=validate.Range(min=FIRST_DAY, max=LAST_DAY), **kw)


def ids(max_len: int, **kw):
    return fields.List(fields.Integer(validate=ID), validate=validate.Length(max=max_len), **kw)


class PartyIn(Schema):
    name = text(32)
    household_id = fields.Integer(load_default=None, validate=ID)
    phone = fields.String(load_default=None, validate=PHONE)


class CaseIn(Schema):
    community_id = fields.Integer(required=True, validate=ID)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    summary = text(1000)
    address = fields.String(load_default="", validate=validate.Length(max=128))
    parties = fields.List(fields.Nested(PartyIn), required=True,
                          validate=validate.Length(min=2, max=10))
    mediator_ids = ids(10, load_default=list)


class SessionIn(Schema):
    at = when(required=True)
    notes = fields.String(load_default="", validate=validate.Length(max=2000))
    mediator_ids = fields.List(fields.Integer(validate=ID), required=True,
                               validate=validate.Length(min=1, max=10))


class DutyIn(Schema):
    party_id = fields.Integer(required=True, validate=ID)
    duty = text(500)
    method = fields.String(load_default="", validate=validate.Length(max=200))
    due_on = day(required=True)


class CloseIn(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    agreement_file_id = fields.Integer(load_default=None, validate=ID)
    duties = fields.List(fields.Nested(DutyIn), load_default=list,
                         validate=validate.Length(max=20))
    follow_up_on = day(load_default=None)
    referred_to = fields.String(load_default="", validate=validate.Length(max=100))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class FollowUpIn(Schema):
    result = fields.String(required=True, validate=validate.OneOf(FOLLOW_UP_RESULTS))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class TeamHelpIn(Schema):
    team_id = fields.Integer(required=True, validate=ID)
    note = fields.String(load_default="", validate=validate.Length(max=200))


class ListArgs(PageArgs):
    scope = fields.String(load_default="community", validate=validate.OneOf(("community",
                                                                               "mine")))
    community_id = fields.Integer(load_default=None, validate=ID)
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))


class StatsArgs(Schema):
    community_id = fields.Integer(required=True, validate=ID)
    from_ = day(required=True, data_key="from")
    to = day(required=True)


# -- out ---------------------------------------------------------------------------------------
class PartyOut(Schema):
    id = fields.Integer()
    name = fields.String()
    phone = fields.String(allow_none=True)
    household_id = fields.Integer(allow_none=True)
    address = fields.String(allow_none=True)


class DutyOut(Schema):
    id = fields.Integer()
    party_id = fields.Integer()
    duty = fields.String()
    method = fields.String()
    due_on = fields.Date()


class FollowUpOut(Schema):
    due_on = fields.Date()
    result = fields.String(allow_none=True)
    note = fields.String()
    recorded_at = LocalDateTime(allow_none=True)
    due = fields.Boolean(metadata={"description": "回访日已到且尚未记录结果"})


class MediatorOut(Schema):
    id = fields.Integer()
    nickname = fields.String()


class SessionOut(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    at = LocalDateTime()
    notes = fields.String()
    mediators = fields.List(fields.Nested(MediatorOut))
    recorded_by_id = fields.Integer()


class TeamHelpOut(Schema):
    team_id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    note = fields.String()
    recorded_at = LocalDateTime()


class RelatedOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    outcome = fields.String(allow_none=True)
    opened_at = LocalDateTime()
    closed_at = LocalDateTime(allow_none=True)
    match = fields.List(fields.String(), metadata={"description": "address | households"})


class CaseOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    kind = fields.String()
    summary = fields.String()
    status = fields.String()
    outcome = fields.String(allow_none=True)
    address = fields.String()
    parties = fields.List(fields.Nested(PartyOut))
    mediator_ids = fields.List(fields.Integer())
    masked = fields.Boolean(metadata={"description": "当事人信息对该查看者已脱敏"})
    opened_by_id = fields.Integer()
    opened_at = LocalDateTime()
    closed_at = LocalDateTime(allow_none=True)
    overdue = fields.Boolean(metadata={"description": "立案超过一个月仍未结案"})
    referred_to = fields.String(allow_none=True)
    close_note = fields.String()
    agreement_file_id = fields.Integer(allow_none=True)
    duties = fields.List(fields.Nested(DutyOut))
    follow_up = fields.Nested(FollowUpOut, allow_none=True)


class CaseDetailOut(CaseOut):
    sessions = fields.List(fields.Nested(SessionOut))
    teams = fields.List(fields.Nested(TeamHelpOut))
    related = fields.List(fields.Nested(RelatedOut),
                          metadata={"description": "同一地址或同样住户之间的较早案件"})


CasePage = page_schema(CaseOut, "MediationCasePage")


class PeriodOut(Schema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()


class StatsOut(Schema):
    community_id = fields.Integer()
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    opened = fields.Integer()
    disputes = fields.Integer(metadata={"description": "= opened：期间立案的纠纷数（全部类型）"})
    agreed = fields.Integer()
    failed = fields.Integer()
    referred = fields.Integer()
    agreed_with_teams = fields.Integer()
    previous_year = fields.Nested(PeriodOut)
    previous_year_opened = fields.Integer()
    change_pct = fields.Float(allow_none=True)
    change_reason = fields.String(allow_none=True)
