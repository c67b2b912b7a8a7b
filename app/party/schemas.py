"""Request and response schemas of party-member registration, pairings and visits."""
from marshmallow import Schema, fields, validate

from app.party.models import PARTY_ROLES, REGISTRATION_STATUSES
from app.volunteering.schemas import VolunteerBrief, when
from app.web.pagination import PageArgs
from app.web.schemas import LocalDateTime, one_of, page_schema, text


class RegistrationIn(Schema):
    community_id = fields.Integer(required=True)
    unit_name = text(100)
    roles = fields.List(fields.String(validate=validate.OneOf(PARTY_ROLES)), required=True,
                        validate=validate.Length(min=1, max=3))


class PartyMemberOut(VolunteerBrief):
    phone = fields.String(attribute="phone_masked", allow_none=True)


class RegistrationOut(Schema):
    id = fields.Integer()
    status = one_of(REGISTRATION_STATUSES)
    community_id = fields.Integer()
    user = fields.Nested(PartyMemberOut)
    unit_name = fields.String()
    roles = fields.List(one_of(PARTY_ROLES), attribute="role_list")
    grid_id = fields.Integer(allow_none=True)
    created_at = LocalDateTime()
    decided_at = LocalDateTime(allow_none=True)
    note = fields.String()


RegistrationPage = page_schema(RegistrationOut, "RegistrationPage")


class RegistrationListArgs(PageArgs):
    community_id = fields.Integer(required=True)
    status = fields.String(load_default="pending", validate=validate.OneOf(
        ["pending", "approved", "rejected"]))


class RegistrationDecisionIn(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=200))
    grid_id = fields.Integer(load_default=None)
    team_ids = fields.List(fields.Integer(), load_default=list,
                           validate=validate.Length(max=20))


class PairingIn(Schema):
    registration_id = fields.Integer(required=True)
    household_id = fields.Integer(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=200))


class PairingOut(Schema):
    """The household's address is masked here; the member sees it in full on the detail."""

    id = fields.Integer()
    registration_id = fields.Integer()
    member = fields.Nested(VolunteerBrief)
    household_id = fields.Integer()
    address = fields.Function(lambda p: p.household.address_masked)
    reason = fields.String()
    created_at = LocalDateTime()
    ended_at = LocalDateTime(allow_none=True)


class PairingDetailOut(PairingOut):
    address = fields.Function(lambda p: p.household.address)


PairingPage = page_schema(PairingOut, "PairingPage")


class PairingListArgs(PageArgs):
    community_id = fields.Integer(load_default=None)


class PartyVisitIn(Schema):
    visited_at = when(required=True)
    minutes = fields.Integer(required=True, validate=validate.Range(min=0, max=24 * 60))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class PartyVisitOut(Schema):
    id = fields.Integer()
    pairing_id = fields.Integer()
    visited_at = LocalDateTime()
    minutes = fields.Integer()
    note = fields.String()


PartyVisitPage = page_schema(PartyVisitOut, "PartyVisitPage")


class SummaryQuarterArgs(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    quarter = fields.Integer(required=True, validate=validate.Range(min=1, max=4))


class SummaryExportArgs(SummaryQuarterArgs):
    community_id = fields.Integer(required=True)


class PartySummaryOut(Schema):
    registration_id = fields.Integer()
    user_id = fields.Integer()
    name = fields.String()
    phone = fields.String(allow_none=True)
    unit_name = fields.String()
    roles = fields.List(one_of(PARTY_ROLES))
    year = fields.Integer()
    quarter = fields.Integer()
    hours = fields.Float()
    verified_minutes = fields.Integer()
    manual_minutes = fields.Integer()
    activities = fields.Integer()
    points = fields.Integer()
    no_shows = fields.Integer()
    visits = fields.Integer()
    visit_minutes = fields.Integer()
    requests_handled = fields.Integer()
