"""The one writer of transfers and postings.

`post()` moves an integer amount between two accounts, exactly once per key:

1. a transfer row keyed by its cause is inserted with `ON CONFLICT (key) DO NOTHING`; when a
   concurrent twin holds the key, PostgreSQL waits for it and we return its transfer;
2. both account rows are locked in id order (`SELECT ... ORDER BY id FOR NO KEY UPDATE`), so
   opposing transfers cannot deadlock. NO KEY UPDATE, not UPDATE: the foreign keys of the
   transfer rows that other transactions have just inserted hold KEY SHARE locks on these
   accounts, which FOR UPDATE would wait for (a deadlock between two such transactions).
   On SQLite the insert in step 1 already took the database's single write lock, so the rows
   read next cannot change under us;
3. the debit's floor is checked (409 `insufficient_points`, or `budget_exhausted` for a
   community's issuing account) before anything else is written;
4. each leg gets its posting (sequence number and hash chained to the account's previous
   posting) and its account's new cached balance, guarded by `entries = <what we read>`; both
   postings go in one INSERT and both balances in one UPDATE, which on PostgreSQL are one
   statement (the INSERT as a CTE of the UPDATE): three round trips per transfer in all.

Everything happens in the caller's transaction, which commits it or rolls it back whole; an
`ApiError` from here means that transaction must be rolled back (routes do so).
"""
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app.common.timeutil import utcnow
from app.errors import ApiError
from app.extensions import db
from app.sql import as_persistent, insert_ignoring_conflict
from app.timebank.models import Account, Posting, Transfer

log = logging.getLogger(__name__)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Leg:
    account_id: int
    amount: int  # signed: negative on the debit side
    kind: str


def chain_hash(prev: str, account_id: int, seq: int, transfer_id: int, key: str, amount: int,
               balance_after: int, kind: str, at: datetime) -> str:
    """The tamper-evident link of one posting to the one before it on the same account."""
    micros = (at - EPOCH) // timedelta(microseconds=1)
    text = f"{prev}|{account_id}|{seq}|{transfer_id}|{key}|{amount}|{balance_after}|{kind}|{micros}"
    return hashlib.sha256(text.encode()).hexdigest()


def find_transfer(key: str) -> Transfer | None:
    return db.session.scalar(sa.select(Transfer).where(Transfer.key == key))


def refusal(account_kind: str, balance: int, floor: int, amount: int) -> ApiError:
    if account_kind == "community":
        return ApiError("budget_exhausted", "社区积分预算已用完", 409,
                        {"available": balance - floor, "required": amount})
    return ApiError("insufficient_points", "积分不足", 409,
                    {"balance": balance, "required": amount})


def _check_amount(amount) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ApiError("validation_error", "积分须为正整数", 422,
                       {"fields": {"amount": ["须为正整数"]}})


# Prebuilt Core statements: every transfer runs them, on the hottest path there is.
_POSTINGS = Posting.__table__
_ACCOUNTS = Account.__table__
_TRANSFERS = Transfer.__table__
_LOCK_ACCOUNTS = sa.select(
    _ACCOUNTS.c.id, _ACCOUNTS.c.kind, _ACCOUNTS.c.balance, _ACCOUNTS.c.floor,
    _ACCOUNTS.c.entries, _ACCOUNTS.c.head_hash,
).where(_ACCOUNTS.c.id.in_(sa.bindparam("ids", expanding=True))).order_by(
    _ACCOUNTS.c.id).with_for_update(key_share=True)
_POSTING_COLUMNS = ("transfer_id", "account_id", "seq", "amount", "balance_after", "kind",
                    "created_at", "hash")
# The two postings of a transfer, in one INSERT (parameters `<column>_0`, `<column>_1`). As
# INSERT ... SELECT ... UNION ALL SELECT, not a multi-row VALUES, which SQLAlchemy would
# compile again on every execution.
_INSERT_POSTINGS = _POSTINGS.insert().from_select(list(_POSTING_COLUMNS), sa.union_all(*(
    sa.select(*(sa.bindparam(f"{c}_{i}", type_=_POSTINGS.c[c].type).label(c)
                for c in _POSTING_COLUMNS)) for i in (0, 1))))


def _per_leg(name: str, column: str):
    """The new value of `column` for whichever of the two accounts the row is."""
    typ = _ACCOUNTS.c[column].type
    return sa.case((_ACCOUNTS.c.id == sa.bindparam("account_0", type_=sa.Integer),
                    sa.bindparam(f"{name}_0", type_=typ)),
                   else_=sa.bindparam(f"{name}_1", type_=typ))


# Both balances in one UPDATE, each guarded by the entries its lock read: 2 rows or a bug.
_MOVE_BALANCES = _ACCOUNTS.update().where(sa.or_(*(sa.and_(
    _ACCOUNTS.c.id == sa.bindparam(f"account_{i}", type_=sa.Integer),
    _ACCOUNTS.c.entries == sa.bindparam(f"seen_entries_{i}", type_=sa.Integer))
    for i in (0, 1)))).values(balance=_per_leg("new_balance", "balance"),
                              entries=_per_leg("new_entries", "entries"),
                              head_hash=_per_leg("new_hash", "head_hash"))
# PostgreSQL: the postings as a CTE of the balances' UPDATE, one round trip for both.
_WRITE_LEGS_PG = _MOVE_BALANCES.add_cte(_INSERT_POSTINGS.cte("new_postings"))


def _lock(account_ids: list[int]) -> dict[int, sa.Row]:
    rows = db.session.connection().execute(_LOCK_ACCOUNTS, {"ids": account_ids}).all()
    found = {row.id: row for row in rows}
    if len(found) != len(set(account_ids)):
        raise ApiError("account_not_found", "账户不存在", 404)
    return found


def _apply_leg(transfer: Transfer, account: sa.Row, leg: Leg, at: datetime) -> dict:
    """One leg's posting (chained to the account's last) and its account's new head."""
    seq = account.entries + 1
    balance_after = account.balance + leg.amount
    digest = chain_hash(account.head_hash, account.id, seq, transfer.id, transfer.key,
                        leg.amount, balance_after, leg.kind, at)
    return {"transfer_id": transfer.id, "account_id": account.id, "seq": seq,
            "amount": leg.amount, "balance_after": balance_after, "kind": leg.kind,
            "created_at": at, "hash": digest, "seen_entries": account.entries}


def _write_legs(legs: list[dict]) -> None:
    """Both postings and both balances, in one statement on PostgreSQL, two elsewhere."""
    params = {}
    for i, leg in enumerate(legs):
        params.update({f"{c}_{i}": leg[c] for c in _POSTING_COLUMNS})
        params.update({f"account_{i}": leg["account_id"], f"seen_entries_{i}":
                       leg["seen_entries"], f"new_balance_{i}": leg["balance_after"],
                       f"new_entries_{i}": leg["seq"], f"new_hash_{i}": leg["hash"]})
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        moved = conn.execute(_WRITE_LEGS_PG, params).rowcount
    else:
        conn.execute(_INSERT_POSTINGS, params)
        moved = conn.execute(_MOVE_BALANCES, params).rowcount
    if moved != 2:  # only possible if someone wrote the rows without the lock
        raise RuntimeError(f"accounts {[leg['account_id'] for leg in legs]} changed while "
                           "locked")
    for leg in legs:
        cached = db.session.identity_map.get(identity_key(Account, leg["account_id"]))
        if cached is not None:
            for name, value in (("balance", leg["balance_after"]), ("entries", leg["seq"]),
                                ("head_hash", leg["hash"])):
                set_committed_value(cached, name, value)


def post(*, key: str, kind: str, debit_id: int, credit_id: int, amount: int, ref: str = "",
         memo: str = "", minutes: int = 0, reverses_id: int | None = None,
         actor_id: int | None = None, debit_kind: str | None = None,
         credit_kind: str | None = None) -> Transfer:
    """Move `amount` from `debit_id` to `credit_id` once per `key`; see the module docstring."""
    _check_amount(amount)
    if debit_id == credit_id:
        raise ApiError("same_account", "不能转给同一账户", 422)
    at = utcnow()
    values = {"key": key, "kind": kind, "amount": amount, "debit_account_id": debit_id,
              "credit_account_id": credit_id, "ref": ref[:64], "memo": memo[:200],
              "minutes": minutes, "reverses_id": reverses_id, "actor_id": actor_id,
              "created_at": at}
    transfer_id = db.session.connection().execute(
        insert_ignoring_conflict(_TRANSFERS, ["key"], ("id",)), values).scalar()
    if transfer_id is None:  # posted before, or by a concurrent twin that committed first
        return _same_or_warn(find_transfer(key), amount, debit_id, credit_id)
    transfer = as_persistent(Transfer(id=transfer_id, **values))
    accounts = _lock([debit_id, credit_id])
    debit = accounts[debit_id]
    if debit.floor is not None and debit.balance - amount < debit.floor:
        raise refusal(debit.kind, debit.balance, debit.floor, amount)
    legs = sorted([Leg(debit_id, -amount, debit_kind or kind),
                   Leg(credit_id, amount, credit_kind or kind)], key=lambda leg: leg.account_id)
    written = [_apply_leg(transfer, accounts[leg.account_id], leg, at) for leg in legs]
    _write_legs(written)
    # What the two accounts hold now, for a caller that answers with a balance (a redemption)
    # without reading it again; not a column, and absent from a transfer posted before.
    transfer.balances_after = {leg["account_id"]: leg["balance_after"] for leg in written}
    log.info("transfer id=%s kind=%s amount=%s debit=%s credit=%s ref=%s",
             transfer.id, kind, amount, debit_id, credit_id, ref)
    return transfer


def _same_or_warn(existing: Transfer, amount: int, debit_id: int, credit_id: int) -> Transfer:
    if (existing.amount, existing.debit_account_id, existing.credit_account_id) != (
            amount, debit_id, credit_id):
        log.warning("transfer key reused with other terms id=%s key=%s", existing.id,
                    existing.key)
    return existing
