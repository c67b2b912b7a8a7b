"""银发人才库 (talent profiles), compound party secretary candidates (checks, verification by
the organisation department, appointment as a seat) and the owners' party-member ledger."""
from app.auth.permissions import login_required, require_user
from app.common.timeutil import utcnow
from app.organisations.service import local_today
from app.talents import ledger, queries, service, views
from app.talents import schemas as s
from app.talents.models import Candidate, LedgerEntry, Talent
from app.web.boundary import Blueprint
from app.web.idempotency import idempotent
from app.web.pagination import paginate

blp = Blueprint("talents", __name__, url_prefix="/api/v1",
                description="银发人才库、小区党组织书记人选与业主党员台账")


# -- talents ---------------------------------------------------------------------------------
@blp.route("/talents", methods=["POST"])
@idempotent
@blp.arguments(s.TalentIn)
@blp.response(201, s.TalentOut)
@login_required
def create_talent(data):
    """Staff of the community (or the organisation department) file a retired party member
    in the community's talent pool."""
    user, now = require_user(), utcnow()
    return views.talent_view(service.create_talent(user, data, now), local_today(now))


@blp.route("/talents", methods=["GET"])
@blp.arguments(s.TalentArgs, location="query")
@blp.response(200, s.TalentPage)
@login_required
def list_talents(args):
    """Search the pool by field, expertise, willingness, age (`age_min`, `age_max`, from the
    birth year against this year in Asia/Shanghai), name and community. Staff of the
    community, street admins of its street and the organisation department only; phones
    masked."""
    now = utcnow()
    stmt = service.talent_stmt(require_user(), args, now)
    rows, cursor = paginate(stmt, Talent.id, args)
    today = local_today(now)
    return {"items": [views.talent_view(t, today) for t in rows], "next_cursor": cursor}


@blp.route("/talents/<int:talent_id>", methods=["GET"])
@blp.response(200, s.TalentOut)
@login_required
def get_talent(talent_id):
    """One profile; its phone in full to staff of the community and the organisation
    department (audited), masked to street admins."""
    user = require_user()
    return views.talent_view(service.get_talent(user, talent_id), local_today(), viewer=user)


@blp.route("/talents/<int:talent_id>", methods=["PATCH"])
@blp.arguments(s.TalentPatch)
@blp.response(200, s.TalentOut)
@login_required
def update_talent(data, talent_id):
    """Staff of the community (or the organisation department) keep a profile up to date;
    `expertise` and `willing`, when given, replace the lists."""
    user, now = require_user(), utcnow()
    return views.talent_view(service.update_talent(user, talent_id, data, now),
                             local_today(now), viewer=user)


# -- candidates ------------------------------------------------------------------------------
CANDIDATES = "/compound-party-orgs/<int:body_id>/candidates"


@blp.route(CANDIDATES, methods=["POST"])
@idempotent
@blp.arguments(s.SecretaryCandidateIn)
@blp.response(201, s.SecretaryCandidateOut)
@login_required
def nominate(data, body_id):
    """A candidate for the compound party organisation (an org body of kind
    `compound_party`): from the talent pool (`talent_id`) or a user (`user_id`), by
    self-nomination (`self`) or recommended by their unit's party organisation (`unit`,
    naming it in `recommended_by`)."""
    return views.candidate_view(service.nominate(require_user(), body_id, data, utcnow()))


@blp.route(CANDIDATES, methods=["GET"])
@blp.arguments(s.SecretaryCandidateArgs, location="query")
@blp.response(200, s.SecretaryCandidatePage)
@login_required
def list_candidates(args, body_id):
    stmt = service.candidates_stmt(require_user(), body_id, args["status"])
    rows, cursor = paginate(stmt, Candidate.id, args)
    return {"items": [views.candidate_view(c) for c in rows], "next_cursor": cursor}


@blp.route(CANDIDATES + "/<int:candidate_id>", methods=["GET"])
@blp.response(200, s.SecretaryCandidateOut)
@login_required
def get_candidate(body_id, candidate_id):
    """The candidate with the checklist: the 5 positive standards and the 3 negative lists,
    each with its result, who checked it and when."""
    return views.candidate_view(service.get_candidate(require_user(), body_id, candidate_id))


@blp.route(CANDIDATES + "/<int:candidate_id>/checks", methods=["POST"])
@blp.arguments(s.CandidateChecksIn)
@blp.response(200, s.SecretaryCandidateOut)
@login_required
def record_checks(data, body_id, candidate_id):
    """Record checklist items (staff of the community or the organisation department); an
    item recorded again is replaced, with the new checker and time."""
    return views.candidate_view(service.record_checks(
        require_user(), body_id, candidate_id, data["items"], utcnow()))


@blp.route(CANDIDATES + "/<int:candidate_id>/verify", methods=["POST"])
@blp.arguments(s.CandidateVerifyIn)
@blp.response(200, s.SecretaryCandidateOut)
@login_required
def verify(data, body_id, candidate_id):
    """The organisation department (`org_dept`) verifies a nominated candidate (every item
    recorded, every positive standard met, no negative item: else 409) or rejects one
    (`approve: false`)."""
    return views.candidate_view(service.verify(require_user(), body_id, candidate_id,
                                               data["approve"], data["note"], utcnow()))


@blp.route(CANDIDATES + "/<int:candidate_id>/appoint", methods=["POST"])
@blp.arguments(s.CandidateAppointIn)
@blp.response(200, s.SecretaryCandidateOut)
@login_required
def appoint(data, body_id, candidate_id):
    """The verified candidate takes a seat (书记 / 副书记 / 委员) in the compound party
    organisation. Any negative-list item marked `hit` → 409 `negative_list`."""
    return views.candidate_view(service.appoint(require_user(), body_id, candidate_id, data,
                                                utcnow()))


# -- the owners' party-member ledger -------------------------------------------------------
@blp.route("/party-ledger", methods=["POST"])
@idempotent
@blp.arguments(s.LedgerEntryIn)
@blp.response(201, s.LedgerEntryOut)
@login_required
def add_entry(data):
    """Staff of the community record a party member living in a compound, with the source
    that knows them: registered (双报到), floating (流动党员) or grid (网格摸排)."""
    return views.entry_view(ledger.add_entry(require_user(), data, utcnow()))


@blp.route("/party-ledger", methods=["GET"])
@blp.arguments(s.LedgerArgs, location="query")
@blp.response(200, s.LedgerEntryPage)
@login_required
def list_entries(args):
    """The ledger's rows (phones masked)."""
    ledger.ledger_scope(require_user(), args["community_id"], args["compound_id"])
    stmt = ledger.entries_stmt(args)
    rows, cursor = paginate(stmt, LedgerEntry.id, args, newest_first=False)
    return {"items": [views.entry_view(e) for e in rows], "next_cursor": cursor}


@blp.route("/party-ledger/people", methods=["GET"])
@blp.arguments(s.LedgerPeopleArgs, location="query")
@blp.response(200, s.LedgerPeopleOut)
@login_required
def ledger_people(args):
    """The party members of the community (or a compound), each with every source that
    knows them; approved 双报到 registrations in the app count as `registered`."""
    ledger.ledger_scope(require_user(), args["community_id"], args["compound_id"])
    return {"items": queries.people(args["community_id"], args["compound_id"])}


@blp.route("/party-ledger/mismatches", methods=["GET"])
@blp.arguments(s.LedgerPeopleArgs, location="query")
@blp.response(200, s.LedgerMismatchOut)
@login_required
def ledger_mismatches(args):
    """People found in one source but not another: `not_in_grid` (registered or floating,
    unknown to the grid data) and `not_registered` (found by the grid, neither registered
    nor a floating member)."""
    ledger.ledger_scope(require_user(), args["community_id"], args["compound_id"])
    return queries.mismatches(args["community_id"], args["compound_id"])
