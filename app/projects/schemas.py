"""Request and response schemas of the 大党委, its meetings and projects."""
from datetime import UTC, date, datetime

from marshmallow import Schema, fields, validate

from app.common.timeutil import SHANGHAI
from app.files.schemas import FileRef
from app.projects.models import MEMBER_KINDS, PROJECT_STATUSES
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, page_schema, text

ID = validate.Range(min=1, max=2**31 - 1)
DAYS = validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31))


def when(**kw):
    """An input time; one without an offset is read as Asia/Shanghai local time."""
    return fields.AwareDateTime(default_timezone=SHANGHAI, validate=validate.Range(
        min=datetime(2000, 1, 1, tzinfo=UTC), max=datetime(2100, 1, 1, tzinfo=UTC)), **kw)


def day(**kw):
    return fields.Date(validate=DAYS, **kw)


def photo_ids():
    return fields.List(fields.Integer(validate=ID), load_default=list,
                       validate=validate.Length(max=9))


class CommitteeMemberIn(Schema):
    user_id = fields.Integer(load_default=None, validate=ID)
    name = text(32)
    unit = text(64, metadata={"description": "所在单位或组织，如 区住建局、观湖花园党支部"})
    position = fields.String(load_default="", validate=validate.Length(max=32))
    kind = fields.String(required=True, validate=validate.OneOf(MEMBER_KINDS),
                         metadata={"description": "unit 共建单位 / compound_party 小区党组织 / "
                                                  "property 物业公司 / owners_committee 业委会 / "
                                                  "cadre 下派干部"})
    body_id = fields.Integer(load_default=None, validate=ID,
                             metadata={"description": "代表的小区组织（org-bodies 的 id）"})
    joined_on = day(load_default=None)


class CommitteeMemberLeaveIn(Schema):
    left_on = day(load_default=None)


class CommitteeMemberArgs(Schema):
    include_past = fields.Boolean(load_default=False)


class AgendaIn(Schema):
    title = text(100)
    feedback_id = fields.Integer(load_default=None, validate=ID,
                                 metadata={"description": "来自的社情民意反馈 id"})
    renovation_id = fields.Integer(load_default=None, validate=ID,
                                   metadata={"description": "来自的改造清单 id"})


class MeetingIn(Schema):
    community_id = fields.Integer(required=True, validate=ID)
    held_at = when(required=True)
    title = text(100)
    agenda = fields.List(fields.Nested(AgendaIn), load_default=list,
                         validate=validate.Length(max=30))


class MeetingListArgs(PageArgs):
    community_id = fields.Integer(required=True, validate=ID)


class MinutesIn(Schema):
    text = text(5000)
    attendee_ids = fields.List(fields.Integer(validate=ID), required=True,
                               validate=validate.Length(min=1, max=100),
                               metadata={"description": "出席的大党委成员 id"})
    file_id = fields.Integer(load_default=None, validate=ID)


class ResolutionIn(Schema):
    title = text(100)
    owner_member_id = fields.Integer(required=True, validate=ID)
    due_on = day(required=True)
    agenda_item_id = fields.Integer(load_default=None, validate=ID)


class ProjectListArgs(PageArgs):
    community_id = fields.Integer(load_default=None, validate=ID)
    status = fields.String(load_default=None, validate=validate.OneOf(PROJECT_STATUSES))
    overdue = fields.Boolean(load_default=None)


class ProgressIn(Schema):
    note = text(1000)
    percent = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    photo_ids = photo_ids()


class DoneIn(Schema):
    result = text(1000)
    photo_ids = photo_ids()


class DropIn(Schema):
    reason = text(500)


# -- out ---------------------------------------------------------------------------------------
class CommitteeMemberOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    user_id = fields.Integer(allow_none=True)
    name = fields.String()
    unit = fields.String()
    position = fields.String()
    kind = fields.String()
    body_id = fields.Integer(allow_none=True)
    joined_on = fields.Date()
    left_on = fields.Date(allow_none=True)


class CommitteeMemberList(Schema):
    items = fields.List(fields.Nested(CommitteeMemberOut))


class AgendaOut(Schema):
    id = fields.Integer()
    title = fields.String()
    feedback_id = fields.Integer(allow_none=True)
    renovation_id = fields.Integer(allow_none=True)


class AttendeeOut(Schema):
    id = fields.Integer()
    name = fields.String()
    unit = fields.String()


class OwnerOut(AttendeeOut):
    pass


class MeetingBrief(Schema):
    id = fields.Integer()
    title = fields.String()
    held_at = LocalDateTime()


class ProgressOut(Schema):
    id = fields.Integer()
    note = fields.String()
    percent = fields.Integer()
    at = LocalDateTime()
    photos = fields.List(fields.Nested(FileRef))


class ProjectOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    title = fields.String()
    status = fields.String(metadata={"description": "planned / in_progress / done / dropped"})
    percent = fields.Integer()
    due_on = fields.Date()
    overdue = fields.Boolean(metadata={"description": "已过期限仍未完成"})
    escalated = fields.Boolean(metadata={"description": "逾期已上报"})
    owner = fields.Nested(OwnerOut)
    meeting = fields.Nested(MeetingBrief)
    agenda_item_id = fields.Integer(allow_none=True)
    result = fields.String(allow_none=True)
    drop_reason = fields.String(allow_none=True)
    created_at = LocalDateTime()
    started_at = LocalDateTime(allow_none=True)
    finished_at = LocalDateTime(allow_none=True)
    can_work = fields.Boolean(metadata={"description": "当前用户可记录进展或办结"})


class ProjectDetailOut(ProjectOut):
    progress = fields.List(fields.Nested(ProgressOut))
    photos = fields.List(fields.Nested(FileRef), metadata={"description": "办结照片"})


ProjectPage = page_schema(ProjectOut, "CommitteeProjectPage")


class MeetingOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    title = fields.String()
    held_at = LocalDateTime()
    quarter = fields.String(metadata={"description": "如 2026Q3"})
    agenda = fields.List(fields.Nested(AgendaOut))
    minutes_recorded = fields.Boolean()


class MeetingDetailOut(MeetingOut):
    minutes = fields.String()
    minutes_at = LocalDateTime(allow_none=True)
    attendees = fields.List(fields.Nested(AttendeeOut))
    files = fields.List(fields.Nested(FileRef))
    projects = fields.List(fields.Nested(ProjectOut))


MeetingPage = page_schema(MeetingOut, "CommitteeMeetingPage")
