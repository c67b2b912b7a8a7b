from marshmallow import Schema, fields, validate

from app.catalog.models import PAYERS
from app.files.schemas import FileRef, photo_ids
from app.orders.machine import ROWS
from app.orders.models import STATUSES
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, latitude, longitude, one_of, page_schema, text

# What a timeline event may say: its action and the part its actor played.
EVENT_ACTIONS = ("create", *dict.fromkeys(row[1] for row in ROWS))
ACTOR_ROLES = tuple(dict.fromkeys(row[2] for row in ROWS))


class RequestIn(Schema):
    category_id = fields.Integer(required=True)
    household_id = fields.Integer(required=True)
    description = text(1000, required=False, min_len=0, load_default="",
                       metadata={"description": "may be empty when a photo is sent"})
    photo_ids = photo_ids()
    preferred_start = fields.AwareDateTime(load_default=None)
    preferred_end = fields.AwareDateTime(load_default=None)


class ListArgs(PageArgs):
    scope = fields.String(load_default="mine",
                          validate=validate.OneOf(["mine", "community", "assigned", "pool"]))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    community_id = fields.Integer(load_default=None)


class DispatchIn(Schema):
    partner_id = fields.Integer(load_default=None)
    pool = fields.Boolean(load_default=False)


class ReasonIn(Schema):
    reason = text(500)


class RecallIn(Schema):
    reason = text(500, required=False, load_default=None)


class CompleteIn(Schema):
    minutes = fields.Integer(required=True, validate=validate.Range(min=1, max=24 * 60))
    note = fields.String(load_default=None, validate=validate.Length(max=500))
    photo_ids = photo_ids()


class ConfirmIn(Schema):
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default=None, validate=validate.Length(max=500))


class ResolveIn(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(["confirm", "redo", "cancel"]))
    minutes = fields.Integer(load_default=None, validate=validate.Range(min=1, max=24 * 60))
    note = fields.String(load_default=None, validate=validate.Length(max=500))


class EmptyIn(Schema):
    pass


class _Ref(Schema):
    id = fields.Integer()
    name = fields.String()


class _Category(_Ref):
    code = fields.String()
    payer = one_of(PAYERS)
    points_per_hour = fields.Integer()
    photo_required = fields.Boolean()


class _Household(Schema):
    id = fields.Integer()
    address = fields.String()
    lat = latitude(allow_none=True)
    lng = longitude(allow_none=True)


class _Person(Schema):
    id = fields.Integer()
    nickname = fields.String()
    phone = fields.String(allow_none=True)


class RequestOut(Schema):
    id = fields.Integer()
    status = one_of(STATUSES)
    community_id = fields.Integer()
    category = fields.Nested(_Category)
    description = fields.String()
    content_held = fields.Boolean()
    household = fields.Nested(_Household)
    resident = fields.Nested(_Person)
    partner = fields.Nested(_Ref, allow_none=True)
    assignee_id = fields.Integer(allow_none=True)
    preferred_start = LocalDateTime(allow_none=True)
    preferred_end = LocalDateTime(allow_none=True)
    deadline_at = LocalDateTime(allow_none=True)
    overdue = fields.Boolean()
    minutes = fields.Integer(allow_none=True)
    rating = fields.Integer(allow_none=True)
    held_points = fields.Integer()
    points_settled = fields.Integer(allow_none=True)
    photos = fields.List(fields.Nested(FileRef))
    created_at = LocalDateTime()
    updated_at = LocalDateTime()


class _Actor(Schema):
    id = fields.Integer(allow_none=True)
    role = one_of(ACTOR_ROLES)


class EventOut(Schema):
    id = fields.Integer()
    action = one_of(EVENT_ACTIONS)
    from_status = one_of(STATUSES, allow_none=True)
    to_status = one_of(STATUSES)
    actor = fields.Nested(_Actor)
    at = LocalDateTime()
    note = fields.String(allow_none=True)
    data = fields.Dict(allow_none=True)


class CandidateOut(Schema):
    partner_id = fields.Integer()
    name = fields.String()
    score = fields.Float()
    reasons = fields.List(fields.String())


class NeedOut(Schema):
    category_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    requested = fields.Integer(metadata={"description": "居民在小程序下的单"})
    collected = fields.Integer(metadata={"description": "工作人员走访收集的需求"})
    total = fields.Integer()
    open = fields.Integer()


class CollectedNeedIn(Schema):
    household_id = fields.Integer(required=True, validate=validate.Range(min=1))
    category_id = fields.Integer(required=True, validate=validate.Range(min=1))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class CollectedNeedOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    household = fields.Function(lambda n: {"id": n.household_id,
                                           "address": n.household.address_masked})
    category = fields.Function(lambda n: {"id": n.category.id, "code": n.category.code,
                                          "name": n.category.name})
    note = fields.String()
    recorded_by_id = fields.Integer()
    created_at = LocalDateTime()


RequestPage = page_schema(RequestOut, "RequestPage")
EventPage = page_schema(EventOut, "EventPage")
CandidatePage = page_schema(CandidateOut, "CandidatePage")
NeedPage = page_schema(NeedOut, "NeedPage")
CollectedNeedPage = page_schema(CollectedNeedOut, "CollectedNeedPage")
