from marshmallow import Schema, fields, validate

from app.auth.models import (
    ADMIN_REQUEST_STATUSES,
    CONSENT_KINDS,
    CONSOLE_TICKET_STATUSES,
    ROLES,
)
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, one_of, page_schema


class RoleOut(Schema):
    id = fields.Integer()
    role = one_of(ROLES)
    community_id = fields.Integer(allow_none=True)
    street_id = fields.Integer(allow_none=True)
    grid_id = fields.Integer(allow_none=True)
    partner_id = fields.Integer(allow_none=True)
    merchant_id = fields.Integer(allow_none=True)
    compound_id = fields.Integer(allow_none=True)


class GrantIn(Schema):
    user_id = fields.Integer(required=True, validate=validate.Range(min=1))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    community_id = fields.Integer(load_default=None, validate=validate.Range(min=1))
    street_id = fields.Integer(load_default=None, validate=validate.Range(min=1))
    grid_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    partner_id = fields.Integer(load_default=None, validate=validate.Range(min=1))
    merchant_id = fields.Integer(load_default=None, validate=validate.Range(min=1))
    compound_id = fields.Integer(load_default=None, validate=validate.Range(min=1))


class GrantOut(RoleOut):
    user_id = fields.Integer()
    user_nickname = fields.Function(lambda g: g.user.nickname if g.user else None)
    user_phone = fields.Function(lambda g: g.user.phone_masked if g.user else None)
    granted_by_id = fields.Integer(allow_none=True)
    granted_at = LocalDateTime()
    revoked_by_id = fields.Integer(allow_none=True)
    revoked_at = LocalDateTime(allow_none=True)


class GrantListArgs(PageArgs):
    community_id = fields.Integer(load_default=None)


GrantPage = page_schema(GrantOut, "GrantPage")


class AdminRequestIn(Schema):
    user_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class AdminRequestOut(Schema):
    id = fields.Integer()
    user_id = fields.Integer()
    user_nickname = fields.Function(lambda r: r.user.nickname if r.user else None)
    status = fields.String()
    requested_by_id = fields.Integer()
    requested_at = LocalDateTime()
    decided_by_id = fields.Integer(allow_none=True)
    decided_at = LocalDateTime(allow_none=True)
    grant_id = fields.Integer(allow_none=True)


class AdminRequestListArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(ADMIN_REQUEST_STATUSES))


AdminRequestPage = page_schema(AdminRequestOut, "AdminRequestPage")


class ConsentIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(CONSENT_KINDS))
    granted = fields.Boolean(required=True)


class ConsentOut(Schema):
    kind = fields.String()
    granted = fields.Boolean()
    at = LocalDateTime()


class CancelIn(Schema):
    confirm = fields.Boolean(required=True, validate=validate.Equal(True, error="请确认注销"),
                             metadata={"description": "must be true"})


class ExportOut(Schema):
    """The user's own data; `records` holds the rows of other tables about the user."""

    exported_at = fields.String()
    user = fields.Dict()
    consents = fields.List(fields.Dict())
    roles = fields.List(fields.Dict())
    sessions = fields.List(fields.Dict())
    households = fields.List(fields.Dict())
    timebank = fields.Dict()
    records = fields.Dict()


class ConsoleTicketOut(Schema):
    ticket = fields.String(metadata={"description": "shown as a QR: `llt-console:<ticket>`"})
    qr = fields.String(metadata={"description": "the QR's payload"})
    poll_secret = fields.String(
        metadata={"description": "kept by the browser that asked; sent as X-Poll-Secret"})
    expires_in = fields.Integer()


class ConsoleTicketStatusOut(Schema):
    status = one_of(CONSOLE_TICKET_STATUSES)
    token = fields.String(metadata={"description": "once, when confirmed"})
    expires_in = fields.Integer()


class ConsoleConfirmOut(Schema):
    status = one_of(CONSOLE_TICKET_STATUSES)
