"""Request and response schemas of volunteering."""
from datetime import timedelta

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.common.timeutil import SHANGHAI
from app.volunteering.models import (
    ATTENDANCE_STATUSES,
    SHIFT_ROLES,
    SIGNUP_STATUSES,
    TEAM_KINDS,
)
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, latitude, longitude, one_of, page_schema, text

PERIODS = ("month", "year")


def when(**kw):
    """An input time; one without an offset is read as Asia/Shanghai local time."""
    return fields.AwareDateTime(default_timezone=SHANGHAI, **kw)


Lat = latitude  # GCJ-02, see app.web.schemas
Lng = longitude


class VolunteerBrief(Schema):
    id = fields.Integer()
    nickname = fields.String()


# -- activities and shifts -------------------------------------------------------------------
class ShiftIn(Schema):
    starts_at = when(required=True)
    ends_at = when(required=True)
    capacity = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    station_id = fields.Integer()
    location_name = fields.String(validate=validate.Length(min=1, max=64))
    lat = Lat()
    lng = Lng()
    radius_m = fields.Integer(load_default=200, validate=validate.Range(min=10, max=5000))
    points_per_hour = fields.Integer(required=True, validate=validate.Range(min=0, max=1000))
    required_roles = fields.List(fields.String(validate=validate.OneOf(SHIFT_ROLES)),
                                 load_default=list, validate=validate.Length(max=2))
    code_required = fields.Boolean(load_default=True)

    @validates_schema
    def _window(self, data, **kwargs):
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and not start < end <= start + timedelta(hours=24):
            raise ValidationError("结束时间须晚于开始时间，且班次不超过24小时", "ends_at")


class ActivityIn(Schema):
    community_id = fields.Integer(required=True)
    title = text(100)
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    team_id = fields.Integer(load_default=None)
    auto_approve = fields.Boolean(load_default=False)
    shifts = fields.List(fields.Nested(ShiftIn), load_default=list,
                         validate=validate.Length(max=50))


class ActivityPatch(Schema):
    """A partial change of an activity: only the fields sent change."""
    title = text(100, required=False)
    description = fields.String(validate=validate.Length(max=2000))
    team_id = fields.Integer(allow_none=True)
    auto_approve = fields.Boolean()

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("请至少修改一项", "_schema")


class ShiftPatch(Schema):
    """A partial change of a shift. Times keep the rules of creation (the merged window is
    checked); capacity never goes below the confirmed sign-ups (409)."""
    starts_at = when()
    ends_at = when()
    capacity = fields.Integer(validate=validate.Range(min=1, max=1000))
    station_id = fields.Integer()
    location_name = fields.String(validate=validate.Length(min=1, max=64))
    lat = Lat()
    lng = Lng()
    radius_m = fields.Integer(validate=validate.Range(min=10, max=5000))
    points_per_hour = fields.Integer(validate=validate.Range(min=0, max=1000))
    required_roles = fields.List(fields.String(validate=validate.OneOf(SHIFT_ROLES)),
                                 validate=validate.Length(max=2))
    code_required = fields.Boolean()

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("请至少修改一项", "_schema")


class ActivityListArgs(PageArgs):
    community_id = fields.Integer(load_default=None)
    upcoming = fields.Boolean(load_default=False)


class ShiftLocationOut(Schema):
    name = fields.String(attribute="location_name")
    lat = Lat()
    lng = Lng()
    radius_m = fields.Integer()


class ShiftOut(Schema):
    id = fields.Integer()
    activity_id = fields.Integer()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    capacity = fields.Integer()
    signed_up = fields.Integer()
    location = fields.Function(lambda s: ShiftLocationOut().dump(s))
    points_per_hour = fields.Integer()
    required_roles = fields.List(one_of(SHIFT_ROLES), attribute="role_list")
    code_required = fields.Boolean()
    closed = fields.Function(lambda s: s.closed_at is not None)
    my_status = one_of(SIGNUP_STATUSES, allow_none=True)


class TeamBrief(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = one_of(TEAM_KINDS)


class ActivityOut(Schema):
    id = fields.Integer()
    title = fields.String()
    description = fields.String()
    community_id = fields.Integer()
    team = fields.Nested(TeamBrief, allow_none=True)
    auto_approve = fields.Boolean()
    shifts = fields.List(fields.Nested(ShiftOut))


ActivityPage = page_schema(ActivityOut, "ActivityPage")


class SignupOut(Schema):
    id = fields.Integer()
    shift_id = fields.Integer()
    status = one_of(SIGNUP_STATUSES)
    user = fields.Nested(VolunteerBrief)
    created_at = LocalDateTime()


SignupPage = page_schema(SignupOut, "SignupPage")


class SignupListArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(SIGNUP_STATUSES))


class CheckinCodeOut(Schema):
    code = fields.String()
    expires_in = fields.Integer()
    qr = fields.String()


class ShiftCloseOut(Schema):
    shift_id = fields.Integer()
    no_shows = fields.Integer()
    unfinished = fields.Integer()
    already_closed = fields.Boolean()


# -- check-in and review ----------------------------------------------------------------------
class OnSitePositionIn(Schema):
    lat = Lat(required=True)
    lng = Lng(required=True)
    # ASCII digits only: `\d` would also take full-width and Arabic-Indic digits.
    code = fields.String(load_default=None, validate=validate.Regexp(
        r"^[0-9]{6}\Z", error="签到码须为6位数字"))


class PassOut(Schema):
    token = fields.String(metadata={"description": "单次有效的个人签到凭证"})
    expires_in = fields.Integer(metadata={"description": "有效秒数（60）"})
    kind = fields.String(metadata={"description": "in（签到）或 out（签退）"})
    qr = fields.String(metadata={"description": "二维码内容：llt:pass:<token>"})


class ScanIn(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(["in", "out"]))


class ScanOut(Schema):
    attendance_id = fields.Integer(attribute="id")
    kind = fields.Function(lambda a: "out" if a.checked_out_at else "in")
    user = fields.Nested(VolunteerBrief)
    status = fields.String()
    checked_in_at = LocalDateTime()
    checked_out_at = LocalDateTime(allow_none=True)
    minutes = fields.Integer()
    points = fields.Integer()


class CheckinOut(Schema):
    attendance_id = fields.Integer(attribute="id")
    checked_in_at = LocalDateTime()
    status = one_of(ATTENDANCE_STATUSES)


class CheckoutOut(Schema):
    attendance_id = fields.Integer(attribute="id")
    minutes = fields.Integer()
    status = one_of(ATTENDANCE_STATUSES)
    points = fields.Integer()


def _metres(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


class AttendanceOut(Schema):
    id = fields.Integer()
    shift_id = fields.Integer()
    activity_title = fields.Function(lambda a: a.shift.activity.title)
    user = fields.Nested(VolunteerBrief)
    status = one_of(ATTENDANCE_STATUSES)
    manual = fields.Boolean()
    verified = fields.Boolean()
    in_proof = fields.String(allow_none=True)
    out_proof = fields.String(allow_none=True)
    reason = fields.String()
    checked_in_at = LocalDateTime(allow_none=True)
    checked_out_at = LocalDateTime(allow_none=True)
    in_distance_m = fields.Function(lambda a: _metres(a.in_distance_m), allow_none=True)
    out_distance_m = fields.Function(lambda a: _metres(a.out_distance_m), allow_none=True)
    minutes = fields.Integer()
    points = fields.Integer()
    review_note = fields.String()
    reviewed_at = LocalDateTime(allow_none=True)
    # Staff who entered the minutes (a make-up record, or a check-in never checked out);
    # they may not approve it.
    recorded_by_id = fields.Integer(allow_none=True)


AttendancePage = page_schema(AttendanceOut, "AttendancePage")


class AttendanceListArgs(PageArgs):
    community_id = fields.Integer(required=True)
    status = fields.String(load_default=None, validate=validate.OneOf(ATTENDANCE_STATUSES))
    shift_id = fields.Integer(load_default=None)
    manual = fields.Boolean(load_default=None,
                            metadata={"description": "true 只看补录，false 只看现场签到"})


class AttendanceApproveIn(Schema):
    minutes = fields.Integer(load_default=None, validate=validate.Range(min=0))
    note = fields.String(load_default="", validate=validate.Length(max=200))


class AttendanceRejectIn(Schema):
    note = text(200)


class AttendanceMinutesIn(Schema):
    minutes = fields.Integer(required=True, validate=validate.Range(min=1, max=24 * 60))
    reason = text(200)


class ManualAttendanceIn(Schema):
    shift_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    minutes = fields.Integer(required=True, validate=validate.Range(min=1, max=24 * 60))
    reason = text(200)


class VolunteerRecordArgs(Schema):
    community_id = fields.Integer(load_default=None)


class VolunteerRecordOut(Schema):
    user_id = fields.Integer()
    community_id = fields.Integer(allow_none=True)
    verified_minutes = fields.Integer()
    manual_minutes = fields.Integer()
    pending_minutes = fields.Integer()
    points = fields.Integer()
    activities = fields.Integer()
    no_shows = fields.Integer()


class LeaderboardArgs(Schema):
    period = fields.String(load_default="month", validate=validate.OneOf(PERIODS))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class LeaderboardRowOut(Schema):
    rank = fields.Integer()
    user_id = fields.Integer()
    nickname = fields.String()
    minutes = fields.Integer()
    hours = fields.Float()


class LeaderboardOut(Schema):
    period = one_of(PERIODS)
    items = fields.List(fields.Nested(LeaderboardRowOut))


# -- teams -------------------------------------------------------------------------------------
class TeamIn(Schema):
    community_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(TEAM_KINDS))
    name = text(64)
    leader_id = fields.Integer(load_default=None)
    station_id = fields.Integer(load_default=None)


class TeamStationOut(Schema):
    id = fields.Integer()
    name = fields.String()
    lat = Lat()
    lng = Lng()


class TeamOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    kind = one_of(TEAM_KINDS)
    name = fields.String()
    leader = fields.Nested(VolunteerBrief, allow_none=True)
    station = fields.Nested(TeamStationOut, allow_none=True)


TeamPage = page_schema(TeamOut, "TeamPage")


class TeamListArgs(PageArgs):
    community_id = fields.Integer(required=True)
    kind = fields.String(load_default=None, validate=validate.OneOf(TEAM_KINDS))


class TeamMemberIn(Schema):
    user_id = fields.Integer(required=True)


class TeamMemberOut(Schema):
    id = fields.Integer()
    team_id = fields.Integer()
    user = fields.Nested(VolunteerBrief)
    joined_at = LocalDateTime()


TeamMemberPage = page_schema(TeamMemberOut, "TeamMemberPage")
