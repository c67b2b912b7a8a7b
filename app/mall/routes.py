"""Points mall endpoints (积分商城): items, redemption, vouchers and write-off, merchants.

They are documented under the time bank's tag (`tag`), where they have always been."""
import sqlalchemy as sa
from flask import current_app

from app.auth.permissions import login_required, require, require_user
from app.errors import Conflict
from app.extensions import limiter
from app.mall import schemas as s
from app.mall import service as mall
from app.mall.models import MallItem, Merchant, Voucher
from app.timebank import service as timebank
from app.web.boundary import Blueprint
from app.web.idempotency import idempotent
from app.web.pagination import PageArgs, page

blp = Blueprint("mall", __name__, url_prefix="/api/v1", tag="timebank")


def write_limit() -> str:
    return current_app.config["WRITE_RATE_LIMIT"]


@blp.route("/mall/items", methods=["GET"])
@blp.arguments(s.ItemListArgs, location="query")
@blp.response(200, s.ItemPage)
@login_required
def list_items(args):
    """Published items, newest first; a merchant's managers may add `include_unpublished`."""
    return page(mall.items_stmt(require_user(), args), MallItem.id, args)


@blp.route("/mall/items/<int:item_id>", methods=["GET"])
@blp.response(200, s.ItemOut)
@login_required
def get_item(item_id):
    return mall.get_item(item_id, require_user())


@blp.route("/mall/items", methods=["POST"])
@blp.arguments(s.ItemIn)
@blp.response(201, s.ItemOut)
@login_required
def create_item(data):
    """Staff of the merchant's community or the merchant's members add items."""
    item = mall.create_item(require_user(), data)
    return item


@blp.route("/mall/items/<int:item_id>", methods=["PATCH"])
@blp.arguments(s.ItemPatch(partial=True))
@blp.response(200, s.ItemOut)
@login_required
def update_item(data, item_id):
    """Change price, stock, limits or publish/unpublish."""
    user = require_user()
    return mall.update_item(user, item_id, data)


@blp.route("/mall/items/<int:item_id>/redeem", methods=["POST"])
@idempotent
@blp.response(201, s.RedeemOut)
@limiter.limit(write_limit)
@login_required
def redeem(item_id):
    """Buy with points: one transaction debits me, credits the merchant, takes one from stock
    and issues a voucher. Send an `Idempotency-Key` so a retry never buys twice."""
    voucher, balance = mall.redeem(user_id=require_user().id, item_id=item_id)
    return {"voucher": voucher, "balance": balance}


@blp.route("/mall/vouchers", methods=["GET"])
@blp.arguments(s.VoucherListArgs, location="query")
@blp.response(200, s.VoucherPage)
@login_required
def my_vouchers(args):
    return page(mall.my_vouchers_stmt(require_user().id, args["status"]), Voucher.id, args)


@blp.route("/mall/vouchers/<int:voucher_id>/cancel", methods=["POST"])
@idempotent
@blp.response(200, s.WriteOffOut)
@login_required
def cancel_voucher(voucher_id):
    """Give back an unused voucher: its points are refunded once and the stock restored."""
    return {"voucher": mall.cancel(require_user(), voucher_id)}


@blp.route("/mall/vouchers/writeoff", methods=["POST"])
@idempotent
@blp.arguments(s.WriteOffIn)
@blp.response(200, s.WriteOffOut)
@login_required
def write_off(data):
    """核销: a member of the merchant that sold the voucher marks it used, exactly once.
    An expired voucher is refunded instead and answered with 409 `voucher_expired`."""
    voucher, expired = mall.write_off(require_user(), data["code"])
    if expired:  # the refund stands although the answer is a refusal
        raise Conflict("voucher_expired", "该券已过期，积分已退回",
                       details={"status": voucher.status}).keeping_changes()
    return {"voucher": voucher}


@blp.route("/mall/merchants", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, s.MerchantPage)
@login_required
def list_merchants(args):
    return page(sa.select(Merchant), Merchant.id, args, newest_first=False)


@blp.route("/mall/merchants", methods=["POST"])
@blp.arguments(s.MerchantIn)
@blp.response(201, s.MerchantOut)
@login_required
def create_merchant(data):
    """Admins, or staff of the merchant's community. A `partner_id` must name an existing
    partner the caller may use: admins, its members, or staff of a community it serves."""
    merchant = mall.create_merchant(require_user(), data["name"], data["community_id"],
                                    data["partner_id"])
    return merchant


@blp.route("/mall/merchants/<int:merchant_id>", methods=["GET"])
@blp.response(200, s.MerchantOut)
@login_required
def get_merchant(merchant_id):
    return mall.get_merchant(merchant_id)


@blp.route("/mall/merchants/<int:merchant_id>/members", methods=["POST"])
@blp.arguments(s.MemberIn)
@blp.response(201, s.MemberOut)
@login_required
def add_member(data, merchant_id):
    """Let a user write off this merchant's vouchers (role `merchant` scoped to it)."""
    grant = mall.add_member(require_user(), mall.get_merchant(merchant_id), data["user_id"])
    return grant


@blp.route("/mall/merchants/<int:merchant_id>/vouchers", methods=["GET"])
@blp.arguments(s.VoucherListArgs, location="query")
@blp.response(200, s.SalePage)
@login_required
def merchant_vouchers(args, merchant_id):
    """The merchant's sales, newest first; `status=used` lists its write-offs."""
    stmt = mall.merchant_vouchers_stmt(require_user(), merchant_id, args["status"])
    return page(stmt, Voucher.id, args)


@blp.route("/mall/merchants/<int:merchant_id>/account", methods=["GET"])
@blp.response(200, s.MerchantAccountOut)
@login_required
def merchant_account(merchant_id):
    """Points the merchant has taken in (members, staff of its community, admins)."""
    merchant = mall.get_merchant(merchant_id)
    require(mall.can_manage(require_user(), merchant))
    return timebank.merchant_account_view(merchant.id)
