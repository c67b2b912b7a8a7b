from marshmallow import Schema, fields, pre_dump, validate

from app.auth.models import ROLES
from app.common.pagination import PageArgs
from app.common.schemas import LocalDateTime, one_of, page_schema, text
from app.community.models import BINDING_STATUSES, RELATIONS


class LoginIn(Schema):
    code = text(256)


class PhoneIn(Schema):
    code = text(256)


class ProfileIn(Schema):
    nickname = text(32)


class RoleOut(Schema):
    id = fields.Integer()
    role = one_of(ROLES)
    community_id = fields.Integer(allow_none=True)
    partner_id = fields.Integer(allow_none=True)
    merchant_id = fields.Integer(allow_none=True)


class MyHouseholdOut(Schema):
    binding_id = fields.Integer(attribute="id")
    household_id = fields.Integer()
    community_id = fields.Integer()
    address = fields.Function(lambda b: b.household.address)
    relation = one_of(RELATIONS)
    status = one_of(BINDING_STATUSES)


class MeOut(Schema):
    id = fields.Integer()
    nickname = fields.String()
    phone = fields.String(attribute="phone_masked", allow_none=True)
    roles = fields.List(fields.Nested(RoleOut))
    households = fields.List(fields.Nested(MyHouseholdOut))

    @pre_dump
    def _gather(self, user, **kwargs):
        """Roles (everyone is a resident) and household bindings, as declared above."""
        from app.community.service import user_bindings

        roles = [{"role": "resident"}] + [{"role": g.role, **g.scope} for g in user.grants]
        return {"id": user.id, "nickname": user.nickname, "phone_masked": user.phone_masked,
                "roles": roles, "households": user_bindings(user)}


class LoginOut(Schema):
    token = fields.String()
    expires_in = fields.Integer()
    user = fields.Nested(MeOut)


class GrantIn(Schema):
    user_id = fields.Integer(required=True, validate=validate.Range(min=1))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    community_id = fields.Integer(load_default=None, validate=validate.Range(min=1))
    partner_id = fields.Integer(load_default=None, validate=validate.Range(min=1))
    merchant_id = fields.Integer(load_default=None, validate=validate.Range(min=1))


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
