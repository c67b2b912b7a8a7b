"""Party-member registration (双报到), 党员邻居 pairings and visits, quarterly summaries."""
import sqlalchemy as sa
from flask import Response

from app.audit.service import record
from app.auth.permissions import login_required, require_user, roles_required
from app.common.timeutil import utcnow
from app.community.service import require_staff
from app.party import schemas as s
from app.party import service as party
from app.party.models import Pairing, PartyRegistration, Visit
from app.volunteering.service import users_brief
from app.web.boundary import Blueprint
from app.web.pagination import PageArgs, page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
blp = Blueprint("party", __name__, url_prefix="/api/v1", tag="volunteering")


@blp.route("/party/registrations", methods=["POST"])
@blp.arguments(s.RegistrationIn)
@blp.response(201, s.RegistrationOut)
@login_required
def register(data):
    """A party member reports to the community where they live, naming their employer unit."""
    reg = party.register(require_user(), data["community_id"], data["unit_name"],
                         data["roles"], utcnow())
    return reg


@blp.route("/party/registrations", methods=["GET"])
@blp.arguments(s.RegistrationListArgs, location="query")
@blp.response(200, s.RegistrationPage)
@roles_required("staff", "admin")
def list_registrations(args):
    require_staff(require_user(), args["community_id"])
    stmt = sa.select(PartyRegistration).options(*users_brief(PartyRegistration.user)).where(
        PartyRegistration.community_id == args["community_id"],
        PartyRegistration.status == args["status"])
    return page(stmt, PartyRegistration.id, args)


@blp.route("/me/party-registrations", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, s.RegistrationPage)
@login_required
def my_registrations(args):
    stmt = sa.select(PartyRegistration).where(PartyRegistration.user_id == require_user().id)
    return page(stmt, PartyRegistration.id, args)


@blp.route("/party/registrations/<int:registration_id>/approve", methods=["POST"])
@blp.arguments(s.RegistrationDecisionIn)
@blp.response(200, s.RegistrationOut)
@roles_required("staff", "admin")
def approve_registration(data, registration_id):
    """Staff of the registration's community only; grants the party-member role there and
    places the member in the given grid and teams."""
    reg = party.decide(require_user(), registration_id, True, utcnow(), data["note"],
                       data["grid_id"], data["team_ids"])
    record("approve", actor_id=reg.decided_by_id, target_type="party_registration",
           target_id=reg.id, details={"user_id": reg.user_id})
    return reg


@blp.route("/party/registrations/<int:registration_id>/reject", methods=["POST"])
@blp.arguments(s.RegistrationDecisionIn)
@blp.response(200, s.RegistrationOut)
@roles_required("staff", "admin")
def reject_registration(data, registration_id):
    reg = party.decide(require_user(), registration_id, False, utcnow(), data["note"])
    record("reject", actor_id=reg.decided_by_id, target_type="party_registration",
           target_id=reg.id, details={"user_id": reg.user_id})
    return reg


@blp.route("/party/registrations/<int:registration_id>/summary", methods=["GET"])
@blp.arguments(s.SummaryQuarterArgs, location="query")
@blp.response(200, s.PartySummaryOut)
@login_required
def registration_summary(args, registration_id):
    """The member's quarterly service summary: the member or staff of the community."""
    return party.member_summary(require_user(), registration_id, args["year"],
                                args["quarter"])


@blp.route("/party/summaries/export", methods=["GET"])
@blp.arguments(s.SummaryExportArgs, location="query")
@blp.response(200, {"type": "string"}, content_type="text/csv")
@roles_required("staff", "admin")
def export_summaries(args):
    """CSV of every approved party member of the community for the quarter (Excel-ready)."""
    require_staff(require_user(), args["community_id"])
    rows = party.summaries(args["community_id"], args["year"], args["quarter"])
    record("export", actor_id=require_user().id, target_type="community",
           target_id=args["community_id"], details={
               "kind": "party_summaries", "year": args["year"], "quarter": args["quarter"],
               "rows": len(rows)})
    name = f"party-summary-{args['community_id']}-{args['year']}Q{args['quarter']}.csv"
    return Response(party.summaries_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/party/summaries/export.xlsx", methods=["GET"])
@blp.arguments(s.SummaryExportArgs, location="query")
@blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX)
@roles_required("staff", "admin")
def export_summaries_xlsx(args):
    """The same export as an Excel workbook."""
    require_staff(require_user(), args["community_id"])
    rows = party.summaries(args["community_id"], args["year"], args["quarter"])
    record("export", actor_id=require_user().id, target_type="community",
           target_id=args["community_id"], details={
               "kind": "party_summaries_xlsx", "year": args["year"],
               "quarter": args["quarter"], "rows": len(rows)})
    name = f"party-summary-{args['community_id']}-{args['year']}Q{args['quarter']}.xlsx"
    return Response(party.summaries_xlsx(rows), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# -- 党员邻居 ---------------------------------------------------------------------------------
@blp.route("/party/pairings", methods=["POST"])
@blp.arguments(s.PairingIn)
@blp.response(201, s.PairingDetailOut)
@roles_required("staff", "admin")
def create_pairing(data):
    pairing = party.create_pairing(require_user(), data["registration_id"],
                                   data["household_id"], data["reason"], utcnow())
    _record_address_shown(pairing)
    return pairing


@blp.route("/party/pairings", methods=["GET"])
@blp.arguments(s.PairingListArgs, location="query")
@blp.response(200, s.PairingPage)
@login_required
def list_pairings(args):
    """Staff: their community's pairings (`community_id`); anyone else: their own."""
    user = require_user()
    stmt = sa.select(Pairing).options(*users_brief(Pairing.member))
    if args["community_id"] is not None:
        require_staff(user, args["community_id"])
        stmt = stmt.where(Pairing.community_id == args["community_id"])
    else:
        stmt = stmt.where(Pairing.member_id == user.id)
    return page(stmt, Pairing.id, args)


@blp.route("/party/pairings/<int:pairing_id>", methods=["GET"])
@blp.response(200, s.PairingDetailOut)
@login_required
def get_pairing(pairing_id):
    """Full address for the paired member and the community's staff, who visit the home."""
    pairing = party.visible_pairing(require_user(), pairing_id)
    _record_address_shown(pairing)
    return pairing


def _record_address_shown(pairing: Pairing) -> None:
    record("unmask", actor_id=require_user().id, target_type="household",
           target_id=pairing.household_id, details={"fields": ["address"],
                                                    "pairing_id": pairing.id})


@blp.route("/party/pairings/<int:pairing_id>/end", methods=["POST"])
@blp.response(200, s.PairingOut)
@roles_required("staff", "admin")
def end_pairing(pairing_id):
    pairing = party.end_pairing(require_user(), pairing_id, utcnow())
    return pairing


@blp.route("/party/pairings/<int:pairing_id>/visits", methods=["POST"])
@blp.arguments(s.PartyVisitIn)
@blp.response(201, s.PartyVisitOut)
@login_required
def log_visit(data, pairing_id):
    visit = party.log_visit(require_user(), pairing_id, data["visited_at"], data["minutes"],
                            data["note"], utcnow())
    return visit


@blp.route("/party/pairings/<int:pairing_id>/visits", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, s.PartyVisitPage)
@login_required
def list_visits(args, pairing_id):
    party.visible_pairing(require_user(), pairing_id)
    return page(sa.select(Visit).where(Visit.pairing_id == pairing_id), Visit.id, args)
