"""改造清单 (see models.py): a renovation needs a self-governing body on the compound; residents
propose items, staff curate the list and put it to a `share_of_all` consultation of the whole
compound; only a list that passed is reported for implementation.

Services flush and never commit.
"""
import logging
from datetime import datetime

import sqlalchemy as sa

from app.audit.service import record
from app.auth.models import User
from app.auth.permissions import has_role, has_street_scope, require
from app.community.models import Building, Community, Household, HouseholdBinding
from app.community.service import get_compound
from app.consultations import service as consultations
from app.consultations.rules import DEFAULT_THRESHOLD_PCT
from app.errors import Conflict, NotFound
from app.extensions import db
from app.files import service as files
from app.organisations import service as organisations
from app.renovations.models import Renovation, RenovationItem
from app.wechat.content import require_clean

log = logging.getLogger(__name__)
FILES = "renovation"
# The compound's self-governing bodies: owners' committee (业委会) and self-management
# committee (自管委), as compound-scoped roles.


def _has_self_governing_body(compound_id: int) -> bool:
    """Does the compound have an owners' committee or a self-management committee (自管委)?"""
    return organisations.self_governing_body(compound_id) is not None


# -- who ---------------------------------------------------------------------------------
def get(renovation_id: int) -> Renovation:
    renovation = db.session.get(Renovation, renovation_id)
    if renovation is None:
        raise NotFound(message="改造清单不存在")
    return renovation


def _street_of(community_id: int) -> int:
    return db.session.scalar(sa.select(Community.street_id).where(Community.id == community_id))


def may_manage(user: User, renovation: Renovation) -> bool:
    return has_role(user, "staff", community_id=renovation.community_id)


def oversees(user: User, community_id: int) -> bool:
    return has_role(user, "staff", community_id=community_id) or \
        has_street_scope(user, _street_of(community_id) or 0)


def _my_compounds(user: User) -> set[int]:
    return set(db.session.scalars(
        sa.select(Building.compound_id).join(Household, Household.building_id == Building.id)
        .join(HouseholdBinding, HouseholdBinding.household_id == Household.id)
        .where(HouseholdBinding.user_id == user.id, HouseholdBinding.status == "approved")))


def lives_in(user: User, compound_id: int) -> bool:
    return compound_id in _my_compounds(user)


def can_read(user: User, renovation: Renovation) -> bool:
    return oversees(user, renovation.community_id) or lives_in(user, renovation.compound_id)


def readable(renovation_id: int, user: User) -> Renovation:
    renovation = get(renovation_id)
    require(can_read(user, renovation), hide=True)
    return renovation


files.register_visibility(FILES, lambda user, record_id: (
    (r := db.session.get(Renovation, record_id)) is not None and can_read(user, r)))


# -- the list ----------------------------------------------------------------------------
def create(user: User, data: dict, now: datetime) -> Renovation:
    compound = get_compound(data["compound_id"])
    require(has_role(user, "staff", community_id=compound.community_id))
    if not _has_self_governing_body(compound.id):
        raise Conflict("no_self_governing_body", "小区尚未成立业委会或自管委，不能发起改造")
    require_clean({"title": data["title"], "summary": data.get("summary")}, user.openid)
    renovation = Renovation(community_id=compound.community_id, compound_id=compound.id,
                            title=data["title"], summary=data.get("summary", ""),
                            status="proposing", created_by_id=user.id, created_at=now)
    db.session.add(renovation)
    db.session.flush()
    log.info("renovation id=%s compound=%s by=%s", renovation.id, compound.id, user.id)
    return renovation


def _require_status(renovation: Renovation, *statuses: str) -> None:
    if renovation.status not in statuses:
        raise Conflict("invalid_transition", "改造清单当前状态不允许此操作",
                       details={"status": renovation.status})


def propose(user: User, renovation_id: int, data: dict, now: datetime) -> RenovationItem:
    """A resident of the compound (or staff) proposes an item while the list is open."""
    renovation = readable(renovation_id, user)
    require(lives_in(user, renovation.compound_id) or may_manage(user, renovation))
    _require_status(renovation, "proposing")
    require_clean({"title": data["title"], "detail": data.get("detail")}, user.openid)
    item = RenovationItem(renovation_id=renovation.id, title=data["title"],
                          detail=data.get("detail", ""), proposed_by_id=user.id,
                          created_at=now, status="proposed")
    db.session.add(item)
    db.session.flush()
    return item


def curate(user: User, renovation_id: int, item_id: int, data: dict,
           now: datetime) -> RenovationItem:
    """Staff take an item into the list (`accepted`) or leave it out (`rejected`)."""
    renovation = readable(renovation_id, user)
    require(may_manage(user, renovation))
    _require_status(renovation, "proposing")
    item = db.session.get(RenovationItem, item_id)
    if item is None or item.renovation_id != renovation.id:
        raise NotFound(message="改造事项不存在")
    item.status, item.note = data["decision"], data.get("note", "")
    item.curated_by_id, item.curated_at = user.id, now
    db.session.flush()
    return item


def _accepted(renovation: Renovation) -> list[RenovationItem]:
    return list(db.session.scalars(sa.select(RenovationItem).where(
        RenovationItem.renovation_id == renovation.id, RenovationItem.status == "accepted")
        .order_by(RenovationItem.id)))


def consult(user: User, renovation_id: int, data: dict, now: datetime) -> Renovation:
    """Put the curated list to the compound: a consultation under `share_of_all` (80 % of
    all households of the compound agree). The list is frozen from then on."""
    renovation = readable(renovation_id, user)
    require(may_manage(user, renovation))
    _require_status(renovation, "proposing")
    items = _accepted(renovation)
    if not items:
        raise Conflict("empty_list", "改造清单还没有采纳的事项")
    body = "\n".join(f"{i}. {item.title}" + (f"：{item.detail}" if item.detail else "")
                     for i, item in enumerate(items, 1))
    consultation = consultations.create(user, {
        "scope": {"compound_id": renovation.compound_id},
        "title": f"改造清单：{renovation.title}"[:100], "body": body[:2000],
        "opens_at": data["opens_at"], "closes_at": data["closes_at"],
        "objections_close_at": data.get("objections_close_at"),
        "rule": {"kind": "share_of_all", "threshold_pct": DEFAULT_THRESHOLD_PCT}},
        now, origin="renovation")
    moved = db.session.execute(
        sa.update(Renovation).where(Renovation.id == renovation.id,
                                    Renovation.status == "proposing")
        .values(status="consulting", consultation_id=consultation.id)
        .execution_options(synchronize_session=False)).rowcount
    if not moved:
        raise Conflict("invalid_transition", "改造清单已在征询中")
    db.session.refresh(renovation)
    log.info("renovation put to consultation id=%s consultation=%s", renovation.id,
             consultation.id)
    return renovation


def revise(user: User, renovation_id: int) -> Renovation:
    """After a failed consultation, staff take the list back to revise it."""
    renovation = readable(renovation_id, user)
    require(may_manage(user, renovation))
    _require_status(renovation, "consulting")
    if consultations.outcome(renovation.consultation_id) != "failed":
        raise Conflict("consultation_not_failed", "征询未结束或已通过，不能修改清单")
    renovation.status = "proposing"
    db.session.flush()
    return renovation


def report(user: User, renovation_id: int, data: dict, now: datetime) -> Renovation:
    """Report the list for implementation: only once its consultation passed."""
    renovation = readable(renovation_id, user)
    require(may_manage(user, renovation))
    _require_status(renovation, "consulting")
    result = consultations.outcome(renovation.consultation_id)
    if result is None:
        raise Conflict("consultation_not_closed", "征询尚未结束，不能上报实施")
    if result != "passed":
        raise Conflict("consultation_not_passed", "征询未获通过，不能上报实施",
                       details={"result": result})
    moved = db.session.execute(
        sa.update(Renovation).where(Renovation.id == renovation.id,
                                    Renovation.status == "consulting")
        .values(status="reported", reported_at=now, reported_by_id=user.id,
                report_note=data.get("note", ""))
        .execution_options(synchronize_session=False)).rowcount
    if not moved:
        raise Conflict("invalid_transition", "改造清单已上报")
    files.attach(data.get("file_ids") or [], uploader_id=user.id, record_type=FILES,
                 record_id=renovation.id, field="file_ids")
    db.session.refresh(renovation)
    record("approve", actor_id=user.id, target_type="renovation", target_id=renovation.id,
           details={"consultation_id": renovation.consultation_id, "action": "report"})
    return renovation


# -- views -------------------------------------------------------------------------------
def view(user: User, renovation: Renovation, with_items: bool = True) -> dict:
    manage = may_manage(user, renovation)
    consultation = None
    if renovation.consultation_id is not None:
        c = consultations.get(renovation.consultation_id)
        consultation = {"id": c.id, "status": c.status, "result": c.result,
                        "closes_at": c.closes_at}
    out = {"id": renovation.id, "community_id": renovation.community_id,
           "compound_id": renovation.compound_id, "compound_name": renovation.compound.name,
           "title": renovation.title, "summary": renovation.summary,
           "status": renovation.status, "created_at": renovation.created_at,
           "consultation": consultation, "reported_at": renovation.reported_at,
           "report_note": renovation.report_note,
           "files": files.refs(FILES, renovation.id, user.id),
           "can_manage": manage,
           "can_propose": renovation.status == "proposing" and (
               manage or lives_in(user, renovation.compound_id))}
    if with_items:
        stmt = sa.select(RenovationItem).where(RenovationItem.renovation_id == renovation.id)
        if not manage and not oversees(user, renovation.community_id):
            # residents: the list as curated, and their own proposals
            stmt = stmt.where(sa.or_(RenovationItem.status == "accepted",
                                     RenovationItem.proposed_by_id == user.id))
        out["items"] = [{"id": i.id, "title": i.title, "detail": i.detail,
                         "status": i.status, "note": i.note, "mine": i.proposed_by_id == user.id,
                         "created_at": i.created_at}
                        for i in db.session.scalars(stmt.order_by(RenovationItem.id))]
    return out


def list_stmt(user: User, community_id: int | None, compound_id: int | None):
    """Staff and the street: every list of the community (or compound). Residents: the lists
    of their own compounds."""
    stmt = sa.select(Renovation)
    if compound_id is not None:
        stmt = stmt.where(Renovation.compound_id == compound_id)
        if oversees(user, get_compound(compound_id).community_id):
            return stmt
    if community_id is not None:
        stmt = stmt.where(Renovation.community_id == community_id)
        if compound_id is None and oversees(user, community_id):
            return stmt
    return stmt.where(Renovation.compound_id.in_(sorted(_my_compounds(user)) or [0]))
