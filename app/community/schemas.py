from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, pre_dump, validate, validates_schema

from app.auth.consents import current_consents
from app.auth.schemas import RoleOut
from app.common.timeutil import local_iso
from app.community.models import BINDING_STATUSES, COMPOUND_KINDS, RELATIONS, STATION_KINDS
from app.community.service import user_bindings
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, latitude, longitude, one_of, page_schema, text


class ListArgs(PageArgs):
    pass


class BindingListArgs(ListArgs):
    community_id = fields.Integer(required=True)
    status = fields.String(load_default="pending",
                           validate=validate.OneOf(["pending", "approved", "rejected"]))


class NameIn(Schema):
    name = text(64)


class CommunityIn(NameIn):
    street_id = fields.Integer(required=True)


class CompoundIn(NameIn):
    kind = fields.String(required=True, validate=validate.OneOf(COMPOUND_KINDS))


class BuildingIn(Schema):
    name = text(32)
    grid_id = fields.Integer(load_default=None)


class BuildingPatch(Schema):
    """`lat` and `lng` go together (both, or both null to clear): the building's entrance as
    staff pick it with wx.chooseLocation, for partners' navigation."""

    name = text(32, required=False)
    grid_id = fields.Integer(allow_none=True)
    lat = latitude(allow_none=True)
    lng = longitude(allow_none=True)

    @validates_schema
    def _together(self, data, **kwargs):
        given = ("lat" in data, "lng" in data)
        if given[0] != given[1] or (data.get("lat") is None) != (data.get("lng") is None):
            raise ValidationError("lat 与 lng 须同时给出", "lat")


class CommunityLimitsPatch(Schema):
    """Either or both; a field not sent stays as it is."""

    max_points_per_hour = fields.Integer(validate=validate.Range(min=0, max=1000))
    manual_budget_minutes = fields.Integer(validate=validate.Range(min=0, max=1_000_000))
    service_phone = fields.String(allow_none=True, validate=validate.Regexp(
        r"^[0-9][0-9-]{4,19}$", error="请填写电话号码，如 023-49210001"))

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("请至少填写一项上限")


def _area(value: Decimal) -> None:
    if not Decimal("0.01") <= value <= Decimal("99999.99"):
        raise ValidationError("须在 0.01 到 99999.99 之间")
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError("最多两位小数")


def area_field(**kw):
    """A floor area in m² (专有部分面积), at most two decimals: 89.5 or "89.50"."""
    return fields.Decimal(validate=_area, metadata={
        "description": "建筑面积（平方米，0.01–99999.99，最多两位小数）"}, **kw)


class HouseholdIn(Schema):
    unit = fields.String(load_default="", validate=validate.Length(max=16))
    room = text(16)
    area_m2 = area_field(load_default=None, allow_none=True)


class HouseholdPatch(Schema):
    """Partial: a field not sent stays as it is (null clears the area)."""

    area_m2 = area_field(allow_none=True)


class StationIn(NameIn):
    kind = fields.String(required=True, validate=validate.OneOf(STATION_KINDS))
    lat = latitude(required=True)
    lng = longitude(required=True)
    address = fields.String(load_default="", validate=validate.Length(max=128))


class BindingIn(Schema):
    household_id = fields.Integer(required=True)
    relation = fields.String(load_default="owner", validate=validate.OneOf(RELATIONS))


class DecisionIn(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=200))


class StreetOut(Schema):
    id = fields.Integer()
    name = fields.String()


class CommunityOut(Schema):
    id = fields.Integer()
    name = fields.String()
    street = fields.Nested(StreetOut)
    max_points_per_hour = fields.Integer()
    manual_budget_minutes = fields.Integer()
    service_phone = fields.String(allow_none=True, metadata={
        "description": "the community's service phone (服务电话), for a one-tap call"})


class CompoundOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    name = fields.String()
    kind = one_of(COMPOUND_KINDS)


class BuildingOut(Schema):
    id = fields.Integer()
    compound_id = fields.Integer()
    grid_id = fields.Integer(allow_none=True)
    name = fields.String()
    lat = latitude(allow_none=True)
    lng = longitude(allow_none=True)


class HouseholdOut(Schema):
    """A household as listed: where it is, not who lives there."""

    id = fields.Integer()
    building_id = fields.Integer()
    unit = fields.String()
    room = fields.String()
    area_m2 = fields.Decimal(places=2, as_string=True, allow_none=True,
                             metadata={"description": "建筑面积（平方米），如 \"89.50\""})


class ResidentOut(Schema):
    user_id = fields.Integer()
    nickname = fields.Function(lambda b: b.user.nickname)
    phone = fields.Function(lambda b: b.user.phone_masked)
    relation = one_of(RELATIONS)


class HouseholdDetailOut(HouseholdOut):
    community_id = fields.Integer()
    address = fields.String()
    residents = fields.List(fields.Nested(ResidentOut))


class GridOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    name = fields.String()


class StationOut(Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    kind = one_of(STATION_KINDS)
    name = fields.String()
    lat = latitude()
    lng = longitude()
    address = fields.String()


class BindingOut(Schema):
    id = fields.Integer()
    household_id = fields.Integer()
    community_id = fields.Integer()
    address = fields.Function(lambda b: b.household.address_masked)
    relation = one_of(RELATIONS)
    status = one_of(BINDING_STATUSES)
    user_id = fields.Integer()
    user_nickname = fields.Function(lambda b: b.user.nickname)
    user_phone = fields.Function(lambda b: b.user.phone_masked)
    requested_at = LocalDateTime()
    decided_at = LocalDateTime(allow_none=True)
    decided_by_id = fields.Integer(allow_none=True)


# -- the signed-in user, with their households (login and /me) -----------------------------
class LoginIn(Schema):
    code = text(256)


class PhoneIn(Schema):
    code = text(256)


class ProfileIn(Schema):
    nickname = text(32)


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
    consents = fields.Dict(metadata={
        "description": "{location: {granted, at}, phone: {granted, at}}; `at` null: never asked"})

    @pre_dump
    def _gather(self, user, **kwargs):
        """Roles (everyone is a resident), household bindings and consents, as declared above."""
        roles = [{"role": "resident"}] + [{"role": g.role, **g.scope} for g in user.grants]
        consents = {kind: {"granted": bool(row and row.granted),
                           "at": local_iso(row.at) if row else None}
                    for kind, row in current_consents(user.id).items()}
        return {"id": user.id, "nickname": user.nickname, "phone_masked": user.phone_masked,
                "roles": roles, "households": user_bindings(user), "consents": consents}


class LoginOut(Schema):
    token = fields.String()
    expires_in = fields.Integer()
    user = fields.Nested(MeOut)


StreetPage = page_schema(StreetOut, "StreetPage")
CommunityPage = page_schema(CommunityOut, "CommunityPage")
CompoundPage = page_schema(CompoundOut, "CompoundPage")
BuildingPage = page_schema(BuildingOut, "BuildingPage")
HouseholdPage = page_schema(HouseholdOut, "HouseholdPage")
GridPage = page_schema(GridOut, "GridPage")
StationPage = page_schema(StationOut, "StationPage")
BindingPage = page_schema(BindingOut, "BindingPage")
