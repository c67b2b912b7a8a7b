"""Points mall (积分商城): merchants, items, redemption, vouchers, write-off, expiry.

Lock order, the same for every path so none can deadlock: voucher row, the ledger's accounts
in id order, then the item row. Redemption reads the item and both account ids in one
statement, inserts its (new) voucher, moves the points (which locks the buyer's and the
merchant's accounts), then decrements the stock with a conditional UPDATE: stock never goes
below zero, and the same UPDATE counts the per-user limit while the buyer's account is
locked, after every earlier redemption by that buyer has committed. The hot rows (the
merchant's account, the item) are taken last, so they are held for a few statements.
"""
import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.models import RoleGrant, User
from app.auth.permissions import has_role, is_admin, require, scope_ids
from app.auth.service import grant_role, register_scope
from app.catalog.service import get_partner, member_partner_ids
from app.common.timeutil import utcnow
from app.community.service import get_community
from app.errors import ApiError, Conflict, NotFound
from app.extensions import db
from app.mall.models import VOUCHER_QR_PREFIX, MallItem, Merchant, Voucher
from app.sql import as_persistent, get_or_404, insert_ignoring_conflict
from app.timebank import service as timebank
from app.wechat.content import require_clean

log = logging.getLogger(__name__)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O/1/I: read aloud and typed by hand
CODE_LENGTH = 16  # 80 random bits
ITEM_FIELDS = ("title", "description", "kind", "price_points", "stock", "per_user_limit",
               "valid_days", "published")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# -- merchants ----------------------------------------------------------------
def get_merchant(merchant_id: int) -> Merchant:
    return get_or_404(Merchant, merchant_id, "商家不存在")


register_scope("merchant_id", get_merchant)  # grants of the role `merchant` name a merchant


def is_member(user: User, merchant_id: int) -> bool:
    return has_role(user, "merchant", merchant_id=merchant_id)


def can_manage(user: User, merchant: Merchant) -> bool:
    """Members of the merchant, staff of its community, admins."""
    return is_member(user, merchant.id) or (
        merchant.community_id is not None
        and has_role(user, "staff", community_id=merchant.community_id))


def create_merchant(actor: User, name: str, community_id: int | None,
                    partner_id: int | None) -> Merchant:
    if community_id is None:
        require(is_admin(actor))
    else:
        get_community(community_id)
        require(has_role(actor, "staff", community_id=community_id))
    if partner_id is not None:
        _require_partner_usable(actor, partner_id, community_id)
    if db.session.scalar(sa.select(Merchant.id).where(Merchant.name == name)):
        raise Conflict("already_exists", "商家名称已存在")
    require_clean({"name": name}, actor.openid)
    merchant = Merchant(name=name, community_id=community_id, partner_id=partner_id)
    db.session.add(merchant)
    db.session.flush()
    log.info("merchant created id=%s by=%s", merchant.id, actor.id)
    return merchant


def _require_partner_usable(actor: User, partner_id: int, community_id: int | None) -> None:
    """A merchant may stand for a partner only if the partner exists (404) and the caller may
    use it (403): an admin, one of the partner's members, or staff of a community the partner
    is based in or serves."""
    partner = get_partner(partner_id)
    if is_admin(actor) or partner_id in member_partner_ids(actor):
        return
    linked = {partner.home_community_id} | {c.id for c in partner.communities}
    require(community_id is not None and community_id in linked)


def add_member(actor: User, merchant: Merchant, user_id: int) -> RoleGrant:
    """Grant the `merchant` role scoped to this merchant. The mall decides who may (staff of
    the merchant's community or an admin) and refuses a member twice; `grant_role` writes the
    grant and its audit entry."""
    require(is_admin(actor) or (merchant.community_id is not None and has_role(
        actor, "staff", community_id=merchant.community_id)))
    member = get_or_404(User, user_id, "用户不存在")
    if merchant.id in scope_ids(member, "merchant", "merchant_id"):
        raise Conflict("role_already_granted", "该用户已是本商家成员")
    grant = grant_role(actor, user_id, "merchant", {"merchant_id": merchant.id})
    log.info("merchant member added merchant=%s user=%s by=%s", merchant.id, user_id, actor.id)
    return grant


# -- items ----------------------------------------------------------------------
def get_item(item_id: int, viewer: User | None = None) -> MallItem:
    """An item; an unpublished one only to those who manage its merchant."""
    item = db.session.get(MallItem, item_id)
    if item is None or (not item.published and not (viewer and can_manage(viewer,
                                                                            item.merchant))):
        raise NotFound(message="商品不存在或已下架")
    return item


def items_stmt(viewer: User, args: dict):
    stmt = sa.select(MallItem).join(MallItem.merchant)
    if args.get("merchant_id"):
        stmt = stmt.where(MallItem.merchant_id == args["merchant_id"])
    if args.get("community_id"):
        stmt = stmt.where(Merchant.community_id == args["community_id"])
    if args.get("kind"):
        stmt = stmt.where(MallItem.kind == args["kind"])
    manage = args.get("include_unpublished") and args.get("merchant_id") and can_manage(
        viewer, get_merchant(args["merchant_id"]))
    if not manage:
        stmt = stmt.where(MallItem.published.is_(True))
    return stmt


def create_item(actor: User, data: dict) -> MallItem:
    merchant = get_merchant(data["merchant_id"])
    require(can_manage(actor, merchant))
    _screen_item(actor, data)
    item = MallItem(merchant_id=merchant.id, **{k: data[k] for k in ITEM_FIELDS if k in data})
    db.session.add(item)
    db.session.flush()
    log.info("mall item created id=%s merchant=%s by=%s", item.id, merchant.id, actor.id)
    return item


def update_item(actor: User, item_id: int, data: dict) -> MallItem:
    if data.get("title") or data.get("description"):
        # The content check calls WeChat: done before the row is locked, once the caller
        # is known to manage the item.
        item = get_or_404(MallItem, item_id, "商品不存在")
        require(can_manage(actor, item.merchant), hide=not item.published)
        _screen_item(actor, data)
    item = db.session.scalars(sa.select(MallItem).where(MallItem.id == item_id)
                              .with_for_update(of=MallItem, key_share=True)
                              .execution_options(populate_existing=True)).first()
    if item is None:
        raise NotFound(message="商品不存在")
    require(can_manage(actor, item.merchant), hide=not item.published)
    for key in ITEM_FIELDS:
        if key in data:
            setattr(item, key, data[key])
    db.session.flush()
    log.info("mall item updated id=%s by=%s fields=%s", item.id, actor.id, sorted(data))
    return item


def _screen_item(actor: User, data: dict) -> None:
    """Every buyer reads an item's title and description: checked before they are kept."""
    require_clean({k: data[k] for k in ("title", "description") if data.get(k)}, actor.openid)


# -- redemption ---------------------------------------------------------------
_VOUCHERS = Voucher.__table__
_ITEMS = MallItem.__table__
LIVE = ("issued", "used")  # the vouchers a per-user limit counts


def _mine(item_id_column):
    """How many live vouchers of the item the buyer (parameter `user`) holds."""
    return sa.select(sa.func.count()).select_from(_VOUCHERS).where(
        _VOUCHERS.c.user_id == sa.bindparam("user", type_=sa.Integer),
        _VOUCHERS.c.item_id == item_id_column,
        _VOUCHERS.c.status.in_(LIVE)).scalar_subquery()


# What a redemption reads, in one round trip: the item with its merchant (as `get_item`), the
# buyer's and the merchant's account ids (NULL until created), and, for an item with a
# per-user limit, the buyer's live vouchers of it (unlocked: a cheap refusal, counted again
# under the buyer's lock by `_TAKE_ONE`).
_READ_FOR_REDEEM = sa.select(
    MallItem,
    timebank.account_id_sql("user", sa.bindparam("user", type_=sa.Integer)).label("payer"),
    timebank.account_id_sql("merchant", MallItem.merchant_id).label("payee"),
    sa.case((MallItem.per_user_limit.is_(None), None),
            else_=_mine(MallItem.id)).label("mine"),
).where(MallItem.id == sa.bindparam("item", type_=sa.Integer))
# One from stock, only while published, in stock, at the price and validity the buyer saw,
# and within the per-user limit. The limit is counted here, with the buyer's account locked
# (by the ledger, just before): every earlier redemption by this buyer has committed and is
# counted, the new voucher included, so `<=`.
_TAKE_ONE = _ITEMS.update().where(
    _ITEMS.c.id == sa.bindparam("item"), _ITEMS.c.published.is_(True), _ITEMS.c.stock > 0,
    _ITEMS.c.price_points == sa.bindparam("price"),
    _ITEMS.c.valid_days == sa.bindparam("days"),
    sa.or_(_ITEMS.c.per_user_limit.is_(None), _mine(_ITEMS.c.id) <= _ITEMS.c.per_user_limit),
).values(stock=_ITEMS.c.stock - 1).returning(_ITEMS.c.stock)


def redeem(*, user_id: int, item_id: int, key: str | None = None) -> tuple[Voucher, int]:
    """Debit the user, credit the merchant, take one from stock and issue a voucher, at once.

    Idempotent by `key`: the same key returns the voucher it issued. Refusals: 404 for an
    unknown or unpublished item, 409 `out_of_stock`, `limit_reached`, `insufficient_points`,
    `price_changed` (the price moved while the request was in flight).

    Round trips, once both accounts exist: one read (`_READ_FOR_REDEEM`), the voucher, the
    ledger's three (transfer, account locks, postings with balances) and the stock.
    """
    if key is not None:
        existing = db.session.scalar(sa.select(Voucher).where(Voucher.redeem_key == key))
        if existing is not None:
            return existing, timebank.balance(user_id)
    row = db.session.execute(_READ_FOR_REDEEM, {"user": user_id, "item": item_id}).first()
    if row is None or not row.MallItem.published:
        raise NotFound(message="商品不存在或已下架")
    item = row.MallItem
    # Cheap refusals first, unlocked; they are checked again under the locks below.
    if item.stock <= 0:
        raise Conflict("out_of_stock", "该商品已兑完")
    if item.per_user_limit is not None and row.mine + 1 > item.per_user_limit:
        raise _limit_reached(item.per_user_limit)
    # The accounts exist (or are created) before the voucher row is written.
    payer_id = row.payer if row.payer is not None else timebank.user_account(user_id).id
    payee_id = (row.payee if row.payee is not None
                else timebank.merchant_account(item.merchant_id).id)
    now = utcnow()
    values = {"code": new_code(), "item_id": item.id, "merchant_id": item.merchant_id,
              "user_id": user_id, "price_points": item.price_points, "status": "issued",
              "redeem_key": key, "issued_at": now,
              "expires_at": now + timedelta(days=item.valid_days)}
    conn = db.session.connection()
    voucher_id = conn.execute(insert_ignoring_conflict(_VOUCHERS, ["redeem_key"], ("id",)),
                              values).scalar()
    if voucher_id is None:  # a concurrent twin with this key committed first
        existing = db.session.scalar(sa.select(Voucher).where(Voucher.redeem_key == key))
        return existing, timebank.balance(user_id)
    voucher = as_persistent(Voucher(id=voucher_id, used_at=None, used_by_id=None,
                                    closed_at=None, **values))
    # The contended rows (the merchant's account, the item) are locked as late as possible:
    # accounts first (inside the posting), then the item, the order every path here follows.
    transfer = timebank.pay_merchant(
        user_id=user_id, merchant_id=item.merchant_id, amount=item.price_points,
        key=f"voucher:{voucher.id}:redeem", ref=f"voucher:{voucher.id}", memo=item.title[:200],
        accounts=(payer_id, payee_id))
    taken = conn.execute(_TAKE_ONE, {"item": item.id, "price": item.price_points,
                                     "days": item.valid_days, "user": user_id}).first()
    if taken is None:
        raise _why_not_taken(item.id, item.price_points, item.valid_days, user_id)
    set_committed_value(item, "stock", taken.stock)
    set_committed_value(voucher, "item", item)
    balances = getattr(transfer, "balances_after", None)
    log.info("redeemed voucher=%s item=%s user=%s", voucher.id, item.id, user_id)
    return voucher, balances[payer_id] if balances else timebank.balance(user_id)


def _limit_reached(limit: int) -> ApiError:
    return Conflict("limit_reached", "已达到每人兑换上限", details={"per_user_limit": limit})


def _why_not_taken(item_id: int, price_seen: int, days_seen: int, user_id: int) -> ApiError:
    """Why `_TAKE_ONE` took nothing, read in the same transaction (the buyer still locked)."""
    row = db.session.execute(sa.select(
        _ITEMS.c.stock, _ITEMS.c.published, _ITEMS.c.price_points, _ITEMS.c.valid_days,
        _ITEMS.c.per_user_limit, _mine(_ITEMS.c.id).label("mine"),
    ).where(_ITEMS.c.id == item_id), {"user": user_id}).one()
    if not row.published:
        return NotFound(message="商品不存在或已下架")
    if row.stock <= 0:
        return Conflict("out_of_stock", "该商品已兑完")
    changed = (row.price_points, row.valid_days) != (price_seen, days_seen)
    if not changed and row.per_user_limit is not None and row.mine > row.per_user_limit:
        return _limit_reached(row.per_user_limit)
    return Conflict("price_changed", "商品信息已变动，请刷新后重试",
                    details={"price_points": row.price_points, "seen": price_seen})


# -- vouchers -----------------------------------------------------------------
def not_issued(voucher: Voucher) -> ApiError:
    return Conflict("voucher_not_issued", "该券已核销、过期或取消",
                    details={"status": voucher.status})


def voucher_code(text: str) -> str:
    """The code in what a merchant scanned or typed: the QR payload `llt-voucher:<code>` or
    the bare code, in any case, with spaces around."""
    text = text.strip()
    if text.lower().startswith(VOUCHER_QR_PREFIX):
        text = text[len(VOUCHER_QR_PREFIX):]
    return text.strip().upper()


def get_voucher_by_code(code: str) -> Voucher:
    voucher = db.session.scalar(sa.select(Voucher).where(Voucher.code == voucher_code(code)))
    if voucher is None:
        raise NotFound("voucher_not_found", "券码不存在")
    return voucher


def write_off(actor: User, code: str) -> tuple[Voucher, bool]:
    """Mark a voucher used, exactly once, by a member of the merchant that sold it.

    Returns (voucher, expired): a voucher found past its expiry is closed and refunded here
    instead, and the caller reports 409 `voucher_expired` after committing that.
    """
    voucher = get_voucher_by_code(code)
    require(is_member(actor, voucher.merchant_id))
    now = utcnow()
    done = db.session.execute(
        sa.update(Voucher).where(Voucher.id == voucher.id, Voucher.status == "issued",
                                 Voucher.expires_at > now)
        .values(status="used", used_at=now, used_by_id=actor.id)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(voucher)
    if done == 1:
        log.info("voucher written off id=%s by=%s", voucher.id, actor.id)
        return voucher, False
    if voucher.status == "issued":
        voucher, _ = close_voucher(voucher.id, "expired")
        return voucher, True
    raise not_issued(voucher)


def close_voucher(voucher_id: int, status: str):
    """Expire or cancel an unused voucher: put the item back in stock and refund it, once.

    Returns (voucher, refund transfer or None when the voucher was not open any more).
    """
    now = utcnow()
    cond = [Voucher.id == voucher_id, Voucher.status == "issued"]
    if status == "expired":
        cond.append(Voucher.expires_at <= now)
    closed = db.session.execute(
        sa.update(Voucher).where(*cond).values(status=status, closed_at=now)
        .returning(Voucher.item_id, Voucher.merchant_id, Voucher.user_id, Voucher.price_points)
        .execution_options(synchronize_session=False)).first()
    voucher = db.session.get(Voucher, voucher_id, populate_existing=True)
    if closed is None:
        return voucher, None
    transfer = timebank.refund_to_buyer(
        merchant_id=closed.merchant_id, user_id=closed.user_id, amount=closed.price_points,
        key=f"voucher:{voucher_id}:refund", ref=f"voucher:{voucher_id}",
        memo="兑换券过期退回" if status == "expired" else "兑换券取消退回")
    db.session.execute(sa.update(MallItem).where(MallItem.id == closed.item_id)
                       .values(stock=MallItem.stock + 1)
                       .execution_options(synchronize_session=False))
    log.info("voucher closed id=%s status=%s refund=%s", voucher_id, status, transfer.id)
    return voucher, transfer


def cancel(actor: User, voucher_id: int) -> Voucher:
    voucher = db.session.get(Voucher, voucher_id)
    require(voucher is not None and voucher.user_id == actor.id, hide=True)
    voucher, transfer = close_voucher(voucher_id, "cancelled")
    if transfer is None:
        raise not_issued(voucher)
    return voucher


def sweep_expired(batch: int = 500) -> int:
    """Close and refund vouchers past their expiry; safe to run anywhere, any number of times."""
    ids = db.session.scalars(sa.select(Voucher.id).where(
        Voucher.status == "issued", Voucher.expires_at <= utcnow())
        .order_by(Voucher.id).limit(batch)).all()
    refunded = 0
    for voucher_id in ids:
        _, transfer = close_voucher(voucher_id, "expired")
        refunded += transfer is not None
    return refunded


def my_vouchers_stmt(user_id: int, status: str | None):
    stmt = sa.select(Voucher).where(Voucher.user_id == user_id)
    return stmt.where(Voucher.status == status) if status else stmt


def merchant_vouchers_stmt(actor: User, merchant_id: int, status: str | None):
    """Sales (every voucher sold) or, with status=used, write-offs of one merchant."""
    require(can_manage(actor, get_merchant(merchant_id)))
    stmt = sa.select(Voucher).where(Voucher.merchant_id == merchant_id).options(
        joinedload(Voucher.user))
    return stmt.where(Voucher.status == status) if status else stmt
