"""Request and response schemas of 社情民意 reports."""
from datetime import date

from marshmallow import Schema, fields, validate

from app.feedback.models import CATEGORIES, STATUSES
from app.files.schemas import FileRef, photo_ids
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, page_schema, text

ID = validate.Range(min=1, max=2**31 - 1)
# Latitude and longitude (GCJ-02, as wx.getLocation gives them) within China's extent.
LAT = validate.Range(min=0.8, max=55.9)
LNG = validate.Range(min=72.0, max=137.9)
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def day(**kw):
    return fields.Date(validate=validate.Range(min=FIRST_DAY, max=LAST_DAY), **kw)


class FeedbackIn(Schema):
    community_id = fields.Integer(required=True, validate=ID)
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    text = text(1000)
    building_id = fields.Integer(load_default=None, validate=ID)
    lat = fields.Float(load_default=None, allow_nan=False, validate=LAT)
    lng = fields.Float(load_default=None, allow_nan=False, validate=LNG)
    photo_ids = photo_ids()
    anonymous = fields.Boolean(load_default=False)


class FeedbackListArgs(PageArgs):
    scope = fields.String(load_default="mine", validate=validate.OneOf(
        ["mine", "community", "grid", "street", "open"]))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    community_id = fields.Integer(load_default=None, validate=ID)
    grid_id = fields.Integer(load_default=None, validate=ID)


class FeedbackCommunityArgs(Schema):
    community_id = fields.Integer(required=True, validate=ID)


class FeedbackRatesArgs(FeedbackCommunityArgs):
    from_ = day(required=True, data_key="from")
    to = day(required=True)


class FeedbackEmptyIn(Schema):
    pass


class FeedbackResolveIn(Schema):
    reply = text(1000)
    photo_ids = photo_ids()


class FeedbackReasonIn(Schema):
    reason = text(500)


class FeedbackRateIn(Schema):
    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default=None, validate=validate.Length(max=500))


class FeedbackMergeIn(Schema):
    into_id = fields.Integer(required=True, validate=ID)


# -- out -------------------------------------------------------------------------------------------
class FeedbackCategoryOut(Schema):
    code = fields.String()
    name = fields.String()
    accept_hours = fields.Integer()
    resolve_days = fields.Integer()


class _FeedbackCategory(Schema):
    code = fields.String()
    name = fields.String()


class _FeedbackPerson(Schema):
    id = fields.Integer()
    nickname = fields.String()


class _FeedbackBuilding(Schema):
    id = fields.Integer()
    name = fields.String()
    compound = fields.String()


class FeedbackClockOut(Schema):
    step = fields.String(metadata={"description": "accept | resolve | rate: what it waits for"})
    due_at = LocalDateTime()
    overdue = fields.Boolean()
    seconds_left = fields.Integer(metadata={"description": "negative once overdue"})


class FeedbackResolutionOut(Schema):
    reply = fields.String()
    at = LocalDateTime()
    photos = fields.List(fields.Nested(FileRef))


class FeedbackOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    category = fields.Nested(_FeedbackCategory)
    text = fields.String()
    content_held = fields.Boolean()
    anonymous = fields.Boolean()
    author = fields.Nested(_FeedbackPerson, allow_none=True, metadata={
        "description": "hidden (null) from neighbours; for anonymous reports from all but the "
                       "author and, on the report itself, admins"})
    mine = fields.Boolean()
    reporter_role = fields.String(allow_none=True)
    building = fields.Nested(_FeedbackBuilding, allow_none=True)
    lat = fields.Float(allow_none=True)
    lng = fields.Float(allow_none=True)
    grid_id = fields.Integer(allow_none=True)
    responsible = fields.String(metadata={"description": "grid | community"})
    status = fields.String()
    created_at = LocalDateTime()
    deadline_at = LocalDateTime(allow_none=True)
    overdue = fields.Boolean()
    clock = fields.Nested(FeedbackClockOut, allow_none=True)
    accepted_at = LocalDateTime(allow_none=True)
    resolution = fields.Nested(FeedbackResolutionOut, allow_none=True)
    reopen_count = fields.Integer()
    reopen_until = LocalDateTime(allow_none=True)
    transferred_at = LocalDateTime(allow_none=True)
    reason = fields.String(allow_none=True)
    rating = fields.Integer(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)
    merged_into_id = fields.Integer(allow_none=True)
    supporters = fields.Integer()
    supported_by_me = fields.Boolean()
    photos = fields.List(fields.Nested(FileRef))
    actions = fields.List(fields.String(), metadata={
        "description": "the steps this viewer may take now"})


class _FeedbackActor(Schema):
    id = fields.Integer(allow_none=True)
    role = fields.String()


class FeedbackEventOut(Schema):
    id = fields.Integer()
    action = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor = fields.Nested(_FeedbackActor)
    at = LocalDateTime()
    note = fields.String(allow_none=True)
    data = fields.Dict(allow_none=True)
    photos = fields.List(fields.Nested(FileRef))


class FeedbackBuildingOut(Schema):
    id = fields.Integer()
    name = fields.String()
    compound_id = fields.Integer()
    compound_name = fields.String()
    grid_id = fields.Integer(allow_none=True)
    grid_name = fields.String(allow_none=True)


class FeedbackRateOut(Schema):
    rate = fields.Float(allow_none=True, metadata={"description": "percent, one decimal"})
    numerator = fields.Integer()
    denominator = fields.Integer()
    reason = fields.String(allow_none=True, metadata={"description": "why the rate is null"})


class FeedbackTallyOut(Schema):
    reports = fields.Integer()
    response = fields.Nested(FeedbackRateOut)
    resolution = fields.Nested(FeedbackRateOut)
    satisfaction = fields.Nested(FeedbackRateOut)


class FeedbackBodyOut(FeedbackTallyOut):
    kind = fields.String(metadata={"description": "grid | community"})
    grid_id = fields.Integer(allow_none=True)
    name = fields.String()


class FeedbackRatesOut(Schema):
    community_id = fields.Integer()
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    bodies = fields.List(fields.Nested(FeedbackBodyOut))
    overall = fields.Nested(FeedbackTallyOut)
    problems_solved = fields.Integer(metadata={
        "description": "reports closed in the period after a resolution that was not reopened"})


FeedbackPage = page_schema(FeedbackOut, "FeedbackPage")
EventPage = page_schema(FeedbackEventOut, "FeedbackEventPage")
CategoryPage = page_schema(FeedbackCategoryOut, "FeedbackCategoryPage")
BuildingPage = page_schema(FeedbackBuildingOut, "FeedbackBuildingPage")
