"""What other domains call to move points. Every function flushes and never commits.

Each movement is idempotent by its `key`, derived from its cause (`request:42:settle`,
`attendance:7:credit`): a second call with the same key returns the first transfer and changes
nothing. Refusals are `ApiError`s (409 `insufficient_points`, `budget_exhausted`,
`hold_insufficient`); after one, the caller's transaction must be rolled back.

Accounts: one personal account per user, one hold (escrow) account per user for points
reserved against a resident-paid request, one issuing account per community (it may go below
zero down to the community's budget) and one reserve (a hold account of the community) for
community-paid requests dispatched and not yet settled, one per merchant, and system accounts.
"""
import sqlalchemy as sa
from flask import current_app

from app.common.timeutil import utcnow
from app.errors import ApiError, Conflict, Unprocessable
from app.extensions import db
from app.sql import get_or_404, insert_ignoring_conflict
from app.timebank import ledger
from app.timebank.models import GENESIS_HASH, Account, Posting, Transfer

DEFAULT_COMMUNITY_BUDGET = 100_000
ADJUSTMENT_ACCOUNT = "system:adjustment"
EARN_KINDS = ("service_credit", "shift_credit")
SPEND_KINDS = ("redeem", "refund", "hold", "release")


# -- accounts -----------------------------------------------------------------
def _get_or_create(kind: str, column: str, value, floor: int | None) -> Account:
    """One account per (kind, owner), safe when two requests create it at once."""
    account = db.session.scalar(sa.select(Account).where(
        Account.kind == kind, getattr(Account, column) == value))
    if account is not None:
        return account
    conflict_cols = ["code"] if column == "code" else ["kind", column]
    db.session.execute(insert_ignoring_conflict(Account, conflict_cols).values(
        kind=kind, floor=floor, balance=0, entries=0, head_hash=GENESIS_HASH,
        created_at=utcnow(), **{column: value}))
    return db.session.scalars(sa.select(Account).where(
        Account.kind == kind, getattr(Account, column) == value)).one()


def user_account(user_id: int) -> Account:
    """The user's personal account (get or create); it never goes below zero."""
    return _get_or_create("user", "user_id", user_id, 0)


def hold_account(user_id: int) -> Account:
    """Points a resident has reserved for requests not yet settled."""
    return _get_or_create("hold", "user_id", user_id, 0)


def community_account(community_id: int) -> Account:
    """The community's issuing account: pays community-sponsored services and shifts."""
    budget = current_app.config.get("TIMEBANK_DEFAULT_BUDGET", DEFAULT_COMMUNITY_BUDGET)
    return _get_or_create("community", "community_id", community_id, -budget)


def community_account_view(community_id: int) -> dict:
    """What the community's issuing account holds, read without creating it: before its first
    posting it has no id yet, nothing issued and the default budget."""
    account = db.session.scalar(sa.select(Account).where(
        Account.kind == "community", Account.community_id == community_id))
    if account is None:
        budget = current_app.config.get("TIMEBANK_DEFAULT_BUDGET", DEFAULT_COMMUNITY_BUDGET)
        return {"community_id": community_id, "account_id": None, "balance": 0,
                "budget": budget, "available": budget}
    return {"community_id": community_id, "account_id": account.id, "balance": account.balance,
            "budget": account.budget, "available": account.balance - account.floor}


def reserve_account(community_id: int) -> Account:
    """What a community has set aside for requests it dispatched and has not yet settled."""
    return _get_or_create("hold", "community_id", community_id, 0)


def merchant_account(merchant_id: int) -> Account:
    return _get_or_create("merchant", "merchant_id", merchant_id, 0)


def merchant_account_view(merchant_id: int) -> dict:
    """What a merchant's account holds, read without creating it: before its first sale it
    has no id yet and a balance of 0."""
    account = db.session.scalar(sa.select(Account).where(
        Account.kind == "merchant", Account.merchant_id == merchant_id))
    return {"merchant_id": merchant_id, "account_id": account and account.id,
            "balance": account.balance if account else 0}


def system_account(code: str) -> Account:
    return _get_or_create("system", "code", code, None)


_OWNER_COLUMNS = {"user": Account.user_id, "merchant": Account.merchant_id}


def account_id_sql(kind: str, owner) -> sa.ScalarSelect:
    """The id of the `kind` ("user" or "merchant") account of `owner` (a value or a column of
    the caller's statement) as a scalar subquery, so that a caller reads it in the same round
    trip as its own rows; NULL while the account does not exist (then `user_account` or
    `merchant_account` creates it)."""
    return sa.select(Account.id).where(Account.kind == kind,
                                       _OWNER_COLUMNS[kind] == owner).scalar_subquery()


def balance(user_id: int) -> int:
    value = db.session.scalar(sa.select(Account.balance).where(
        Account.kind == "user", Account.user_id == user_id))
    return value or 0


def set_budget(community_id: int, budget: int) -> Account:
    """Let the issuing account go down to -budget; never below what is already issued."""
    account = community_account(community_id)
    current = db.session.execute(sa.select(Account.balance).where(Account.id == account.id)
                                 .with_for_update(key_share=True)).scalar_one()
    if budget < 0 or -budget > current:
        raise Conflict("budget_below_used", "预算不能低于已发放的积分",
                       details={"issued": max(0, -current)})
    account.floor = -budget
    db.session.flush()
    return account


def summary(user_id: int) -> dict:
    """Balance and totals of the personal account, derived from its postings in one query.

    A reversal counts under the kind of the transfer it reverses, so totals stay true.
    """
    account = db.session.scalar(sa.select(Account).where(
        Account.kind == "user", Account.user_id == user_id))
    out = {"account_id": None, "balance": 0, "earned_total": 0, "spent_total": 0,
           "minutes_served": 0, "held": 0}
    if account is None:
        return out
    original = sa.orm.aliased(Transfer)
    basis = sa.func.coalesce(original.kind, Transfer.kind)
    signed_minutes = sa.case((Posting.amount > 0, Transfer.minutes), else_=-Transfer.minutes)
    rows = db.session.execute(
        sa.select(basis, sa.func.sum(Posting.amount), sa.func.sum(signed_minutes))
        .join(Transfer, Transfer.id == Posting.transfer_id)
        .outerjoin(original, original.id == Transfer.reverses_id)
        .where(Posting.account_id == account.id).group_by(basis)).all()
    for kind, amount, minutes in rows:
        if kind in EARN_KINDS:
            out["earned_total"] += int(amount)
            out["minutes_served"] += int(minutes)
        elif kind in SPEND_KINDS:
            out["spent_total"] -= int(amount)
    held = db.session.scalar(sa.select(Account.balance).where(
        Account.kind == "hold", Account.user_id == user_id))
    out.update(account_id=account.id, balance=account.balance, held=held or 0)
    return out


# -- rules --------------------------------------------------------------------
def points_for_minutes(minutes: int, points_per_hour: int) -> int:
    """Points for `minutes` of work at `points_per_hour`.

    Rounding rule: the exact pro-rata value rounded to the nearest whole point, halves up
    (90 min at 10/h = 15; 3 min at 10/h = 0.5 -> 1; 2 min at 10/h = 0.33 -> 0).
    """
    for name, value in (("minutes", minutes), ("points_per_hour", points_per_hour)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise Unprocessable(details={"fields": {name: ["须为非负整数"]}})
    return (minutes * points_per_hour + 30) // 60


# -- movements ----------------------------------------------------------------
def credit_shift(*, community_id: int, user_id: int, points: int, key: str, ref: str,
                 memo: str = "", minutes: int = 0, actor_id: int | None = None) -> Transfer:
    """Volunteer hours: the community's issuing account pays the volunteer."""
    return ledger.post(key=key, kind="shift_credit", debit_id=community_account(community_id).id,
                       credit_id=user_account(user_id).id, amount=points, ref=ref, memo=memo,
                       minutes=minutes, actor_id=actor_id)


def grant_from_community(*, community_id: int, user_id: int, points: int, key: str,
                         ref: str = "", memo: str = "", actor_id: int | None = None) -> Transfer:
    """Points the community gives a resident (welcome points, awards): kind `adjustment`."""
    return ledger.post(key=key, kind="adjustment", debit_id=community_account(community_id).id,
                       credit_id=user_account(user_id).id, amount=points, ref=ref, memo=memo,
                       actor_id=actor_id)


def held_for(user_id: int, ref: str) -> int:
    """What is still reserved for `ref` in the user's hold account."""
    return _held(hold_account(user_id).id, ref)


def reserved_for(community_id: int, ref: str) -> int:
    """What is still reserved for `ref` in the community's reserve."""
    return _held(reserve_account(community_id).id, ref)


def _held(account_id: int, ref: str) -> int:
    signed = sa.case((Transfer.credit_account_id == account_id, Transfer.amount),
                     else_=-Transfer.amount)
    total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(signed), 0)).where(
        Transfer.ref == ref, sa.or_(Transfer.credit_account_id == account_id,
                                    Transfer.debit_account_id == account_id)))
    return int(total)


def hold_points(*, user_id: int, amount: int, key: str, ref: str, memo: str = "") -> Transfer:
    """Reserve a resident's points for a request (checked against the balance)."""
    return ledger.post(key=key, kind="hold", debit_id=user_account(user_id).id,
                       credit_id=hold_account(user_id).id, amount=amount, ref=ref, memo=memo)


def release_hold(*, user_id: int, amount: int, key: str, ref: str, memo: str = "") -> Transfer:
    """Give reserved points back (the request was cancelled)."""
    existing = ledger.find_transfer(key)
    if existing is not None:
        return existing
    _require_held(user_id, ref, amount)
    return ledger.post(key=key, kind="release", debit_id=hold_account(user_id).id,
                       credit_id=user_account(user_id).id, amount=amount, ref=ref, memo=memo)


def reserve_points(*, community_id: int, amount: int, key: str, ref: str,
                   memo: str = "") -> Transfer:
    """Set a community's points aside for a request it dispatches, so that settling it later
    cannot fail: 409 `budget_exhausted` now if the budget does not cover `amount`."""
    return ledger.post(key=key, kind="hold", debit_id=community_account(community_id).id,
                       credit_id=reserve_account(community_id).id, amount=amount, ref=ref,
                       memo=memo)


def release_reserve(*, community_id: int, key: str, ref: str,
                    memo: str = "") -> Transfer | None:
    """Give whatever is still reserved for `ref` back to the community's issuing account,
    once per `key`; None when nothing is reserved."""
    existing = ledger.find_transfer(key)
    if existing is not None:
        return existing
    amount = reserved_for(community_id, ref)
    if amount <= 0:
        return None
    return ledger.post(key=key, kind="release", debit_id=reserve_account(community_id).id,
                       credit_id=community_account(community_id).id, amount=amount, ref=ref,
                       memo=memo)


def _require_held(user_id: int, ref: str, amount: int) -> int:
    return _require_enough(held_for(user_id, ref), amount)


def _require_enough(held: int, amount: int) -> int:
    if amount > held:
        raise ApiError("hold_insufficient", "预留积分不足", 409, {"held": held, "required": amount})
    return held


def settle_service(*, payer: str, community_id: int, payee_user_id: int, points: int, key: str,
                   ref: str, memo: str = "", resident_user_id: int | None = None,
                   minutes: int = 0, actor_id: int | None = None,
                   from_reserve: bool = False) -> Transfer:
    """Pay the partner member for a confirmed service.

    payer "community": from the community's issuing account (kind service_credit), or with
    `from_reserve` from what `reserve_points` set aside for this `ref` (409
    `hold_insufficient` beyond it; the rest stays reserved until `release_reserve`).
    payer "resident": from what `hold_points` reserved for this `ref` (409 `hold_insufficient`
    beyond it); whatever is left of the hold stays reserved until `release_hold` gives it back.
    """
    if payer == "community":
        source = community_account(community_id)
        if from_reserve:
            existing = ledger.find_transfer(key)
            if existing is not None:
                return existing
            _require_enough(reserved_for(community_id, ref), points)
            source = reserve_account(community_id)
        return ledger.post(key=key, kind="service_credit", debit_id=source.id,
                           credit_id=user_account(payee_user_id).id, amount=points, ref=ref,
                           memo=memo, minutes=minutes, actor_id=actor_id)
    if payer != "resident" or resident_user_id is None:
        raise Unprocessable(details={"fields": {
            "payer": ["须为 community，或 resident 并给出 resident_user_id"]}})
    existing = ledger.find_transfer(key)
    if existing is not None:
        return existing
    _require_held(resident_user_id, ref, points)
    return ledger.post(key=key, kind="service_credit",
                           debit_id=hold_account(resident_user_id).id,
                           credit_id=user_account(payee_user_id).id, amount=points, ref=ref,
                           memo=memo, minutes=minutes, actor_id=actor_id)


def pay_merchant(*, user_id: int, merchant_id: int, amount: int, key: str, ref: str,
                 memo: str = "", accounts: tuple[int, int] | None = None) -> Transfer:
    """A purchase in the points mall: the buyer's personal account pays the merchant's
    (kind `redeem`); 409 `insufficient_points` beyond the buyer's balance.

    `accounts`: (the buyer's, the merchant's) account ids when the caller has already read
    them (`account_id_sql`), which saves reading them again. The transfer carries
    `balances_after` (account id -> balance) when it was posted by this call."""
    if accounts is None:
        accounts = (user_account(user_id).id, merchant_account(merchant_id).id)
    return ledger.post(key=key, kind="redeem", debit_id=accounts[0], credit_id=accounts[1],
                       amount=amount, ref=ref, memo=memo, actor_id=user_id)


def refund_to_buyer(*, merchant_id: int, user_id: int, amount: int, key: str, ref: str,
                    memo: str = "") -> Transfer:
    """A purchase given back: the merchant's account returns the points (kind `refund`)."""
    return ledger.post(key=key, kind="refund", debit_id=merchant_account(merchant_id).id,
                       credit_id=user_account(user_id).id, amount=amount, ref=ref, memo=memo)


def transfer_between_users(*, from_user_id: int, to_user_id: int, amount: int, key: str,
                           memo: str = "") -> Transfer:
    """A gift from one user to another (a family member); the payer never goes below zero."""
    if from_user_id == to_user_id:
        raise Unprocessable(details={"fields": {"to_user_id": ["不能转给自己"]}})
    return ledger.post(key=key, kind="transfer", debit_id=user_account(from_user_id).id,
                       credit_id=user_account(to_user_id).id, amount=amount,
                       ref=f"user:{from_user_id}:{to_user_id}", memo=memo,
                       actor_id=from_user_id, debit_kind="transfer_out",
                       credit_kind="transfer_in")


def adjust(*, user_id: int, amount: int, key: str, memo: str,
           actor_id: int | None = None) -> Transfer:
    """A correction against the system adjustment account: positive credits the user."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
        raise Unprocessable(details={"fields": {"amount": ["须为非零整数"]}})
    personal_id = user_account(user_id).id
    system_id = system_account(ADJUSTMENT_ACCOUNT).id
    debit, credit = (system_id, personal_id) if amount > 0 else (personal_id, system_id)
    return ledger.post(key=key, kind="adjustment", debit_id=debit, credit_id=credit,
                       amount=abs(amount), ref=f"user:{user_id}", memo=memo, actor_id=actor_id)


def reverse(*, transfer_id: int, memo: str = "", actor_id: int | None = None) -> Transfer:
    """Undo a transfer by the opposite one; at most once (key `transfer:<id>:reverse`)."""
    original = get_or_404(Transfer, transfer_id, "流水不存在")
    if original.kind == "reversal":
        raise Conflict("not_reversible", "冲正流水不能再冲正")
    return ledger.post(key=f"transfer:{original.id}:reverse", kind="reversal",
                       debit_id=original.credit_account_id, credit_id=original.debit_account_id,
                       amount=original.amount, ref=f"transfer:{original.id}",
                       memo=memo or f"冲正 {original.kind}", minutes=original.minutes,
                       reverses_id=original.id, actor_id=actor_id)

