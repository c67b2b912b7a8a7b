"""Time bank endpoints: my account and statement, gifts, verify, budgets, four-eyes
adjustments."""
import uuid

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from app.audit.service import record
from app.auth.models import User
from app.auth.permissions import has_role, login_required, require, require_user, roles_required
from app.community.service import get_community
from app.extensions import db, limiter
from app.timebank import adjustments, service
from app.timebank import schemas as s
from app.timebank.models import Account, Adjustment, Posting
from app.timebank.verify import verify
from app.web.boundary import Blueprint
from app.web.idempotency import idempotent
from app.web.pagination import PageArgs, page
from app.wechat.content import require_clean

blp = Blueprint("timebank", __name__, url_prefix="/api/v1", description="时间银行与积分商城")


def write_limit() -> str:
    return current_app.config["WRITE_RATE_LIMIT"]


@blp.route("/timebank/account", methods=["GET"])
@blp.response(200, s.AccountOut)
@login_required
def my_account():
    """My balance, what I earned by service, spent in the mall, and minutes served."""
    return service.summary(require_user().id)


@blp.route("/timebank/entries", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, s.EntryPage)
@login_required
def my_entries(args):
    """My statement, newest first, each entry with the balance after it."""
    account_id = db.session.scalar(sa.select(Account.id).where(
        Account.kind == "user", Account.user_id == require_user().id))
    if account_id is None:
        return {"items": [], "next_cursor": None}
    stmt = sa.select(Posting).where(Posting.account_id == account_id).options(
        joinedload(Posting.transfer))
    return page(stmt, Posting.id, args)


@blp.route("/timebank/transfers", methods=["POST"])
@idempotent(required=True)
@blp.arguments(s.TransferIn)
@blp.response(201, s.TransferResult)
@limiter.limit(write_limit)
@login_required
def create_transfer(data):
    """Give points to another user (a family member). The `Idempotency-Key` header is
    required (422 `idempotency_key_required` without it), so a retried gift is sent once."""
    user = require_user()
    require(db.session.get(User, data["to_user_id"]) is not None, hide=True)
    require_clean({"memo": data["memo"]}, user.openid)  # the recipient reads it
    transfer = service.transfer_between_users(
        from_user_id=user.id, to_user_id=data["to_user_id"], amount=data["amount"],
        key=f"gift:{uuid.uuid4().hex}", memo=data["memo"])
    return {"transfer": transfer, "balance": service.balance(user.id)}


@blp.route("/timebank/verify", methods=["GET"])
@blp.response(200, s.VerifyOut)
@roles_required("admin")
def verify_ledger():
    """Recompute sums, balances and hash chains; every problem names its account."""
    return verify()


@blp.route("/timebank/communities/<int:community_id>/account", methods=["GET"])
@blp.response(200, s.CommunityAccountOut)
@roles_required("staff", "admin")
def community_account(community_id):
    """The community's issuing account: what it has issued and what its budget leaves."""
    require(has_role(require_user(), "staff", community_id=community_id))
    get_community(community_id)
    return service.community_account_view(community_id)


@blp.route("/timebank/communities/<int:community_id>/budget", methods=["PUT"])
@blp.arguments(s.BudgetIn)
@blp.response(200, s.CommunityAccountOut)
@roles_required("admin")
def set_budget(data, community_id):
    """How far below zero the community's issuing account may go (admin)."""
    get_community(community_id)
    user = require_user()
    service.set_budget(community_id, data["budget"])
    record("config", actor_id=user.id, target_type="community", target_id=community_id,
           details={"setting": "points_budget", "value": data["budget"]})
    return service.community_account_view(community_id)


@blp.route("/timebank/adjustments", methods=["POST"])
@blp.arguments(s.AdjustmentIn)
@blp.response(201, s.AdjustmentOut)
@roles_required("admin")
def request_adjustment(data):
    """Ask for a correction (credit/debit a user, or reverse a transfer) with a reason."""
    adjustment = adjustments.request_adjustment(require_user(), data)
    return adjustment


@blp.route("/timebank/adjustments", methods=["GET"])
@blp.arguments(s.AdjustmentListArgs, location="query")
@blp.response(200, s.AdjustmentPage)
@roles_required("admin")
def list_adjustments(args):
    return page(adjustments.list_stmt(require_user(), args["status"]), Adjustment.id, args)


@blp.route("/timebank/adjustments/<int:adjustment_id>/approve", methods=["POST"])
@blp.response(200, s.AdjustmentOut)
@roles_required("admin")
def approve_adjustment(adjustment_id):
    """A second admin approves: only now do the points move."""
    user = require_user()
    return adjustments.approve(user, adjustment_id)


@blp.route("/timebank/adjustments/<int:adjustment_id>/reject", methods=["POST"])
@blp.response(200, s.AdjustmentOut)
@roles_required("admin")
def reject_adjustment(adjustment_id):
    user = require_user()
    return adjustments.reject(user, adjustment_id)
