"""Bodies, queries and answers of the orders API. A request and its timeline are dumped for
one viewer: `Viewer` is the filter of `RequestOut` and `EventOut`."""
from dataclasses import dataclass

from marshmallow import Schema, ValidationError, fields, post_dump, validate, validates_schema

from app.catalog.models import PAYERS
from app.common.masking import mask_phone
from app.common.timeutil import utcnow
from app.files.schemas import FileRef, photo_ids
from app.orders.machine import ROWS
from app.orders.models import CONSENTS, PLACED_AS, STATUSES, RequestEvent, ServiceRequest
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, latitude, longitude, one_of, page_schema, text

# What a timeline event may say: its action and the part its actor played. Besides the steps of
# the transition table, staff approving held content and the deadline job's reminder are events.
EVENT_ACTIONS = ("create", *dict.fromkeys(row[1] for row in ROWS), "approve_content", "escalate")
ACTOR_ROLES = tuple(dict.fromkeys(row[2] for row in ROWS))
# The partner member who took the task needs the address (and phone) to do the work, and
# only while doing it; the partner's other members never see them.
ASSIGNEE_SEES_ADDRESS = ("accepted", "in_service")
HELD_TEXT = "（内容审核中）"


# Without a preset phrase or a photo, the description must say at least this much.
MIN_DESCRIPTION = 4


class ProxyConsentIn(Schema):
    """How the resident agreed to a proxy order (代下单)."""

    kind = fields.String(required=True, validate=validate.OneOf(CONSENTS), metadata={
        "description": "phone_call 电话确认 | in_person 当面确认 | family 家属代为确认"})
    note = fields.String(load_default=None, validate=validate.Length(max=200), metadata={
        "description": "e.g. staff's note of the call; with it, staff's word stands for a "
                       "resident-paid order"})


class RequestIn(Schema):
    category_id = fields.Integer(required=True)
    household_id = fields.Integer(required=True)
    description = text(1000, required=False, min_len=0, load_default="", metadata={
        "description": f"at least {MIN_DESCRIPTION} characters unless a phrase or a photo "
                       "is given"})
    phrase = fields.String(load_default=None, validate=validate.Length(min=1, max=50),
                           metadata={"description": "one of the category's `phrases`"})
    photo_ids = photo_ids()
    preferred_start = fields.AwareDateTime(load_default=None)
    preferred_end = fields.AwareDateTime(load_default=None)
    for_user_id = fields.Integer(load_default=None, validate=validate.Range(min=1), metadata={
        "description": "代下单: the resident ordered for (staff of the household's community, "
                       "or a family member bound to the household); needs `consent`"})
    consent = fields.Nested(ProxyConsentIn, load_default=None)

    @validates_schema
    def _enough(self, data, **_):
        """The page's rule: a few words, or a phrase, or a photo."""
        if not data.get("phrase") and not data.get("photo_ids") and \
                len((data.get("description") or "").strip()) < MIN_DESCRIPTION:
            raise ValidationError(f"请用至少{MIN_DESCRIPTION}个字描述，或选择常用语、上传照片",
                                  field_name="description")
        if data.get("for_user_id") and not data.get("consent"):
            raise ValidationError("代下单须说明居民如何同意", field_name="consent")
        if data.get("consent") and not data.get("for_user_id"):
            raise ValidationError("仅代下单时填写", field_name="consent")


class ListArgs(PageArgs):
    scope = fields.String(load_default="mine", validate=validate.OneOf(
        ["mine", "community", "assigned", "pool", "placed"]), metadata={
        "description": "placed: proxy orders (代下单) I placed for others"})
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


@dataclass(frozen=True)
class Viewer:
    """Who looks at a request and the roles they play in it (`machine.roles`): what they may
    see of it. Masked by default; `listed`: a line of a list, never shown in full."""

    user_id: int
    roles: frozenset[str]
    listed: bool = False

    def reads_held_text(self) -> bool:
        """The resident and staff read text the content check held."""
        return bool(self.roles & {"resident", "staff"})

    def in_full(self, req: ServiceRequest) -> bool:
        """The resident's full address, phone and building location: to the resident, to
        staff, and to the assignee while doing the work."""
        working = "assignee" in self.roles and req.status in ASSIGNEE_SEES_ADDRESS
        return not self.listed and (self.reads_held_text() or working)

    def unmasks(self, req: ServiceRequest) -> bool:
        """Shown in full to someone other than the resident: an unmasking, to be audited."""
        return self.in_full(req) and "resident" not in self.roles

    def reads_consent(self) -> bool:
        """The note of a proxy order's consent: the resident, staff and whoever placed it."""
        return bool(self.roles & {"resident", "staff", "placer"})

    def reads_note(self, event: RequestEvent) -> bool:
        """A held note: staff and its author read it."""
        return event.note_ok or "staff" in self.roles or event.actor_id == self.user_id


class _Seen:
    """A row as one viewer sees it: reads as the row itself, with `viewer` beside it."""

    def __init__(self, row, viewer: Viewer):
        self.row, self.viewer = row, viewer

    def __getattr__(self, name):
        return getattr(self.row, name)


class Shown(_Seen):
    """A request for `RequestOut`: the request, its viewer and its photos (`[{id, url}]`)."""

    def __init__(self, req: ServiceRequest, viewer: Viewer, photos: list[dict]):
        super().__init__(req, viewer)
        self.photos = photos

    @property
    def category(self) -> dict:
        req = self.row
        return {"id": req.category.id, "code": req.category.code, "name": req.category.name,
                "payer": req.payer, "points_per_hour": req.points_per_hour,  # its own price
                "photo_required": req.category.photo_required}

    @property
    def placed_by(self) -> dict | None:
        req = self.row
        if req.placed_by_id is None:
            return None
        return {"id": req.placed_by_id, "nickname": req.placed_by.nickname,
                "placed_as": req.placed_as}

    @property
    def consent(self) -> dict | None:
        req = self.row
        return {"kind": req.consent, "note": req.consent_note} if req.consent else None

    @property
    def content_held(self) -> bool:
        return not self.row.content_ok

    @property
    def overdue(self) -> bool:
        return bool(self.row.deadline_at and self.row.deadline_at < utcnow())


class ShownEvent(_Seen):
    """A timeline event for `EventOut`, with its viewer."""

    @property
    def actor(self) -> dict:
        return {"id": self.row.actor_id, "role": self.row.actor_role}


class _PlacedBy(Schema):
    id = fields.Integer()
    nickname = fields.String()
    placed_as = one_of(PLACED_AS)


class _Consent(Schema):
    kind = one_of(CONSENTS)
    note = fields.String(allow_none=True)


class _Household(Schema):
    id = fields.Integer()
    address = fields.String()
    # The building's entrance (GCJ-02) for navigation, with the full address.
    lat = latitude(allow_none=True, attribute="building.lat")
    lng = longitude(allow_none=True, attribute="building.lng")


class _Person(Schema):
    id = fields.Integer()
    nickname = fields.String()
    phone = fields.String(allow_none=True)


class RequestOut(Schema):
    """A request (`Shown`) filtered for its viewer: masked address and phone unless
    `Viewer.in_full`, the held description replaced unless `Viewer.reads_held_text`."""

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
    placed_by = fields.Nested(_PlacedBy, allow_none=True, metadata={
        "description": "代下单: who placed it for the resident; null for the resident's own"})
    consent = fields.Nested(_Consent, allow_none=True)
    created_at = LocalDateTime()
    updated_at = LocalDateTime()

    @post_dump(pass_original=True)
    def _filter(self, data: dict, shown: Shown, **_) -> dict:
        req, viewer = shown.row, shown.viewer
        if data.get("consent") and not viewer.reads_consent():
            data["consent"]["note"] = None
        if not (req.content_ok or viewer.reads_held_text()):
            data["description"] = HELD_TEXT
        if not viewer.in_full(req):
            data["household"].update(address=req.household.address_masked, lat=None, lng=None)
            data["resident"]["phone"] = mask_phone(req.resident.phone)
        return data


class _Actor(Schema):
    id = fields.Integer(allow_none=True)
    role = one_of(ACTOR_ROLES)


class EventOut(Schema):
    """A timeline event (`ShownEvent`): a held note reads as held unless
    `Viewer.reads_note`."""

    id = fields.Integer()
    action = one_of(EVENT_ACTIONS)
    from_status = one_of(STATUSES, allow_none=True)
    to_status = one_of(STATUSES)
    actor = fields.Nested(_Actor)
    at = LocalDateTime()
    note = fields.String(allow_none=True)
    data = fields.Dict(allow_none=True)

    @post_dump(pass_original=True)
    def _filter(self, data: dict, shown: ShownEvent, **_) -> dict:
        if not shown.note:
            data["note"] = None
        elif not shown.viewer.reads_note(shown.row):
            data["note"] = HELD_TEXT
        return data


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
