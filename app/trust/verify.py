"""Recompute every co-managed account from its entries and report every disagreement.

Per account, the counted entries in sequence order: no gap in the numbers, each running
balance the sum so far, each hash linked to the one before; the cached balance, public income,
count and chain head equal to what the entries give. Entries not counted carry no place in the
chain; a reversal matches the entry it reverses (kind, amount, category), which must be counted
and reversed only once. A problem names the account and entry and the difference, so an
operator can find the row that was changed behind the service's back.
"""
import sqlalchemy as sa

from app.extensions import db
from app.trust.models import GENESIS_HASH, TrustAccount, TrustEntry
from app.trust.service import chain_hash

MAX_PROBLEMS = 1000


def verify() -> dict:
    problems: list[dict] = []

    def add(problem: str, **details) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append({"problem": problem, **details})

    accounts = db.session.scalars(sa.select(TrustAccount).order_by(TrustAccount.id)).all()
    by_id = {}
    checked = 0
    for account in accounts:
        entries = db.session.scalars(sa.select(TrustEntry).where(
            TrustEntry.account_id == account.id).order_by(TrustEntry.id)).all()
        by_id.update({e.id: e for e in entries})
        counted = sorted((e for e in entries if e.status == "counted"),
                         key=lambda e: (e.seq or 0, e.id))
        prev, running, public = GENESIS_HASH, 0, 0
        for seq, entry in enumerate(counted, start=1):
            checked += 1
            if entry.seq != seq:
                add("sequence_gap", account_id=account.id, entry_id=entry.id, expected=seq,
                    actual=entry.seq)
            running += entry.effect
            public += entry.effect if entry.public else 0
            if entry.balance_after != running:
                add("balance_after_mismatch", account_id=account.id, entry_id=entry.id,
                    expected=running, actual=entry.balance_after,
                    difference=(entry.balance_after or 0) - running)
                running = entry.balance_after or 0
            expected = chain_hash(prev, entry, entry.seq or seq, entry.balance_after or 0,
                                  entry.decided_by_id)
            if expected != entry.hash:
                add("hash_mismatch", account_id=account.id, entry_id=entry.id)
            prev = entry.hash
        for entry in entries:
            if entry.status != "counted":
                checked += 1
                if entry.seq is not None or entry.hash is not None:
                    add("uncounted_in_chain", account_id=account.id, entry_id=entry.id)
        total = sum(e.effect for e in counted)
        if account.balance_fen != total:
            add("balance_mismatch", account_id=account.id, expected=total,
                actual=account.balance_fen, difference=account.balance_fen - total)
        if account.public_income_fen != public:
            add("public_income_mismatch", account_id=account.id, expected=public,
                actual=account.public_income_fen,
                difference=account.public_income_fen - public)
        if account.entries != len(counted):
            add("entries_mismatch", account_id=account.id, expected=len(counted),
                actual=account.entries, difference=account.entries - len(counted))
        if account.head_hash != prev:
            add("chain_head_mismatch", account_id=account.id)
    reversed_once: dict[int, int] = {}
    for entry in by_id.values():
        if entry.reverses_id is None:
            continue
        original = by_id.get(entry.reverses_id)
        if original is None or original.account_id != entry.account_id or \
                (original.kind, original.amount_fen, original.category) != \
                (entry.kind, entry.amount_fen, entry.category) or \
                original.reverses_id is not None:
            add("reversal_mismatch", account_id=entry.account_id, entry_id=entry.id,
                reverses_id=entry.reverses_id)
        elif entry.status == "counted" and original.status != "counted":
            add("reversal_of_uncounted", account_id=entry.account_id, entry_id=entry.id)
        if entry.status != "rejected":
            reversed_once[entry.reverses_id] = reversed_once.get(entry.reverses_id, 0) + 1
    for original_id, times in reversed_once.items():
        if times > 1:
            add("reversed_twice", entry_id=original_id, times=times)
    return {"ok": not problems, "accounts_checked": len(accounts), "entries_checked": checked,
            "problems": problems, "problems_truncated": len(problems) >= MAX_PROBLEMS}
