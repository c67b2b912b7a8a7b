"""信托制物业 共管账户: entries, co-signing, reversal, statements, reconciliation, rechecks.

Who does what:
- staff of the community open the compound's account (it needs a property company and an
  owners' committee or 自管委 on the compound);
- a member in office of either side (`seat_sides`: the property company, or the owners'
  committee / 自管委) enters an entry for that side; it counts once a member of the OTHER side
  co-signs it. Nobody co-signs an entry they entered (403 `own_entry`), a member of the
  entering side never co-signs (403 `same_side`), nor does a person sitting on both sides
  (403 `cross_appointed`); a second co-sign is 409 `already_cosigned`, whatever races;
- counted entries are reversed by a linked entry, co-signed the same way;
- each month either side or staff enter the bank's closing balance; any difference is flagged
  to both sides and staff;
- a bound household of the compound asks for a recheck (复核) of an entry; the side that did not
  enter it answers by the deadline, publicly;
- the account, its entries, statements, reconciliations and rechecks are read by every bound
  household of the compound, the members of its bodies and the community's staff; anyone else
  gets 404.

Services flush and never commit.
"""
import hashlib
import logging
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.audit.service import record
from app.auth.models import User
from app.auth.permissions import has_role, is_admin, require, scope_ids
from app.auth.service import holders
from app.common.timeutil import SHANGHAI
from app.community.models import Building, Compound, Household, HouseholdBinding
from app.community.service import get_compound
from app.errors import ApiError, Conflict, Forbidden, NotFound, Unprocessable
from app.extensions import db
from app.files import service as files
from app.notifications.service import notify
from app.organisations import service as orgs
from app.projects.models import Project
from app.trust.models import (
    CATEGORIES,
    GENESIS_HASH,
    TrustAccount,
    TrustEntry,
    TrustRecheck,
    TrustReconciliation,
)
from app.wechat.content import require_clean

log = logging.getLogger(__name__)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
INVOICES, PROOFS, BANK_STATEMENTS = "trust_entry", "trust_entry_proof", "trust_reconciliation"
OTHER = {"property": "owners_committee", "owners_committee": "property"}
SIDE_NAMES = {"property": "物业公司", "owners_committee": "业委会"}


class CosignRefused(ApiError):
    status = 403


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI).astimezone(UTC)


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    nxt = date(first.year + 1, 1, 1) if first.month == 12 else \
        date(first.year, first.month + 1, 1)
    return first, nxt


def chain_hash(prev: str, entry: TrustEntry, seq: int, balance_after: int,
               decided_by_id: int) -> str:
    """The tamper-evident link of a counted entry to the one counted before it."""
    text = "|".join(str(v) for v in (
        prev, entry.account_id, seq, entry.id, entry.kind, entry.amount_fen, entry.category,
        entry.occurred_on.isoformat(), entry.side, entry.entered_by_id, entry.reverses_id or "",
        decided_by_id, balance_after))
    return hashlib.sha256(text.encode()).hexdigest()


# -- who -------------------------------------------------------------------------------------
def bound_household_ids(user: User, compound_id: int) -> list[int]:
    return list(db.session.scalars(
        sa.select(HouseholdBinding.household_id)
        .join(Household, Household.id == HouseholdBinding.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(HouseholdBinding.user_id == user.id, HouseholdBinding.status == "approved",
               Building.compound_id == compound_id)))


def can_read(user: User, account: TrustAccount) -> bool:
    compound = get_compound(account.compound_id)
    return (has_role(user, "staff", community_id=compound.community_id)
            or bool(bound_household_ids(user, compound.id))
            or user.id in orgs.compound_member_ids(compound.id))


def readable_accounts(user: User) -> list[TrustAccount]:
    """The accounts of the compounds where the user is a bound household, sits on a body, or
    is staff of the community."""
    stmt = sa.select(TrustAccount).order_by(TrustAccount.id)
    if not is_admin(user):
        bound = sa.select(Building.compound_id).join(
            Household, Household.building_id == Building.id).join(
            HouseholdBinding, HouseholdBinding.household_id == Household.id).where(
            HouseholdBinding.user_id == user.id, HouseholdBinding.status == "approved")
        staffed = sa.select(Compound.id).where(Compound.community_id.in_(
            scope_ids(user, "staff", "community_id")))
        seated = orgs.seated_compound_ids(user.id)
        stmt = stmt.where(sa.or_(TrustAccount.compound_id.in_(bound),
                                 TrustAccount.compound_id.in_(staffed),
                                 TrustAccount.compound_id.in_(seated)))
    return list(db.session.scalars(stmt))


def get_account(account_id: int, user: User) -> TrustAccount:
    account = db.session.get(TrustAccount, account_id)
    if account is None or not can_read(user, account):
        raise NotFound(message="共管账户不存在")
    return account


def account_of_compound(compound_id: int, user: User) -> TrustAccount:
    account = db.session.scalar(sa.select(TrustAccount).where(
        TrustAccount.compound_id == compound_id))
    if account is None or not can_read(user, account):
        raise NotFound(message="共管账户不存在")
    return account


def get_entry(account: TrustAccount, entry_id: int) -> TrustEntry:
    entry = db.session.get(TrustEntry, entry_id)
    if entry is None or entry.account_id != account.id:
        raise NotFound(message="账目不存在")
    return entry


def _side_for(user: User, account: TrustAccount, wanted: str | None) -> str:
    """The side the user acts for on this compound today."""
    sides = orgs.seat_sides(user.id, account.compound_id)
    if not sides:
        raise Forbidden("not_a_side", "仅本小区物业公司或业委会（自管委）在任成员可以操作")
    if wanted is not None:
        if wanted not in sides:
            raise Forbidden("not_a_side", f"您不在本小区{SIDE_NAMES[wanted]}任职")
        return wanted
    if len(sides) > 1:
        raise Unprocessable("side_required", "您在物业公司和业委会均有任职，请注明代表哪一方",
                            details={"fields": {"side": ["请选择 property 或 owners_committee"]}})
    return next(iter(sides))


def _check_other_side(user: User, account: TrustAccount, entry: TrustEntry) -> None:
    """Only a member of the side that did not enter the entry, sitting on that side alone."""
    if entry.entered_by_id == user.id:
        raise CosignRefused("own_entry", "不能会签或驳回自己录入的账目")
    sides = orgs.seat_sides(user.id, account.compound_id)
    other = OTHER[entry.side]
    if entry.side in sides and other in sides:
        raise CosignRefused("cross_appointed", "您同时在物业公司和业委会任职，不能会签",
                            details={"sides": sorted(sides)})
    if entry.side in sides:
        raise CosignRefused("same_side", f"该账目由{SIDE_NAMES[entry.side]}录入，须由"
                                         f"{SIDE_NAMES[other]}成员会签")
    if other not in sides:
        raise CosignRefused("not_other_side", f"须由本小区{SIDE_NAMES[other]}在任成员会签")


# -- the account -------------------------------------------------------------------------------
def open_account(user: User, compound_id: int, data: dict, now: datetime) -> TrustAccount:
    compound = get_compound(compound_id)
    require(has_role(user, "staff", community_id=compound.community_id))
    if orgs.property_company(compound.id) is None or \
            orgs.self_governing_body(compound.id) is None:
        raise Conflict("trust_needs_both_sides",
                       "开设共管账户须先登记小区的物业公司和业委会（或自管委）")
    require_clean({"bank_name": data.get("bank_name", "")}, user.openid)
    account = TrustAccount(compound_id=compound.id, bank_name=data.get("bank_name", ""),
                           account_tail=data.get("account_tail", ""), opened_by_id=user.id,
                           opened_at=now, balance_fen=0, public_income_fen=0, entries=0,
                           head_hash=GENESIS_HASH)
    try:
        with db.session.begin_nested():
            db.session.add(account)
    except IntegrityError:
        raise Conflict("account_exists", "该小区已开设共管账户") from None
    record("config", actor_id=user.id, target_type="trust_account", target_id=account.id,
           details={"compound_id": compound.id, "opened": True})
    log.info("trust account id=%s compound=%s by=%s", account.id, compound.id, user.id)
    return account


def pending_count(account_id: int) -> int:
    return int(db.session.scalar(sa.select(sa.func.count(TrustEntry.id)).where(
        TrustEntry.account_id == account_id, TrustEntry.status == "pending")) or 0)


# -- entries -----------------------------------------------------------------------------------
def enter(user: User, account_id: int, data: dict, now: datetime) -> TrustEntry:
    account = get_account(account_id, user)
    side = _side_for(user, account, data.get("side"))
    kind, category = data["kind"], data["category"]
    errors: dict = {}
    if CATEGORIES[category][0] != kind:
        errors["category"] = ["科目与收支类型不符"]
    if data["occurred_on"] > local_day(now):
        errors["occurred_on"] = ["发生日期不能晚于今天"]
    if kind == "income":
        for key in ("consultation_id", "project_id", "proof_file_ids"):
            if data.get(key):
                errors[key] = ["仅支出可关联授权依据和完工证明"]
    if data.get("project_id") is not None:
        project = db.session.get(Project, data["project_id"])
        if project is None or project.community_id != get_compound(
                account.compound_id).community_id:
            errors["project_id"] = ["不是本社区的大党委项目"]
    if errors:
        raise Unprocessable(details={"fields": errors})
    counterparty, memo = data["counterparty"].strip(), data.get("memo", "").strip()
    require_clean({"counterparty": counterparty, "memo": memo}, user.openid)
    entry = TrustEntry(account_id=account.id, kind=kind, amount_fen=data["amount_fen"],
                       category=category, public=CATEGORIES[category][1],
                       counterparty=counterparty, occurred_on=data["occurred_on"], memo=memo,
                       side=side, entered_by_id=user.id, entered_at=now,
                       consultation_id=data.get("consultation_id"),
                       project_id=data.get("project_id"), status="pending")
    db.session.add(entry)
    db.session.flush()
    files.attach(data.get("file_ids") or [], uploader_id=user.id, record_type=INVOICES,
                 record_id=entry.id, field="file_ids")
    files.attach(data.get("proof_file_ids") or [], uploader_id=user.id, record_type=PROOFS,
                 record_id=entry.id, field="proof_file_ids")
    _tell_side(account, OTHER[side], "trust_cosign_needed", "共管账户待会签",
               f"{SIDE_NAMES[side]}录入一笔{_yuan(entry.amount_fen)}元的"
               f"{'收入' if kind == 'income' else '支出'}，请核对会签", entry, user.id)
    log.info("trust entry id=%s account=%s side=%s by=%s", entry.id, account.id, side, user.id)
    return entry


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _tell_side(account: TrustAccount, side: str, kind: str, title: str, body: str,
               entry: TrustEntry | None, actor_id: int | None) -> None:
    ref = f"trust_entry:{entry.id}" if entry else f"trust_account:{account.id}"
    for user_id in sorted(orgs.side_member_ids(account.compound_id, side) - {actor_id}):
        notify(user_id, kind, title, body, ref)


def _lock_account(account: TrustAccount) -> TrustAccount:
    """Take the account's row (PostgreSQL) or the database's write lock (SQLite) with a write,
    then read it as committed: every count on the account runs one after another."""
    db.session.execute(sa.update(TrustAccount).where(TrustAccount.id == account.id)
                       .values(entries=TrustAccount.entries)
                       .execution_options(synchronize_session=False))
    return db.session.get(TrustAccount, account.id, populate_existing=True)


def _decided_conflict(entry: TrustEntry) -> ApiError:
    db.session.refresh(entry)
    if entry.status == "rejected":
        return Conflict("entry_rejected", "该账目已被驳回")
    return Conflict("already_cosigned", "该账目已会签", details={"cosigned_by_id":
                                                             entry.decided_by_id})


def cosign(user: User, account_id: int, entry_id: int, now: datetime) -> TrustEntry:
    """The other side's member co-signs: the entry counts, takes the next place in the chain
    and moves the balance, exactly once whatever runs at the same time."""
    account = get_account(account_id, user)
    entry = get_entry(account, entry_id)
    _check_other_side(user, account, entry)
    count_entry(account, entry, user.id, now)
    record("approve", actor_id=user.id, target_type="trust_entry", target_id=entry.id,
           details={"account_id": account.id, "kind": entry.kind, "amount_fen": entry.amount_fen,
                    "seq": entry.seq})
    notify(entry.entered_by_id, "trust_cosigned", "账目已会签",
           f"{_yuan(entry.amount_fen)}元的账目已由{SIDE_NAMES[OTHER[entry.side]]}会签入账",
           f"trust_entry:{entry.id}")
    log.info("trust entry counted id=%s account=%s seq=%s by=%s", entry.id, account.id,
             entry.seq, user.id)
    return entry


def count_entry(account: TrustAccount, entry: TrustEntry, cosigner_id: int,
                now: datetime) -> TrustEntry:
    """The one writer of the chain: a pending entry counts, takes the account's next place
    and moves its balance, exactly once whatever runs at the same time (409 otherwise).
    `cosign` decides who may call it."""
    if entry.status != "pending":
        raise _decided_conflict(entry)
    account = _lock_account(account)
    seq = account.entries + 1
    balance_after = account.balance_fen + entry.effect
    digest = chain_hash(account.head_hash, entry, seq, balance_after, cosigner_id)
    done = db.session.execute(
        sa.update(TrustEntry).where(TrustEntry.id == entry.id, TrustEntry.status == "pending")
        .values(status="counted", decided_by_id=cosigner_id, decided_at=now, seq=seq,
                balance_after=balance_after, hash=digest)
        .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise _decided_conflict(entry)
    public = entry.effect if entry.public else 0
    db.session.execute(
        sa.update(TrustAccount).where(TrustAccount.id == account.id,
                                      TrustAccount.entries == account.entries)
        .values(entries=seq, balance_fen=balance_after,
                public_income_fen=TrustAccount.public_income_fen + public, head_hash=digest)
        .execution_options(synchronize_session=False))
    db.session.refresh(entry)
    db.session.refresh(account)
    return entry


def reject(user: User, account_id: int, entry_id: int, reason: str,
           now: datetime) -> TrustEntry:
    """The other side refuses to co-sign: the entry never counts."""
    account = get_account(account_id, user)
    entry = get_entry(account, entry_id)
    _check_other_side(user, account, entry)
    require_clean({"reason": reason}, user.openid)
    done = db.session.execute(
        sa.update(TrustEntry).where(TrustEntry.id == entry.id, TrustEntry.status == "pending")
        .values(status="rejected", decided_by_id=user.id, decided_at=now,
                reject_reason=reason.strip())
        .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise _decided_conflict(entry)
    db.session.refresh(entry)
    record("reject", actor_id=user.id, target_type="trust_entry", target_id=entry.id,
           details={"account_id": account.id})
    notify(entry.entered_by_id, "trust_rejected", "账目被驳回", reason[:100],
           f"trust_entry:{entry.id}")
    return entry


def reverse(user: User, account_id: int, entry_id: int, data: dict,
            now: datetime) -> TrustEntry:
    """A counted entry is reversed by a new entry of the same amount and category that takes
    it back out once the other side co-signs it."""
    account = get_account(account_id, user)
    original = get_entry(account, entry_id)
    side = _side_for(user, account, data.get("side"))
    if original.reverses_id is not None:
        raise Conflict("cannot_reverse_reversal", "冲正账目不能再冲正，请重新录入正确的账目")
    if original.status != "counted":
        raise Conflict("entry_not_counted", "账目尚未会签入账，未入账的账目由对方驳回即可",
                       details={"status": original.status})
    reason = data["reason"].strip()
    require_clean({"reason": reason}, user.openid)
    entry = TrustEntry(account_id=account.id, kind=original.kind, amount_fen=original.amount_fen,
                       category=original.category, public=original.public,
                       counterparty=original.counterparty, occurred_on=local_day(now),
                       memo=f"冲正第{original.id}号账目：{reason}"[:500], side=side,
                       entered_by_id=user.id, entered_at=now, reverses_id=original.id,
                       status="pending")
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        raise Conflict("already_reversed", "该账目已有冲正") from None
    record("adjustment", actor_id=user.id, target_type="trust_entry", target_id=entry.id,
           details={"account_id": account.id, "reverses_id": original.id})
    _tell_side(account, OTHER[side], "trust_cosign_needed", "共管账户待会签",
               f"第{original.id}号账目申请冲正，请核对会签", entry, user.id)
    return entry


def entries_stmt(account: TrustAccount, status: str | None, month: date | None):
    stmt = sa.select(TrustEntry).where(TrustEntry.account_id == account.id)
    if status:
        stmt = stmt.where(TrustEntry.status == status)
    if month:
        first, nxt = month_bounds(month)
        stmt = stmt.where(TrustEntry.occurred_on >= first, TrustEntry.occurred_on < nxt)
    return stmt


# -- statements and reconciliation --------------------------------------------------------------
def _effects(account_id: int, before: date | None = None, first: date | None = None):
    stmt = sa.select(TrustEntry).where(TrustEntry.account_id == account_id,
                                       TrustEntry.status == "counted")
    if first is not None:
        stmt = stmt.where(TrustEntry.occurred_on >= first)
    if before is not None:
        stmt = stmt.where(TrustEntry.occurred_on < before)
    return list(db.session.scalars(stmt.order_by(TrustEntry.occurred_on, TrustEntry.id)))


def book_closing(account_id: int, month: date) -> int:
    _, nxt = month_bounds(month)
    return sum(e.effect for e in _effects(account_id, before=nxt))


def statement(user: User, account_id: int, month: date) -> dict:
    """The month's counted entries by the day they occurred: opening and closing balance,
    income, expense, public income on its own line, totals by category."""
    account = get_account(account_id, user)
    first, nxt = month_bounds(month)
    opening = sum(e.effect for e in _effects(account.id, before=first))
    rows = _effects(account.id, first=first, before=nxt)
    income = sum(e.effect for e in rows if e.kind == "income")
    expense = -sum(e.effect for e in rows if e.kind == "expense")
    public = sum(e.effect for e in rows if e.kind == "income" and e.public)
    by_category: dict[str, int] = {}
    for e in rows:  # what each category brought in or paid out, net of reversals
        amount = e.effect if e.kind == "income" else -e.effect
        by_category[e.category] = by_category.get(e.category, 0) + amount
    pending = int(db.session.scalar(sa.select(sa.func.count(TrustEntry.id)).where(
        TrustEntry.account_id == account.id, TrustEntry.status == "pending",
        TrustEntry.occurred_on >= first, TrustEntry.occurred_on < nxt)) or 0)
    rec = db.session.scalar(sa.select(TrustReconciliation).where(
        TrustReconciliation.account_id == account.id, TrustReconciliation.month == first))
    closing = opening + income - expense
    return {
        "account_id": account.id, "compound_id": account.compound_id,
        "month": f"{first:%Y-%m}", "opening_fen": opening, "income_fen": income,
        "expense_fen": expense, "public_income_fen": public,
        "other_income_fen": income - public, "closing_fen": closing,
        "by_category": [{"category": c, "name": CATEGORIES[c][2], "kind": CATEGORIES[c][0],
                         "public": CATEGORIES[c][1], "amount_fen": amount}
                        for c, amount in sorted(by_category.items(),
                                                key=lambda i: (CATEGORIES[i[0]][0] != "income",
                                                               i[0]))],
        "entries": entry_views(rows, user), "pending_count": pending,
        "reconciliation": reconciliation_view(rec, closing, user) if rec else None,
    }


def reconcile(user: User, account_id: int, data: dict, now: datetime) -> TrustReconciliation:
    """The bank's closing balance of a finished month against the book's closing balance of
    counted entries; a difference is flagged to both sides and the community's staff."""
    account = get_account(account_id, user)
    compound = get_compound(account.compound_id)
    if not (has_role(user, "staff", community_id=compound.community_id)
            or orgs.seat_sides(user.id, account.compound_id)):
        raise Forbidden("not_a_side",
                        "仅本小区物业公司、业委会（自管委）在任成员或社区工作人员可以对账")
    first, _ = month_bounds(data["month"])
    if first >= month_bounds(local_day(now))[0]:
        raise Unprocessable(details={"fields": {"month": ["只能对已结束的月份对账"]}})
    note = data.get("note", "").strip()
    require_clean({"note": note}, user.openid)
    book = book_closing(account.id, first)
    rec = TrustReconciliation(account_id=account.id, month=first,
                              bank_closing_fen=data["bank_closing_fen"], book_closing_fen=book,
                              difference_fen=data["bank_closing_fen"] - book, note=note,
                              entered_by_id=user.id, entered_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(rec)
    except IntegrityError:
        raise Conflict("already_reconciled", "该月已对账") from None
    files.attach([data["file_id"]] if data.get("file_id") else [], uploader_id=user.id,
                 record_type=BANK_STATEMENTS, record_id=rec.id, field="file_id")
    if rec.difference_fen:
        body = (f"{first:%Y年%m月}银行余额{_yuan(rec.bank_closing_fen)}元，账面余额"
                f"{_yuan(book)}元，相差{_yuan(rec.difference_fen)}元")
        told = (orgs.side_member_ids(account.compound_id, "property")
                | orgs.side_member_ids(account.compound_id, "owners_committee")
                | set(holders("staff", community_id=compound.community_id)))
        for user_id in sorted(told):
            notify(user_id, "trust_mismatch", "共管账户对账不符", body,
                   f"trust_account:{account.id}")
        log.warning("trust reconciliation mismatch account=%s month=%s difference=%s",
                    account.id, first, rec.difference_fen)
    return rec


def reconciliations(user: User, account_id: int) -> list[dict]:
    account = get_account(account_id, user)
    rows = db.session.scalars(sa.select(TrustReconciliation).where(
        TrustReconciliation.account_id == account.id).order_by(TrustReconciliation.month.desc()))
    return [reconciliation_view(r, book_closing(account.id, r.month), user) for r in rows]


# -- rechecks (复核) -------------------------------------------------------------------------
def ask_recheck(user: User, account_id: int, entry_id: int, data: dict,
                now: datetime) -> TrustRecheck:
    account = get_account(account_id, user)
    entry = get_entry(account, entry_id)
    if data["household_id"] not in bound_household_ids(user, account.compound_id):
        raise Forbidden("not_a_household", "仅本小区已绑定的住户可以申请复核",
                        details={"fields": {"household_id": ["不是您在本小区绑定的住户"]}})
    question = data["question"].strip()
    require_clean({"question": question}, user.openid)
    days = current_app.config["TRUST_RECHECK_DAYS"]
    recheck = TrustRecheck(account_id=account.id, entry_id=entry.id,
                           household_id=data["household_id"], asked_by_id=user.id,
                           question=question, asked_at=now, due_at=now + timedelta(days=days),
                           answer_side=OTHER[entry.side])
    db.session.add(recheck)
    db.session.flush()
    _tell_side(account, recheck.answer_side, "trust_recheck", "住户申请复核账目",
               f"第{entry.id}号账目：{question[:60]}（{days}日内答复）", entry, user.id)
    return recheck


def answer_recheck(user: User, account_id: int, recheck_id: int, answer: str,
                   now: datetime) -> TrustRecheck:
    account = get_account(account_id, user)
    recheck = db.session.get(TrustRecheck, recheck_id)
    if recheck is None or recheck.account_id != account.id:
        raise NotFound(message="复核申请不存在")
    sides = orgs.seat_sides(user.id, account.compound_id)
    if recheck.answer_side not in sides or OTHER[recheck.answer_side] in sides:
        raise Forbidden("not_answering_side",
                        f"须由本小区{SIDE_NAMES[recheck.answer_side]}在任成员（未在对方任职）答复")
    answer = answer.strip()
    require_clean({"answer": answer}, user.openid)
    done = db.session.execute(
        sa.update(TrustRecheck).where(TrustRecheck.id == recheck.id,
                                      TrustRecheck.answered_at.is_(None))
        .values(answer=answer, answered_by_id=user.id, answered_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Conflict("recheck_answered", "该复核申请已答复")
    db.session.refresh(recheck)
    notify(recheck.asked_by_id, "trust_recheck_answered", "复核已答复", answer[:100],
           f"trust_entry:{recheck.entry_id}")
    return recheck


def rechecks_stmt(user: User, account_id: int, entry_id: int | None, state: str | None,
                  now: datetime):
    account = get_account(account_id, user)
    stmt = sa.select(TrustRecheck).where(TrustRecheck.account_id == account.id)
    if entry_id is not None:
        stmt = stmt.where(TrustRecheck.entry_id == entry_id)
    if state == "open":
        stmt = stmt.where(TrustRecheck.answered_at.is_(None))
    elif state == "answered":
        stmt = stmt.where(TrustRecheck.answered_at.is_not(None))
    elif state == "overdue":
        stmt = stmt.where(TrustRecheck.answered_at.is_(None), TrustRecheck.due_at < now)
    return stmt


def overdue_recheck_ids(now: datetime, limit: int) -> list[int]:
    return list(db.session.scalars(sa.select(TrustRecheck.id).where(
        TrustRecheck.answered_at.is_(None), TrustRecheck.due_at < now,
        TrustRecheck.escalated_at.is_(None)).order_by(TrustRecheck.id).limit(limit)))


def escalate_recheck(recheck_id: int, now: datetime) -> bool:
    """Tell the community's staff and the answering side about an unanswered recheck, once."""
    done = db.session.execute(
        sa.update(TrustRecheck).where(TrustRecheck.id == recheck_id,
                                      TrustRecheck.answered_at.is_(None),
                                      TrustRecheck.escalated_at.is_(None),
                                      TrustRecheck.due_at < now)
        .values(escalated_at=now).execution_options(synchronize_session=False)).rowcount
    if not done:
        return False
    recheck = db.session.get(TrustRecheck, recheck_id, populate_existing=True)
    account = db.session.get(TrustAccount, recheck.account_id)
    compound = get_compound(account.compound_id)
    told = set(holders("staff", community_id=compound.community_id))
    told |= orgs.side_member_ids(account.compound_id, recheck.answer_side)
    for user_id in sorted(told):
        notify(user_id, "trust_recheck_overdue", "复核逾期未答复",
               f"{compound.name}第{recheck.entry_id}号账目的复核已超过答复期限",
               f"trust_entry:{recheck.entry_id}")
    return True


# -- views -----------------------------------------------------------------------------------
def account_view(account: TrustAccount, viewer: User) -> dict:
    compound = get_compound(account.compound_id)
    last = db.session.scalar(sa.select(TrustReconciliation).where(
        TrustReconciliation.account_id == account.id)
        .order_by(TrustReconciliation.month.desc()).limit(1))
    return {"id": account.id, "compound_id": account.compound_id,
            "compound_name": compound.name, "bank_name": account.bank_name,
            "account_tail": account.account_tail, "opened_at": account.opened_at,
            "balance_fen": account.balance_fen, "public_income_fen": account.public_income_fen,
            "counted_entries": account.entries, "pending_count": pending_count(account.id),
            "my_sides": sorted(orgs.seat_sides(viewer.id, account.compound_id)),
            "last_reconciliation": reconciliation_view(
                last, book_closing(account.id, last.month), viewer) if last else None}


def _names(user_ids) -> dict[int, str]:
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.nickname).where(
        User.id.in_(ids))).all())


def entry_views(entries: list[TrustEntry], viewer: User) -> list[dict]:
    ids = [e.id for e in entries]
    invoices = files.refs_for_many(INVOICES, ids, viewer.id)
    proofs = files.refs_for_many(PROOFS, ids, viewer.id)
    names = _names([e.entered_by_id for e in entries] + [e.decided_by_id for e in entries])
    reversed_by = dict(db.session.execute(sa.select(TrustEntry.reverses_id, TrustEntry.id).where(
        TrustEntry.reverses_id.in_(ids), TrustEntry.status != "rejected")).all()) if ids else {}
    rechecks = dict(db.session.execute(
        sa.select(TrustRecheck.entry_id, sa.func.count(TrustRecheck.id))
        .where(TrustRecheck.entry_id.in_(ids)).group_by(TrustRecheck.entry_id)).all()) \
        if ids else {}
    out = []
    for e in entries:
        out.append({
            "id": e.id, "account_id": e.account_id, "kind": e.kind, "amount_fen": e.amount_fen,
            "effect_fen": e.effect, "category": e.category,
            "category_name": CATEGORIES[e.category][2], "public": e.public,
            "counterparty": e.counterparty, "occurred_on": e.occurred_on, "memo": e.memo,
            "side": e.side, "status": e.status,
            "entered_by": {"id": e.entered_by_id, "nickname": names.get(e.entered_by_id, "")},
            "entered_at": e.entered_at,
            "decided_by": ({"id": e.decided_by_id, "nickname": names.get(e.decided_by_id, "")}
                           if e.decided_by_id else None),
            "decided_at": e.decided_at, "reject_reason": e.reject_reason or None,
            "reverses_id": e.reverses_id, "reversed_by_id": reversed_by.get(e.id),
            "consultation_id": e.consultation_id, "project_id": e.project_id,
            "seq": e.seq, "balance_after": e.balance_after,
            "files": invoices.get(e.id, []), "proofs": proofs.get(e.id, []),
            "rechecks": int(rechecks.get(e.id, 0))})
    return out


def reconciliation_view(rec: TrustReconciliation, book_now: int,
                        viewer: User | None = None) -> dict:
    return {"id": rec.id, "month": f"{rec.month:%Y-%m}", "bank_closing_fen": rec.bank_closing_fen,
            "book_closing_fen": rec.book_closing_fen, "difference_fen": rec.difference_fen,
            "flagged": rec.difference_fen != 0, "book_closing_now_fen": book_now,
            "note": rec.note, "entered_at": rec.entered_at,
            "files": files.refs(BANK_STATEMENTS, rec.id, viewer.id) if viewer else []}


def recheck_view(recheck: TrustRecheck, now: datetime) -> dict:
    return {"id": recheck.id, "entry_id": recheck.entry_id,
            "household": recheck.household.address_masked, "question": recheck.question,
            "asked_at": recheck.asked_at, "due_at": recheck.due_at,
            "answer_side": recheck.answer_side, "answer": recheck.answer or None,
            "answered_at": recheck.answered_at,
            "overdue": recheck.answered_at is None and recheck.due_at < now,
            "answered_late": recheck.answered_at is not None and
            recheck.answered_at > recheck.due_at}


def _visible(record_model, user: User, record_id: int) -> bool:
    row = db.session.get(record_model, record_id)
    account = row and db.session.get(TrustAccount, row.account_id)
    return account is not None and can_read(user, account)


files.register_visibility(INVOICES, lambda user, rid: _visible(TrustEntry, user, rid))
files.register_visibility(PROOFS, lambda user, rid: _visible(TrustEntry, user, rid))
files.register_visibility(BANK_STATEMENTS,
                          lambda user, rid: _visible(TrustReconciliation, user, rid))
