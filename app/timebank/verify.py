"""Recompute the ledger from its postings and report every disagreement.

Checks: each transfer has two postings that sum to zero and match its amount; all postings sum
to zero; per account, sequence numbers have no gap, each `balance_after` is the running sum,
each hash links to the one before, and the cached balance, entry count and chain head match.
A problem names the account (or transfer) and the difference, so an operator can find the row
that was changed behind the ledger's back.
"""
import sqlalchemy as sa

from app.extensions import db
from app.timebank.ledger import chain_hash
from app.timebank.models import GENESIS_HASH, Account, Posting, Transfer

MAX_PROBLEMS = 1000


class _Report:
    def __init__(self):
        self.problems: list[dict] = []
        self.truncated = False

    def add(self, problem: str, **details) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.truncated = True
            return
        self.problems.append({"problem": problem, **details})


def verify() -> dict:
    report = _Report()
    accounts = {row.id: row for row in db.session.execute(sa.select(
        Account.id, Account.balance, Account.floor, Account.entries, Account.head_hash))}
    seen: set[int] = set()
    checked = 0
    rows = db.session.execute(
        sa.select(Posting.id, Posting.account_id, Posting.seq, Posting.amount,
                  Posting.balance_after, Posting.kind, Posting.created_at, Posting.hash,
                  Posting.transfer_id, Transfer.key)
        .join(Transfer, Transfer.id == Posting.transfer_id)
        .order_by(Posting.account_id, Posting.seq)
        .execution_options(yield_per=2000))
    state = None
    for row in rows:
        checked += 1
        if state is None or state["account_id"] != row.account_id:
            if state is not None:
                _finish(report, accounts[state["account_id"]], state)
            seen.add(row.account_id)
            state = {"account_id": row.account_id, "total": 0, "running": 0, "seq": 0,
                     "prev": GENESIS_HASH}
        _check_posting(report, state, row)
    if state is not None:
        _finish(report, accounts[state["account_id"]], state)
    for account_id in accounts.keys() - seen:
        _finish(report, accounts[account_id], {"account_id": account_id, "total": 0,
                                               "running": 0, "seq": 0, "prev": GENESIS_HASH})
    _check_transfers(report)
    total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Posting.amount), 0)))
    if total != 0:
        report.add("ledger_unbalanced", difference=int(total))
    return {"ok": not report.problems, "accounts_checked": len(accounts),
            "postings_checked": checked, "problems": report.problems,
            "problems_truncated": report.truncated}


def _check_posting(report: _Report, state: dict, row) -> None:
    account_id = row.account_id
    if row.seq != state["seq"] + 1:
        report.add("sequence_gap", account_id=account_id, posting_id=row.id,
                   expected=state["seq"] + 1, actual=row.seq)
    state["total"] += row.amount
    state["running"] += row.amount
    if row.balance_after != state["running"]:
        report.add("balance_after_mismatch", account_id=account_id, posting_id=row.id,
                   expected=state["running"], actual=row.balance_after,
                   difference=row.balance_after - state["running"])
        state["running"] = row.balance_after  # report each edit once, not every later row
    expected = chain_hash(state["prev"], account_id, row.seq, row.transfer_id, row.key,
                          row.amount, row.balance_after, row.kind, row.created_at)
    if expected != row.hash:
        report.add("hash_mismatch", account_id=account_id, posting_id=row.id)
    state["prev"] = row.hash
    state["seq"] = row.seq


def _finish(report: _Report, account, state: dict) -> None:
    if account.balance != state["total"]:
        report.add("balance_mismatch", account_id=account.id, expected=state["total"],
                   actual=account.balance, difference=account.balance - state["total"])
    if account.entries != state["seq"]:
        report.add("entries_mismatch", account_id=account.id, expected=state["seq"],
                   actual=account.entries, difference=account.entries - state["seq"])
    if account.head_hash != state["prev"]:
        report.add("chain_head_mismatch", account_id=account.id)
    if account.floor is not None and account.balance < account.floor:
        report.add("below_floor", account_id=account.id, floor=account.floor,
                   actual=account.balance, difference=account.balance - account.floor)


def _check_transfers(report: _Report) -> None:
    count = sa.func.count(Posting.id)
    net = sa.func.coalesce(sa.func.sum(Posting.amount), 0)
    gross = sa.func.coalesce(sa.func.sum(sa.func.abs(Posting.amount)), 0)
    misplaced = sa.func.coalesce(sa.func.sum(sa.case(
        (sa.and_(Posting.amount < 0, Posting.account_id != Transfer.debit_account_id), 1),
        (sa.and_(Posting.amount > 0, Posting.account_id != Transfer.credit_account_id), 1),
        else_=0)), 0)
    rows = db.session.execute(
        sa.select(Transfer.id, Transfer.amount, count.label("n"), net.label("net"),
                  gross.label("gross"), misplaced.label("misplaced"))
        .outerjoin(Posting, Posting.transfer_id == Transfer.id)
        .group_by(Transfer.id, Transfer.amount)
        .having(sa.or_(count != 2, net != 0, gross != 2 * Transfer.amount, misplaced != 0)))
    for row in rows:
        report.add("transfer_unbalanced", transfer_id=row.id, postings=row.n,
                   difference=int(row.net), expected_gross=2 * row.amount,
                   actual_gross=int(row.gross), misplaced_postings=int(row.misplaced))
