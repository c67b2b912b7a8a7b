"""Consultations: one household, one vote (see models.py and rules.py).

- Staff of the community create a consultation for a compound, a building or a unit, with a
  rule, a window and optionally an objection deadline. With `opens_at` not in the future it
  opens at once and its roll freezes in that transaction; otherwise it stays a draft, its
  roll (every household of the scope in the register, masked, with its area) is published
  with its hash, households may object, and the job (jobs.py) or staff open it.
- Opening freezes the roll (consultation_roll) and its hash; nothing changes it afterwards.
  Opening is refused while an objection waits for an answer.
- A bound owner (binding relation `owner`) of a household on the roll votes; staff enter a
  paper ballot with its photo. Each ballot returns a receipt; the household's latest ballot
  replaces its earlier one (INSERT … ON CONFLICT DO UPDATE on a unique index, so two owners
  voting at once still leave one vote). A vote takes a shared lock on the consultation row
  and the close an exclusive one, so no vote lands after the result is computed.
- While open, turnout (heads and area) is live; the choices stay sealed from everyone.
- The close (job at `closes_at`, or staff after it) computes the result once, in the statement
  that closes it, and publishes the receipts with their choices (sorted by receipt) and the
  list's hash. A closed consultation never changes.

Services flush and never commit.
"""
import hashlib
import logging
import secrets
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.audit.service import record
from app.auth.models import User
from app.auth.permissions import has_role, has_street_scope, require
from app.common.timeutil import local_iso
from app.community.models import Building, Community, Household, HouseholdBinding
from app.community.service import get_building, get_compound
from app.consultations import rules
from app.consultations.models import Ballot, Consultation, Objection, RollEntry, Vote
from app.errors import ApiError, Conflict, Forbidden, NotFound, Unprocessable
from app.extensions import db
from app.files import service as files
from app.files.models import StoredFile
from app.notifications.service import notify, notify_many

log = logging.getLogger(__name__)
BALLOT_FILES = "consultation_ballot"


class ConsultationClosed(ApiError):
    status, code, message = 409, "consultation_closed", "不在表决时间内，不能投票"


class NotOwner(ApiError):
    status, code, message = 403, "not_owner", "仅该户已绑定的业主可以投票"


# -- reading helpers -----------------------------------------------------------------------
def get(consultation_id: int) -> Consultation:
    c = db.session.get(Consultation, consultation_id)
    if c is None:
        raise NotFound(message="协商不存在")
    return c


def _lock(consultation_id: int, exclusive: bool) -> Consultation:
    """The row, locked: shared for a vote, exclusive to open or close (PostgreSQL; SQLite
    serialises writers anyway)."""
    c = db.session.scalar(
        sa.select(Consultation).where(Consultation.id == consultation_id)
        .with_for_update(read=not exclusive, of=Consultation)
        .execution_options(populate_existing=True))
    if c is None:
        raise NotFound(message="协商不存在")
    return c


def _street_of(community_id: int) -> int:
    return db.session.scalar(sa.select(Community.street_id).where(Community.id == community_id))


def may_manage(user: User, c: Consultation) -> bool:
    """Staff of the consultation's community (and admins)."""
    return has_role(user, "staff", community_id=c.community_id)


def oversees(user: User, c: Consultation) -> bool:
    return may_manage(user, c) or has_street_scope(user, _street_of(c.community_id))


def _scope_filter(c: Consultation) -> list:
    """Conditions on Household joined with Building: the households of the scope."""
    conds = [Building.compound_id == c.compound_id]
    if c.building_id is not None:
        conds.append(Household.building_id == c.building_id)
    if c.unit is not None:
        conds.append(Household.unit == c.unit)
    return conds


def in_scope(c: Consultation, household_ids) -> set[int]:
    """Which of these households are on the roll (the register's scope while a draft)."""
    ids = list(household_ids)
    if not ids:
        return set()
    if c.status == "draft":
        return set(db.session.scalars(
            sa.select(Household.id).join(Building, Building.id == Household.building_id)
            .where(Household.id.in_(ids), *_scope_filter(c))))
    return set(db.session.scalars(sa.select(RollEntry.household_id).where(
        RollEntry.consultation_id == c.id, RollEntry.household_id.in_(ids))))


def bound_households(user: User) -> dict[int, str]:
    """household id -> relation, for the user's approved bindings."""
    return dict(db.session.execute(sa.select(
        HouseholdBinding.household_id, HouseholdBinding.relation).where(
        HouseholdBinding.user_id == user.id, HouseholdBinding.status == "approved")).all())


def can_read(user: User, c: Consultation) -> bool:
    return oversees(user, c) or bool(in_scope(c, bound_households(user)))


def readable(consultation_id: int, user: User) -> Consultation:
    c = get(consultation_id)
    require(can_read(user, c), hide=True)
    return c


def accepting_votes(c: Consultation, now: datetime) -> bool:
    return c.status == "open" and c.opens_at <= now < c.closes_at


def _require_window(c: Consultation, now: datetime) -> None:
    if not accepting_votes(c, now):
        raise ConsultationClosed(details={"status": c.status, "opens_at": local_iso(c.opens_at),
                                          "closes_at": local_iso(c.closes_at)})


# -- the roll --------------------------------------------------------------------------------
def _mask_room(room: str) -> str:
    if len(room) >= 3:
        return room[0] + "*" * (len(room) - 2) + room[-1]
    return "*" * len(room)


def _label(building_name: str, unit: str, room: str) -> str:
    unit_text = f"{unit}单元" if unit else ""
    return f"{building_name}{unit_text}{_mask_room(room)}室"


def area_text(hundredths: int | None) -> str | None:
    """0.01 m² as "89.50" (m²)."""
    return None if hundredths is None else str(Decimal(hundredths).scaleb(-2))


def _register(c: Consultation) -> list[dict]:
    """The roll as the register gives it now: every household of the scope, bound or not."""
    rows = db.session.execute(
        sa.select(Household.id, Household.unit, Household.room, Household.area_m2,
                  Building.name).join(Building, Building.id == Household.building_id)
        .where(*_scope_filter(c))
        .order_by(Building.id, Household.unit, Household.room, Household.id)).all()
    return [{"seq": i + 1, "household_id": r.id, "label": _label(r.name, r.unit, r.room),
             "area": None if r.area_m2 is None else int(r.area_m2 * 100)}
            for i, r in enumerate(rows)]


def roll_hash(consultation_id: int, entries: list[dict]) -> str:
    """sha256 of `consultation:<id>` then one line per entry `seq<TAB>label<TAB>area`
    (area in m² with two decimals, `-` when unknown), each ending with a newline: anyone can
    recompute it from the published roll."""
    digest = hashlib.sha256(f"consultation:{consultation_id}\n".encode())
    for e in entries:
        digest.update(f"{e['seq']}\t{e['label']}\t{area_text(e['area']) or '-'}\n".encode())
    return digest.hexdigest()


def _frozen_roll(c: Consultation) -> list[dict]:
    return [{"seq": r.seq, "household_id": r.household_id, "label": r.label, "area": r.area}
            for r in db.session.scalars(sa.select(RollEntry).where(
                RollEntry.consultation_id == c.id).order_by(RollEntry.seq))]


def roll(user: User, consultation_id: int) -> dict:
    """The published roll: live from the register while a draft, frozen once open."""
    c = readable(consultation_id, user)
    entries = _register(c) if c.status == "draft" else _frozen_roll(c)
    mine = set(bound_households(user))
    return {
        "consultation_id": c.id, "frozen": c.status != "draft",
        "hash": c.roll_hash if c.status != "draft" else roll_hash(c.id, entries),
        "eligible": len(entries),
        "eligible_area_m2": area_text(sum(e["area"] or 0 for e in entries)),
        "area_missing": sum(1 for e in entries if e["area"] is None),
        "objections_close_at": c.objections_close_at,
        "entries": [{"seq": e["seq"], "label": e["label"], "area_m2": area_text(e["area"]),
                     "mine": e["household_id"] in mine} for e in entries],
    }


# -- creating and opening ----------------------------------------------------------------
def _resolve_scope(scope: dict) -> tuple[int, int, int | None, str | None]:
    """(community_id, compound_id, building_id, unit) of a scope, or 404."""
    if scope.get("compound_id") is not None:
        compound = get_compound(scope["compound_id"])
        return compound.community_id, compound.id, None, None
    building = get_building(scope["building_id"])
    unit = scope.get("unit")
    if unit is not None and not db.session.scalar(sa.select(Household.id).where(
            Household.building_id == building.id, Household.unit == unit).limit(1)):
        raise NotFound(message="该单元不存在")
    return building.compound.community_id, building.compound_id, building.id, unit


def create(user: User, data: dict, now: datetime, origin: str | None = None) -> Consultation:
    community_id, compound_id, building_id, unit = _resolve_scope(data["scope"])
    require(has_role(user, "staff", community_id=community_id))
    opens_at, closes_at = data["opens_at"], data["closes_at"]
    objections_close_at = data.get("objections_close_at")
    errors = {}
    if closes_at <= opens_at:
        errors["closes_at"] = ["结束时间须晚于开始时间"]
    elif closes_at <= now:
        errors["closes_at"] = ["结束时间须晚于现在"]
    if objections_close_at is not None:
        if opens_at <= now:
            errors["objections_close_at"] = ["立即开始的表决没有异议期"]
        elif not now < objections_close_at <= opens_at:
            errors["objections_close_at"] = ["异议截止时间须在现在与开始时间之间"]
    if errors:
        raise Unprocessable(details={"fields": errors})
    rule = data["rule"]
    c = Consultation(
        community_id=community_id, compound_id=compound_id, building_id=building_id, unit=unit,
        title=data["title"], body=data.get("body", ""),
        option_labels=data.get("options") or {}, rule_kind=rule["kind"],
        threshold_pct=rule.get("threshold_pct") if rule["kind"] == "share_of_all" else None,
        origin=origin, opens_at=opens_at, closes_at=closes_at,
        objections_close_at=objections_close_at, status="draft", created_by_id=user.id,
        created_at=now)
    db.session.add(c)
    db.session.flush()
    log.info("consultation id=%s compound=%s building=%s unit=%s rule=%s by=%s", c.id, compound_id,
             building_id, unit, c.rule_kind, user.id)
    if opens_at <= now:
        return open_consultation(c.id, now, actor=user)
    _tell(c, "协商表决名册已公示", f"{c.title}：请核对名册，如有异议请在开始前提出")
    return c


def open_consultation(consultation_id: int, now: datetime, actor: User | None) -> Consultation:
    """Freeze the roll and open the vote (staff, the job, or a creation that opens at once)."""
    c = _lock(consultation_id, exclusive=True)
    if actor is not None:
        require(may_manage(actor, c))
    if c.status != "draft":
        raise Conflict("invalid_transition", "该协商已开始或已结束", details={"status": c.status})
    if now >= c.closes_at:
        raise Conflict("consultation_expired", "已过结束时间，请重新发起")
    if actor is not None and c.objections_close_at is not None and now < c.objections_close_at:
        raise Conflict("objection_window_open", "名册异议期尚未结束，不能提前开始",
                       details={"objections_close_at": local_iso(c.objections_close_at)})
    pending = db.session.scalar(sa.select(sa.func.count(Objection.id)).where(
        Objection.consultation_id == c.id, Objection.status == "pending"))
    if pending:
        raise Conflict("objections_pending", "还有名册异议未答复，答复后才能开始",
                       details={"pending": pending})
    entries = _register(c)
    if not entries:
        raise Conflict("empty_roll", "范围内没有登记住户")
    missing = sum(1 for e in entries if e["area"] is None)
    if c.rule_kind == "civil_code_278" and missing:
        raise Conflict("household_area_missing", "有住户未登记建筑面积，不能按面积表决",
                       details={"households": missing})
    # The roll first, while still a draft (on PostgreSQL a trigger refuses it afterwards).
    db.session.execute(sa.insert(RollEntry), [
        {"consultation_id": c.id, "household_id": e["household_id"], "seq": e["seq"],
         "label": e["label"], "area": e["area"]} for e in entries])
    values = {"status": "open", "opened_at": now,
              "opened_by_id": actor.id if actor is not None else None,
              "roll_hash": roll_hash(c.id, entries), "eligible_count": len(entries),
              "eligible_area": sum(e["area"] or 0 for e in entries)}
    if now < c.opens_at:  # opened early by staff: the window starts now
        values["opens_at"] = now
    db.session.execute(sa.update(Consultation).where(
        Consultation.id == c.id, Consultation.status == "draft").values(**values)
        .execution_options(synchronize_session=False))
    db.session.refresh(c)
    _tell(c, "协商表决已开始", f"{c.title}：请业主在截止前投票")
    log.info("consultation opened id=%s eligible=%s by=%s", c.id, len(entries),
             actor.id if actor is not None else "job")
    return c


def _tell(c: Consultation, title: str, body: str) -> None:
    """Every user bound to a household of the scope (on the roll once it is frozen)."""
    stmt = sa.select(HouseholdBinding.user_id).where(HouseholdBinding.status == "approved")
    if c.status == "draft":
        stmt = stmt.join(Household, Household.id == HouseholdBinding.household_id).join(
            Building, Building.id == Household.building_id).where(*_scope_filter(c))
    else:
        stmt = stmt.join(RollEntry, RollEntry.household_id == HouseholdBinding.household_id) \
            .where(RollEntry.consultation_id == c.id)
    notify_many(sorted(set(db.session.scalars(stmt))), "consultation", title, body,
                f"consultation:{c.id}")


# -- objections to the roll --------------------------------------------------------------
def object_to_roll(user: User, consultation_id: int, data: dict, now: datetime) -> Objection:
    c = readable(consultation_id, user)
    household_id = data["household_id"]
    if household_id not in in_scope(c, [household_id]):
        raise NotFound(message="该住户不在本次表决范围内")
    if household_id not in bound_households(user):
        raise Forbidden("not_bound", "仅该户已绑定的居民可以提出异议")
    if c.status != "draft" or (c.objections_close_at is not None
                               and now >= c.objections_close_at):
        raise Conflict("objection_window_closed", "名册异议期已结束")
    objection = Objection(consultation_id=c.id, household_id=household_id, user_id=user.id,
                          reason=data["reason"], status="pending", created_at=now)
    db.session.add(objection)
    db.session.flush()
    log.info("roll objection id=%s consultation=%s", objection.id, c.id)
    return objection


def answer_objection(user: User, consultation_id: int, objection_id: int, data: dict,
                     now: datetime) -> Objection:
    c = readable(consultation_id, user)
    require(may_manage(user, c))
    objection = db.session.get(Objection, objection_id)
    if objection is None or objection.consultation_id != c.id:
        raise NotFound(message="异议不存在")
    done = db.session.execute(
        sa.update(Objection).where(Objection.id == objection.id, Objection.status == "pending")
        .values(status=data["decision"], answer=data["answer"], answered_by_id=user.id,
                answered_at=now).execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Conflict("invalid_transition", "该异议已答复", details={"status": objection.status})
    db.session.refresh(objection)
    record("approve" if objection.status == "upheld" else "reject", actor_id=user.id,
           target_type="consultation_objection", target_id=objection.id,
           details={"consultation_id": c.id, "household_id": objection.household_id})
    notify(objection.user_id, "consultation", "名册异议已答复",
           f"{c.title}：{'异议成立' if objection.status == 'upheld' else '异议不成立'}",
           f"consultation:{c.id}")
    return objection


def objections_stmt(user: User, consultation_id: int):
    """Staff see every objection; a resident those of their own households."""
    c = readable(consultation_id, user)
    stmt = sa.select(Objection).where(Objection.consultation_id == c.id)
    if not oversees(user, c):
        stmt = stmt.where(Objection.household_id.in_(list(bound_households(user))))
    return stmt


# -- voting ------------------------------------------------------------------------------
def _receipt(c: Consultation, household_id: int, choice: str, now: datetime) -> str:
    nonce = secrets.token_hex(16)
    return hashlib.sha256(
        f"{c.id}:{household_id}:{choice}:{now.isoformat()}:{nonce}".encode()).hexdigest()


def _upsert_vote(values: dict) -> None:
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" \
        else sqlite.insert
    stmt = insert(Vote).values(**values)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=["consultation_id", "household_id"],
        set_={k: stmt.excluded[k] for k in ("ballot_id", "choice", "channel", "receipt",
                                            "cast_at")}))


def _cast(c: Consultation, household_id: int, choice: str, now: datetime, **who) -> Ballot:
    ballot = Ballot(consultation_id=c.id, household_id=household_id, choice=choice,
                    receipt=_receipt(c, household_id, choice, now), cast_at=now, **who)
    db.session.add(ballot)
    db.session.flush()
    _upsert_vote({"consultation_id": c.id, "household_id": household_id,
                  "ballot_id": ballot.id, "choice": choice, "channel": ballot.channel,
                  "receipt": ballot.receipt, "cast_at": now})
    return ballot


def vote(user: User, consultation_id: int, data: dict, now: datetime) -> Ballot:
    """A bound owner votes for their household; the household's next vote replaces it."""
    c = _lock(consultation_id, exclusive=False)
    mine = bound_households(user)
    require(oversees(user, c) or bool(in_scope(c, mine)), hide=True)
    household_id = data["household_id"]
    if household_id not in in_scope(c, [household_id]):
        raise NotFound(message="该住户不在本次表决范围内")
    if mine.get(household_id) != "owner":
        raise NotOwner()
    _require_window(c, now)
    ballot = _cast(c, household_id, data["choice"], now, channel="app", user_id=user.id)
    log.info("vote consultation=%s household=%s ballot=%s", c.id, household_id, ballot.id)
    return ballot


def paper_vote(user: User, consultation_id: int, data: dict, now: datetime) -> Ballot:
    """Staff enter a paper ballot, checked, with its photo; counted like a vote in the app."""
    c = _lock(consultation_id, exclusive=False)
    require(can_read(user, c), hide=True)
    require(may_manage(user, c))
    household_id, file_id = data["household_id"], data["file_id"]
    if household_id not in in_scope(c, [household_id]):
        raise NotFound(message="该住户不在本次表决范围内")
    _require_window(c, now)
    file = db.session.get(StoredFile, file_id)
    if file is None or file.uploader_id != user.id or file.record_type is not None:
        raise Unprocessable("invalid_file", "文件不存在、已被使用或不属于您", details={
            "fields": {"file_id": ["无法使用的文件"]}, "file_ids": [file_id]})
    ballot = _cast(c, household_id, data["choice"], now, channel="paper",
                   entered_by_id=user.id, file_id=file_id)
    files.attach([file_id], uploader_id=user.id, record_type=BALLOT_FILES,
                 record_id=ballot.id, field="file_id")
    record("approve", actor_id=user.id, target_type="consultation_ballot", target_id=ballot.id,
           details={"consultation_id": c.id, "household_id": household_id, "file_id": file_id,
                    "channel": "paper"})
    log.info("paper vote consultation=%s household=%s ballot=%s by=%s", c.id, household_id,
             ballot.id, user.id)
    return ballot


# The photo of a paper ballot shows how the household voted: nobody but its uploader sees it.
files.register_visibility(BALLOT_FILES, lambda user, record_id: False)


# -- counting --------------------------------------------------------------------------------
def _live(c: Consultation) -> dict[str, tuple[int, int]]:
    """choice -> (households, area) of the current votes."""
    rows = db.session.execute(
        sa.select(Vote.choice, sa.func.count(Vote.id), sa.func.coalesce(sa.func.sum(
            RollEntry.area), 0))
        .join(RollEntry, sa.and_(RollEntry.consultation_id == Vote.consultation_id,
                                 RollEntry.household_id == Vote.household_id))
        .where(Vote.consultation_id == c.id).group_by(Vote.choice)).all()
    return {choice: (int(n), int(area)) for choice, n, area in rows}


def _receipt_lines(c: Consultation) -> list[tuple[str, str]]:
    return [(r.receipt, r.choice) for r in db.session.execute(
        sa.select(Vote.receipt, Vote.choice).where(Vote.consultation_id == c.id)
        .order_by(Vote.receipt))]


def receipts_hash(consultation_id: int, lines: list[tuple[str, str]]) -> str:
    """sha256 of `consultation:<id>` then `receipt<TAB>choice` per counted vote, sorted by
    receipt, each line ending with a newline."""
    digest = hashlib.sha256(f"consultation:{consultation_id}\n".encode())
    for receipt, choice in lines:
        digest.update(f"{receipt}\t{choice}\n".encode())
    return digest.hexdigest()


def close(consultation_id: int, now: datetime, actor: User | None) -> Consultation:
    """Compute the result once (staff after `closes_at`, or the job); idempotent afterwards."""
    c = _lock(consultation_id, exclusive=True)
    if actor is not None:
        require(can_read(actor, c), hide=True)
        require(may_manage(actor, c))
    if c.status == "closed":
        return c
    if c.status == "draft":
        raise Conflict("consultation_not_open", "该协商尚未开始")
    if now < c.closes_at:
        raise Conflict("consultation_open", "表决尚未结束，不能提前计票",
                       details={"closes_at": local_iso(c.closes_at)})
    live = _live(c)
    tally = rules.Tally(eligible=c.eligible_count, eligible_area=c.eligible_area,
                        agree=live.get("agree", (0, 0))[0], agree_area=live.get("agree", (0, 0))[1],
                        disagree=live.get("disagree", (0, 0))[0],
                        disagree_area=live.get("disagree", (0, 0))[1],
                        abstain=live.get("abstain", (0, 0))[0],
                        abstain_area=live.get("abstain", (0, 0))[1])
    passed = rules.passes(c.rule_kind, c.threshold_pct, tally)
    closed = db.session.execute(
        sa.update(Consultation).where(Consultation.id == c.id, Consultation.status == "open")
        .values(status="closed", closed_at=now,
                closed_by_id=actor.id if actor is not None else None,
                result="passed" if passed else "failed",
                voted_count=tally.voted, voted_area=tally.voted_area,
                agree_count=tally.agree, agree_area=tally.agree_area,
                disagree_count=tally.disagree, disagree_area=tally.disagree_area,
                abstain_count=tally.abstain, abstain_area=tally.abstain_area,
                receipts_hash=receipts_hash(c.id, _receipt_lines(c)))
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(c)
    if closed:
        verdict = "通过" if passed else "未通过"
        _tell(c, "协商表决结果已公布",
              f"{c.title}：{verdict}（同意{tally.agree}户/共{tally.eligible}户）")
        log.info("consultation closed id=%s result=%s voted=%s eligible=%s", c.id, c.result,
                 tally.voted, tally.eligible)
    return c


def outcome(consultation_id: int) -> str | None:
    """'passed' or 'failed' once closed, else None (for the domains that need a consent)."""
    return db.session.scalar(sa.select(Consultation.result).where(
        Consultation.id == consultation_id))


def receipts(user: User, consultation_id: int) -> dict:
    """After the close: every counted vote's receipt with its choice, sorted by receipt."""
    c = readable(consultation_id, user)
    if c.status != "closed":
        raise Conflict("consultation_open", "表决结束后公布回执")
    lines = _receipt_lines(c)
    return {"consultation_id": c.id, "hash": c.receipts_hash,
            "items": [{"receipt": r, "choice": ch} for r, ch in lines]}


def voters_stmt(user: User, consultation_id: int):
    """Which households voted (staff; masked labels, never the choice)."""
    c = readable(consultation_id, user)
    require(oversees(user, c))
    return sa.select(Vote).where(Vote.consultation_id == c.id)


def voter_labels(consultation_id: int, household_ids: list[int]) -> dict[int, str]:
    return dict(db.session.execute(sa.select(RollEntry.household_id, RollEntry.label).where(
        RollEntry.consultation_id == consultation_id,
        RollEntry.household_id.in_(household_ids))).all())


# -- views ---------------------------------------------------------------------------------
def _pct(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _needed(c: Consultation, eligible: int, eligible_area: int) -> dict:
    out = rules.needed(c.rule_kind, c.threshold_pct, eligible, eligible_area)
    if "voted_area" in out:
        out["voted_area_m2"] = area_text(out.pop("voted_area"))
    return out


def scope_view(c: Consultation) -> dict:
    label = c.compound.name
    if c.building is not None:
        label += c.building.name
    if c.unit:
        label += f"{c.unit}单元"
    return {"kind": c.scope_kind, "compound_id": c.compound_id, "building_id": c.building_id,
            "unit": c.unit, "label": label}


def summary(c: Consultation, now: datetime) -> dict:
    """Counts as anyone may see them: turnout live while open, choices only once closed."""
    if c.status == "draft":
        entries = _register(c)
        eligible, eligible_area = len(entries), sum(e["area"] or 0 for e in entries)
        voted = voted_area = 0
    else:
        eligible, eligible_area = c.eligible_count, c.eligible_area
        if c.status == "closed":
            voted, voted_area = c.voted_count, c.voted_area
        else:
            live = _live(c).values()
            voted, voted_area = sum(n for n, _ in live), sum(a for _, a in live)
    closed = c.status == "closed"

    def sealed(value):
        return value if closed else None

    return {
        "id": c.id, "community_id": c.community_id, "scope": scope_view(c), "title": c.title,
        "body": c.body, "options": c.option_labels or {}, "origin": c.origin,
        "rule": {"kind": c.rule_kind,
                 "threshold": (float(Decimal(c.threshold_pct) / 100)
                               if c.threshold_pct is not None else None)},
        "rule_text": rules.explain(c.rule_kind, c.threshold_pct),
        "needed": _needed(c, eligible, eligible_area),
        "status": c.status, "accepting_votes": accepting_votes(c, now),
        "opens_at": c.opens_at, "closes_at": c.closes_at,
        "objections_close_at": c.objections_close_at, "opened_at": c.opened_at,
        "closed_at": c.closed_at, "roll_hash": c.roll_hash,
        "eligible": eligible, "voted": voted, "turnout": _pct(voted, eligible),
        "agree": sealed(c.agree_count), "disagree": sealed(c.disagree_count),
        "abstain": sealed(c.abstain_count), "result": c.result,
        "receipts_hash": c.receipts_hash,
        "by_area": {
            "eligible": area_text(eligible_area), "voted": area_text(voted_area),
            "turnout": _pct(voted_area, eligible_area),
            "agree": sealed(area_text(c.agree_area)),
            "disagree": sealed(area_text(c.disagree_area)),
            "abstain": sealed(area_text(c.abstain_area))},
    }


def detail(user: User, consultation_id: int, now: datetime) -> dict:
    c = readable(consultation_id, user)
    out = summary(c, now)
    mine = bound_households(user)
    ids = sorted(in_scope(c, mine))
    votes = {v.household_id: v for v in db.session.scalars(sa.select(Vote).where(
        Vote.consultation_id == c.id, Vote.household_id.in_(ids)))} if ids else {}
    households = {h.id: h for h in db.session.scalars(
        sa.select(Household).where(Household.id.in_(ids)))} if ids else {}
    out["my_households"] = [{
        "household_id": hid, "address": households[hid].address, "relation": mine[hid],
        "can_vote": mine[hid] == "owner" and accepting_votes(c, now),
        # The household's own vote, shown to its owners only.
        "vote": ({"choice": votes[hid].choice, "receipt": votes[hid].receipt,
                  "channel": votes[hid].channel, "cast_at": votes[hid].cast_at}
                 if hid in votes and mine[hid] == "owner" else None)} for hid in ids]
    out["can_manage"] = may_manage(user, c)
    return out


def list_stmt(user: User, community_id: int | None, status: str | None):
    """Overseers: the community's consultations. Residents: those of their households."""
    stmt = sa.select(Consultation)
    if status:
        stmt = stmt.where(Consultation.status == status)
    if community_id is not None and (
            has_role(user, "staff", community_id=community_id)
            or has_street_scope(user, _street_of(community_id) or 0)):
        return stmt.where(Consultation.community_id == community_id)
    mine = list(bound_households(user))
    if not mine:
        return stmt.where(sa.false())
    homes = db.session.execute(sa.select(Household.id, Household.building_id, Household.unit,
                                         Building.compound_id)
                               .join(Building, Building.id == Household.building_id)
                               .where(Household.id.in_(mine))).all()
    in_scope_draft = sa.or_(*[sa.and_(
        Consultation.compound_id == h.compound_id,
        sa.or_(Consultation.building_id.is_(None), Consultation.building_id == h.building_id),
        sa.or_(Consultation.unit.is_(None), Consultation.unit == h.unit)) for h in homes])
    on_roll = sa.exists(sa.select(RollEntry.id).where(
        RollEntry.consultation_id == Consultation.id, RollEntry.household_id.in_(mine)))
    stmt = stmt.where(sa.or_(sa.and_(Consultation.status == "draft", in_scope_draft),
                             sa.and_(Consultation.status != "draft", on_roll)))
    if community_id is not None:
        stmt = stmt.where(Consultation.community_id == community_id)
    return stmt
