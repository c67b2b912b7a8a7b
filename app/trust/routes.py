"""信托制物业 共管账户: the account of a compound, entries co-signed by the other side,
reversals, monthly statements, reconciliation with the bank and households' rechecks."""
from app.auth.permissions import login_required, require_user
from app.common.timeutil import utcnow
from app.trust import schemas as s
from app.trust import service
from app.trust.models import TrustEntry, TrustRecheck
from app.web.boundary import Blueprint
from app.web.idempotency import idempotent
from app.web.pagination import paginate

blp = Blueprint("trust", __name__, url_prefix="/api/v1", description="信托制物业共管账户")


def _entry(entry) -> dict:
    return service.entry_views([entry], require_user())[0]


@blp.route("/compounds/<int:compound_id>/trust-account", methods=["POST"])
@blp.arguments(s.TrustOpenAccountIn)
@blp.response(201, s.TrustAccountOut)
@login_required
def open_account(data, compound_id):
    """Staff open the compound's co-managed account (one per compound; the compound needs a
    property company and an owners' committee or 自管委 first)."""
    user = require_user()
    return service.account_view(service.open_account(user, compound_id, data, utcnow()), user)


@blp.route("/compounds/<int:compound_id>/trust-account", methods=["GET"])
@blp.response(200, s.TrustAccountOut)
@login_required
def account_of_compound(compound_id):
    """Balance and public income, for the compound's bound households, its bodies and staff."""
    user = require_user()
    return service.account_view(service.account_of_compound(compound_id, user), user)


@blp.route("/trust-accounts", methods=["GET"])
@blp.response(200, s.TrustAccountList)
@login_required
def list_accounts():
    """The co-managed accounts I may read: of my households' compounds, of the compounds
    whose bodies I sit on, and of my community as staff."""
    user = require_user()
    return {"items": [service.account_view(a, user) for a in service.readable_accounts(user)]}


@blp.route("/trust-accounts/<int:account_id>", methods=["GET"])
@blp.response(200, s.TrustAccountOut)
@login_required
def get_account(account_id):
    user = require_user()
    return service.account_view(service.get_account(account_id, user), user)


@blp.route("/trust-accounts/<int:account_id>/entries", methods=["POST"])
@idempotent(required=True)
@blp.arguments(s.TrustEntryIn)
@blp.response(201, s.TrustEntryOut)
@login_required
def enter(data, account_id):
    """A member of the property company or the owners' committee enters an income or expense
    (amount in fen, invoices uploaded first with `POST /files`). It is `pending` until a member
    of the other side co-signs it. Needs an `Idempotency-Key`."""
    return _entry(service.enter(require_user(), account_id, data, utcnow()))


@blp.route("/trust-accounts/<int:account_id>/entries", methods=["GET"])
@blp.arguments(s.TrustEntryListArgs, location="query")
@blp.response(200, s.EntryPage)
@login_required
def list_entries(args, account_id):
    """Every entry, newest first, pending and rejected ones included (`status=`, `month=`)."""
    user = require_user()
    account = service.get_account(account_id, user)
    stmt = service.entries_stmt(account, args["status"], args["month"])
    rows, cursor = paginate(stmt, TrustEntry.id, args)
    return {"items": service.entry_views(rows, user), "next_cursor": cursor}


@blp.route("/trust-accounts/<int:account_id>/entries/<int:entry_id>", methods=["GET"])
@blp.response(200, s.TrustEntryOut)
@login_required
def get_entry(account_id, entry_id):
    account = service.get_account(account_id, require_user())
    return _entry(service.get_entry(account, entry_id))


@blp.route("/trust-accounts/<int:account_id>/entries/<int:entry_id>/cosign", methods=["POST"])
@idempotent
@blp.response(200, s.TrustEntryOut)
@login_required
def cosign(account_id, entry_id):
    """A member of the other side co-signs: the entry counts. Refused to whoever entered it
    (403 `own_entry`), to the entering side (403 `same_side`), to a person sitting on both
    sides (403 `cross_appointed`) and to others (403 `not_other_side`); once only (409
    `already_cosigned`)."""
    return _entry(service.cosign(require_user(), account_id, entry_id, utcnow()))


@blp.route("/trust-accounts/<int:account_id>/entries/<int:entry_id>/reject", methods=["POST"])
@blp.arguments(s.TrustReasonIn)
@blp.response(200, s.TrustEntryOut)
@login_required
def reject(data, account_id, entry_id):
    """The other side refuses to co-sign a pending entry, with the reason; it never counts."""
    return _entry(service.reject(require_user(), account_id, entry_id, data["reason"],
                                 utcnow()))


@blp.route("/trust-accounts/<int:account_id>/entries/<int:entry_id>/reverse", methods=["POST"])
@idempotent
@blp.arguments(s.TrustReverseIn)
@blp.response(201, s.TrustEntryOut)
@login_required
def reverse(data, account_id, entry_id):
    """A counted entry is taken back by a linked entry (`reverses_id`), which counts once the
    other side co-signs it; never edited, never deleted."""
    return _entry(service.reverse(require_user(), account_id, entry_id, data, utcnow()))


@blp.route("/trust-accounts/<int:account_id>/statements", methods=["GET"])
@blp.arguments(s.TrustStatementArgs, location="query")
@blp.response(200, s.TrustStatementOut)
@login_required
def statement(args, account_id):
    """The month's counted entries by the day they occurred: opening and closing balance,
    income with public income shown separately, expense, totals by category, and the
    month's reconciliation."""
    return service.statement(require_user(), account_id, args["month"])


@blp.route("/trust-accounts/<int:account_id>/reconciliations", methods=["POST"])
@blp.arguments(s.TrustReconcileIn)
@blp.response(201, s.TrustReconciliationOut)
@login_required
def reconcile(data, account_id):
    """The bank's closing balance of a finished month (and its statement file); a difference
    with the book is flagged to both sides and the community's staff. Once per month."""
    user = require_user()
    rec = service.reconcile(user, account_id, data, utcnow())
    return service.reconciliation_view(rec, rec.book_closing_fen, user)


@blp.route("/trust-accounts/<int:account_id>/reconciliations", methods=["GET"])
@blp.response(200, s.TrustReconciliationList)
@login_required
def reconciliations(account_id):
    return {"items": service.reconciliations(require_user(), account_id)}


@blp.route("/trust-accounts/<int:account_id>/entries/<int:entry_id>/rechecks",
           methods=["POST"])
@idempotent
@blp.arguments(s.TrustRecheckIn)
@blp.response(201, s.TrustRecheckOut)
@login_required
def ask_recheck(data, account_id, entry_id):
    """A bound household of the compound asks for a recheck (复核); the side that did not enter
    the entry answers within `TRUST_RECHECK_DAYS`. Public to the compound."""
    recheck = service.ask_recheck(require_user(), account_id, entry_id, data, utcnow())
    return service.recheck_view(recheck, utcnow())


@blp.route("/trust-accounts/<int:account_id>/rechecks", methods=["GET"])
@blp.arguments(s.TrustRecheckListArgs, location="query")
@blp.response(200, s.RecheckPage)
@login_required
def list_rechecks(args, account_id):
    now = utcnow()
    stmt = service.rechecks_stmt(require_user(), account_id, args["entry_id"], args["state"],
                                 now)
    rows, cursor = paginate(stmt, TrustRecheck.id, args)
    return {"items": [service.recheck_view(r, now) for r in rows], "next_cursor": cursor}


@blp.route("/trust-accounts/<int:account_id>/rechecks/<int:recheck_id>/answer",
           methods=["POST"])
@blp.arguments(s.TrustAnswerIn)
@blp.response(200, s.TrustRecheckOut)
@login_required
def answer_recheck(data, account_id, recheck_id):
    recheck = service.answer_recheck(require_user(), account_id, recheck_id, data["answer"],
                                     utcnow())
    return service.recheck_view(recheck, utcnow())
