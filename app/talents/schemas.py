"""Request and response schemas of talents, candidates and the party-member ledger."""
from marshmallow import Schema, fields, validate

from app.talents.models import (
    CANDIDATE_POSITIONS,
    CANDIDATE_SOURCES,
    CANDIDATE_STATUSES,
    CHECK_ITEMS,
    CHECK_RESULTS,
    LEDGER_SOURCES,
)
from app.talents.queries import PROBLEMS
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, one_of, page_schema, text

ID = validate.Range(min=1, max=2**31 - 1)
YEAR = validate.Range(min=1900, max=2100)
AGE = validate.Range(min=0, max=150)


def tag_list(description: str):
    return fields.List(fields.String(validate=validate.Length(min=1, max=32)),
                       load_default=list, validate=validate.Length(max=20),
                       metadata={"description": description})


def phone(**kw):
    return fields.String(validate=validate.Regexp(r"^\+?[0-9-]{5,20}$",
                                                  error="手机号格式不正确"), **kw)


class TalentIn(Schema):
    community_id = fields.Integer(required=True, validate=ID,
                                  metadata={"description": "所在社区（其人才库）"})
    user_id = fields.Integer(load_default=None, validate=ID)
    name = text(32)
    phone = phone(load_default="")
    birth_year = fields.Integer(required=True, validate=YEAR)
    former_field = text(32, metadata={"description": "原从事领域，如 教育、医疗、法律"})
    expertise = tag_list("专长")
    former_unit = fields.String(load_default="", validate=validate.Length(max=100))
    party_member = fields.Boolean(load_default=True)
    willing = tag_list("愿意做的事，如 调解、宣讲、担任小区党组织书记")
    health_note = fields.String(load_default="", validate=validate.Length(max=200))
    availability_note = fields.String(load_default="", validate=validate.Length(max=200))


class TalentPatch(Schema):
    name = text(32, required=False)
    phone = phone()
    birth_year = fields.Integer(validate=YEAR)
    former_field = text(32, required=False)
    expertise = fields.List(fields.String(validate=validate.Length(min=1, max=32)),
                            validate=validate.Length(max=20))
    former_unit = fields.String(validate=validate.Length(max=100))
    party_member = fields.Boolean()
    willing = fields.List(fields.String(validate=validate.Length(min=1, max=32)),
                          validate=validate.Length(max=20))
    health_note = fields.String(validate=validate.Length(max=200))
    availability_note = fields.String(validate=validate.Length(max=200))


class TalentArgs(PageArgs):
    community_id = fields.Integer(load_default=None, validate=ID)
    field = fields.String(load_default=None, validate=validate.Length(max=32),
                          metadata={"description": "原从事领域"})
    expertise = fields.String(load_default=None, validate=validate.Length(max=32))
    willing = fields.String(load_default=None, validate=validate.Length(max=32))
    age_min = fields.Integer(load_default=None, validate=AGE)
    age_max = fields.Integer(load_default=None, validate=AGE)
    q = fields.String(load_default=None, validate=validate.Length(max=32),
                      metadata={"description": "姓名包含"})


class TalentOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    user_id = fields.Integer(allow_none=True)
    name = fields.String()
    phone = fields.String(allow_none=True, metadata={"description": "列表中为掩码"})
    birth_year = fields.Integer()
    age = fields.Integer(metadata={"description": "按上海时区今年计"})
    former_field = fields.String()
    former_unit = fields.String()
    expertise = fields.List(fields.String())
    willing = fields.List(fields.String())
    party_member = fields.Boolean()
    health_note = fields.String()
    availability_note = fields.String()
    created_at = LocalDateTime()


TalentPage = page_schema(TalentOut, "TalentPage")


class SecretaryCandidateIn(Schema):
    talent_id = fields.Integer(load_default=None, validate=ID)
    user_id = fields.Integer(load_default=None, validate=ID)
    name = fields.String(load_default="", validate=validate.Length(max=32),
                         metadata={"description": "按用户提名时可填，默认用户昵称"})
    source = one_of(CANDIDATE_SOURCES, required=True,
                    metadata={"description": "self 个人自荐 / unit 单位党组织推荐"})
    recommended_by = fields.String(load_default="", validate=validate.Length(max=100),
                                   metadata={"description": "推荐的单位党组织（单位推荐时必填）"})
    position = one_of(CANDIDATE_POSITIONS, load_default="head",
                      metadata={"description": "head 书记 / deputy 副书记 / member 委员"})
    note = fields.String(load_default="", validate=validate.Length(max=200))


class CandidateCheckIn(Schema):
    item = one_of(CHECK_ITEMS, required=True)
    result = one_of(CHECK_RESULTS, required=True,
                    metadata={"description": "正面标准 met/not_met；负面清单 clear/hit"})
    note = fields.String(load_default="", validate=validate.Length(max=200))


class CandidateChecksIn(Schema):
    items = fields.List(fields.Nested(CandidateCheckIn), required=True,
                        validate=validate.Length(min=1, max=len(CHECK_ITEMS)))


class CandidateVerifyIn(Schema):
    approve = fields.Boolean(load_default=True)
    note = fields.String(load_default="", validate=validate.Length(max=200))


class CandidateAppointIn(Schema):
    title = fields.String(load_default="", validate=validate.Length(max=32))
    term_start = fields.Date(load_default=None)
    term_end = fields.Date(load_default=None)


class SecretaryCandidateArgs(PageArgs):
    status = one_of(CANDIDATE_STATUSES, load_default=None)


class CandidateCheckerOut(Schema):
    id = fields.Integer()
    nickname = fields.String()


class CandidateCheckOut(Schema):
    item = one_of(CHECK_ITEMS)
    name = fields.String()
    kind = one_of(("positive", "negative"))
    result = one_of(CHECK_RESULTS, allow_none=True)
    note = fields.String()
    checked_by = fields.Nested(CandidateCheckerOut, allow_none=True)
    checked_at = LocalDateTime(allow_none=True)


class SecretaryCandidateOut(Schema):
    id = fields.Integer()
    body_id = fields.Integer()
    talent_id = fields.Integer(allow_none=True)
    user_id = fields.Integer(allow_none=True)
    name = fields.String()
    source = one_of(CANDIDATE_SOURCES)
    recommended_by = fields.String()
    position = one_of(CANDIDATE_POSITIONS)
    title = fields.String()
    status = one_of(CANDIDATE_STATUSES)
    note = fields.String()
    created_at = LocalDateTime()
    verified_at = LocalDateTime(allow_none=True)
    verify_note = fields.String()
    appointed_at = LocalDateTime(allow_none=True)
    seat_id = fields.Integer(allow_none=True)
    negative_hits = fields.List(one_of(CHECK_ITEMS))
    checks = fields.List(fields.Nested(CandidateCheckOut))


SecretaryCandidatePage = page_schema(SecretaryCandidateOut, "SecretaryCandidatePage")


class LedgerEntryIn(Schema):
    compound_id = fields.Integer(required=True, validate=ID)
    name = text(32)
    phone = phone(load_default="")
    source = one_of(LEDGER_SOURCES, required=True,
                    metadata={"description": "registered 双报到 / floating 流动党员 / "
                                             "grid 网格摸排"})
    household_id = fields.Integer(load_default=None, validate=ID)
    user_id = fields.Integer(load_default=None, validate=ID)
    unit_name = fields.String(load_default="", validate=validate.Length(max=100))
    note = fields.String(load_default="", validate=validate.Length(max=200))


class LedgerEntryOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    compound_id = fields.Integer()
    household_id = fields.Integer(allow_none=True)
    user_id = fields.Integer(allow_none=True)
    name = fields.String()
    phone = fields.String(allow_none=True)
    source = one_of(LEDGER_SOURCES)
    unit_name = fields.String()
    note = fields.String()
    created_at = LocalDateTime()


LedgerEntryPage = page_schema(LedgerEntryOut, "LedgerEntryPage")


class LedgerArgs(PageArgs):
    community_id = fields.Integer(required=True, validate=ID)
    compound_id = fields.Integer(load_default=None, validate=ID)
    source = one_of(LEDGER_SOURCES, load_default=None)


class LedgerPeopleArgs(Schema):
    community_id = fields.Integer(required=True, validate=ID)
    compound_id = fields.Integer(load_default=None, validate=ID)


class LedgerPersonOut(Schema):
    name = fields.String()
    phone = fields.String(allow_none=True)
    user_id = fields.Integer(allow_none=True)
    compound_id = fields.Integer(allow_none=True)
    compound_name = fields.String(allow_none=True)
    sources = fields.List(one_of(LEDGER_SOURCES))
    entry_ids = fields.List(fields.Integer())
    registration_ids = fields.List(fields.Integer())
    problems = fields.List(one_of(PROBLEMS))


class LedgerPeopleOut(Schema):
    items = fields.List(fields.Nested(LedgerPersonOut))


class LedgerMismatchOut(Schema):
    items = fields.List(fields.Nested(LedgerPersonOut))
    people = fields.Integer(metadata={"description": "台账中的总人数"})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
