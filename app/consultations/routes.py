"""Consultations (协商 / 同意征询): one household, one vote."""
from app.auth.permissions import login_required, require_user, roles_required
from app.common.timeutil import utcnow
from app.consultations import schemas as s
from app.consultations import service
from app.consultations.models import Consultation, Objection, Vote
from app.web.boundary import Blueprint
from app.web.idempotency import idempotent
from app.web.pagination import page

blp = Blueprint("consultations", __name__, url_prefix="/api/v1",
                description="协商表决（一户一票）")


def ballot_view(ballot) -> dict:
    return {"consultation_id": ballot.consultation_id, "household_id": ballot.household_id,
            "choice": ballot.choice, "channel": ballot.channel, "receipt": ballot.receipt,
            "cast_at": ballot.cast_at}


@blp.route("/consultations", methods=["POST"])
@idempotent
@blp.arguments(s.ConsultationIn)
@blp.response(201, s.ConsultationDetailOut)
@roles_required("staff", "admin")
def create(data):
    """Staff of the community open a consultation of a compound (`scope.compound_id`), a
    building (`scope.building_id`) or a unit (`building_id` and `unit`). `rule` is
    `{"kind": "share_of_all", "threshold": 0.8}` (default) or `{"kind": "civil_code_278"}`.
    With `opens_at` not in the future it is `open` at once and its roll frozen; otherwise a
    `draft` whose roll is published for objections until `objections_close_at`."""
    user, now = require_user(), utcnow()
    consultation = service.create(user, data, now)
    return service.detail(user, consultation.id, now)


@blp.route("/consultations", methods=["GET"])
@blp.arguments(s.ConsultationArgs, location="query")
@blp.response(200, s.ConsultationPage)
@login_required
def list_consultations(args):
    """Staff and the street: the community's consultations (`community_id`). Residents: the
    consultations of their own households. Newest first."""
    user, now = require_user(), utcnow()
    from_db = page(service.list_stmt(user, args["community_id"], args["status"]),
                   Consultation.id, args)
    return {"items": [service.summary(c, now) for c in from_db["items"]],
            "next_cursor": from_db["next_cursor"]}


@blp.route("/consultations/<int:consultation_id>", methods=["GET"])
@blp.response(200, s.ConsultationDetailOut)
@login_required
def get_consultation(consultation_id):
    """Turnout by heads and by area while open; `agree`, `disagree`, `abstain` and `result`
    stay null until the close (sealed for everyone). `my_households`: my households in scope,
    whether I may vote, and (for owners) the household's current vote and receipt."""
    return service.detail(require_user(), consultation_id, utcnow())


@blp.route("/consultations/<int:consultation_id>/open", methods=["POST"])
@blp.response(200, s.ConsultationDetailOut)
@roles_required("staff", "admin")
def open_consultation(consultation_id):
    """Open a draft now (staff): the roll freezes. Refused while the objection window set by
    staff runs (409 `objection_window_open`) or an objection waits (409 `objections_pending`)."""
    user, now = require_user(), utcnow()
    service.readable(consultation_id, user)
    service.open_consultation(consultation_id, now, actor=user)
    return service.detail(user, consultation_id, now)


@blp.route("/consultations/<int:consultation_id>/close", methods=["POST"])
@blp.response(200, s.ConsultationDetailOut)
@roles_required("staff", "admin")
def close_consultation(consultation_id):
    """Compute the result (staff; the job does it at `closes_at`). Before `closes_at` 409
    `consultation_open`; afterwards idempotent: the result never changes."""
    user, now = require_user(), utcnow()
    service.close(consultation_id, now, actor=user)
    return service.detail(user, consultation_id, now)


@blp.route("/consultations/<int:consultation_id>/vote", methods=["POST"])
@idempotent
@blp.arguments(s.ConsultationVoteIn)
@blp.response(200, s.ConsultationBallotOut)
@login_required
def vote(data, consultation_id):
    """A bound owner votes for their household: `agree`, `disagree` or `abstain`. A new vote
    replaces the household's earlier one until the close. Returns the receipt. Outside the
    window 409 `consultation_closed`; not an owner 403 `not_owner`; a household outside the
    scope 404."""
    return ballot_view(service.vote(require_user(), consultation_id, data, utcnow()))


@blp.route("/consultations/<int:consultation_id>/paper-votes", methods=["POST"])
@idempotent
@blp.arguments(s.ConsultationPaperVoteIn)
@blp.response(201, s.ConsultationBallotOut)
@roles_required("staff", "admin")
def paper_vote(data, consultation_id):
    """Staff enter a checked paper ballot with its photo (`file_id`, uploaded first); it
    counts like a vote in the app and replaces the household's earlier one. Audited."""
    return ballot_view(service.paper_vote(require_user(), consultation_id, data, utcnow()))


@blp.route("/consultations/<int:consultation_id>/roll", methods=["GET"])
@blp.response(200, s.ConsultationRollOut)
@login_required
def roll(consultation_id):
    """The roll of eligible households (masked, with areas) and its hash: live from the
    register while a draft, frozen from the opening on."""
    return service.roll(require_user(), consultation_id)


@blp.route("/consultations/<int:consultation_id>/objections", methods=["POST"])
@blp.arguments(s.ConsultationObjectionIn)
@blp.response(201, s.ConsultationObjectionOut)
@login_required
def object_to_roll(data, consultation_id):
    """A resident bound to a household of the scope objects to the published roll, until
    `objections_close_at` and before it opens (else 409 `objection_window_closed`)."""
    return service.object_to_roll(require_user(), consultation_id, data, utcnow())


@blp.route("/consultations/<int:consultation_id>/objections", methods=["GET"])
@blp.arguments(s.ConsultationListArgs, location="query")
@blp.response(200, s.ObjectionPage)
@login_required
def list_objections(args, consultation_id):
    """Staff: every objection; a resident: those of their households."""
    return page(service.objections_stmt(require_user(), consultation_id), Objection.id, args)


@blp.route("/consultations/<int:consultation_id>/objections/<int:objection_id>/answer",
           methods=["POST"])
@blp.arguments(s.ConsultationAnswerIn)
@blp.response(200, s.ConsultationObjectionOut)
@roles_required("staff", "admin")
def answer_objection(data, consultation_id, objection_id):
    """Staff answer an objection (`upheld` or `dismissed`); correct the register first (e.g.
    `PATCH /households/{id}` for an area) when it is upheld. Audited."""
    return service.answer_objection(require_user(), consultation_id, objection_id, data,
                                    utcnow())


@blp.route("/consultations/<int:consultation_id>/voters", methods=["GET"])
@blp.arguments(s.ConsultationListArgs, location="query")
@blp.response(200, s.VoterPage)
@login_required
def voters(args, consultation_id):
    """Which households voted (staff and the street; masked), never how."""
    result = page(service.voters_stmt(require_user(), consultation_id), Vote.id, args)
    labels = service.voter_labels(consultation_id, [v.household_id for v in result["items"]])
    return {"items": [{"id": v.id, "label": labels.get(v.household_id, ""),
                       "channel": v.channel, "cast_at": v.cast_at} for v in result["items"]],
            "next_cursor": result["next_cursor"]}


@blp.route("/consultations/<int:consultation_id>/receipts", methods=["GET"])
@blp.response(200, s.ConsultationReceiptsOut)
@login_required
def receipts(consultation_id):
    """After the close: every counted vote's receipt with its choice, sorted by receipt, and
    the list's hash. Before it 409 `consultation_open`."""
    return service.receipts(require_user(), consultation_id)
