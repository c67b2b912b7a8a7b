from marshmallow import Schema, fields, validate

from app.auth.models import ADMIN_REQUEST_STATUSES, CONSENT_KINDS, ROLES
from app.common.timeutil import local_iso
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, page_schema, text


class LoginIn(Schema):
    code = text(256)


class PhoneIn(Schema):
    code = text(256)


class ProfileIn(Schema):
    nickname = text(32)


class RoleOut(Schema):
    id = fields.Integer()
    role = fields.String()
    community_id = fields.Integer(allow_none=True)
    street_id = fields.Integer(allow_none=True)
    partner_id = fields.Integer(allow_none=True)
    merchant_id = fields.Integer(allow_none=True)
    compound_id = fields.Integer(allow_none=True)


class MyHouseholdOut(Schema):
    binding_id = fields.Integer(attribute="id")
    household_id = fields.Integer()
    community_id = fields.Integer()
    address = fields.Function(lambda b: b.household.address)
    relation = fields.String()
    status = fields.String()


class MeOut(Schema):
    id = fields.Integer()
    nickname = fields.String()
    phone = fields.String(attribute="phone_masked", allow_none=True)
    roles = fields.Method("get_roles")
    households = fields.Method("get_households")
    consents = fields.Method("get_consents", metadata={
        "description": "{location: {granted, at}, phone: {granted, at}}; `at` null: never asked"})

    def get_consents(self, user):
        from app.auth.privacy import current_consents

        return {kind: {"granted": bool(row and row.granted),
                       "at": local_iso(row.at) if row else None}
                for kind, row in current_consents(user.id).items()}

    def get_roles(self, user):
        out = [{"role": "resident"}]
        for g in user.grants:
            out.append({"role": g.role, **g.scope})
        return out

    def get_households(self, user):
        from app.community.service import user_bindings

        return MyHouseholdOut(many=True).dump(user_bindings(user))


class LoginOut(Schema):
    token = fields.String()
    expires_in = fields.Integer()
    user = fields.Nested(MeOut)


class GrantIn(Schema):
    user_id = fields.Integer(required=True, validate=validate.Range(min=1))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    community_id = fields.Integer(load_default=None, validate=validate.Range(min=1))
    street_id = fields.Integer(load_default=None, validate=validate.Range(min=1))
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
