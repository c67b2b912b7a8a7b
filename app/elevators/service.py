"""加装电梯 (see models.py): the ledger, projects and their stages, pledges and events.

- Staff of the community keep the ledger: each building or unit with its floors and whether it
  has an elevator; from MIN_FLOORS floors without one it is eligible.
- A project per eligible unit starts in `survey`. Staff advance it one stage at a time, each
  advance an event with a note and files. Entering `consent` opens a `civil_code_278`
  consultation of the unit's households; leaving `consent` needs it passed; leaving `funding`
  needs the pledges to cover the budget. The move is a conditional UPDATE on the stage, so
  two racing advances cannot both pass.
- While `funding`, each household's pledge (fen) is recorded by its owner or by staff; the
  share rule gives each household its expected part of the budget by the floor it is on.

Services flush and never commit.
"""
import logging
import re
from datetime import datetime

import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import has_role, has_street_scope, require
from app.community.models import Building, Community, Household, HouseholdBinding
from app.community.service import get_building, get_community
from app.consultations import service as consultations
from app.elevators.models import (
    MIN_FLOORS,
    STAGES,
    ElevatorEvent,
    ElevatorProject,
    LedgerEntry,
    Pledge,
)
from app.errors import Conflict, NotFound, Unprocessable
from app.extensions import db
from app.files import service as files
from app.sql import insert_ignoring_conflict

log = logging.getLogger(__name__)
EVENT_FILES = "elevator_event"
BUDGET_STAGES = ("survey", "consent", "funding")


# -- who ---------------------------------------------------------------------------------
def _street_of(community_id: int) -> int:
    return db.session.scalar(sa.select(Community.street_id).where(Community.id == community_id))


def may_manage(user: User, community_id: int) -> bool:
    return has_role(user, "staff", community_id=community_id)


def oversees(user: User, community_id: int) -> bool:
    return may_manage(user, community_id) or has_street_scope(user, _street_of(community_id))


def _bound(user: User) -> dict[int, tuple[int, str]]:
    """household id -> (building id, relation) of the user's approved bindings."""
    return {hid: (bid, rel) for hid, bid, rel in db.session.execute(
        sa.select(HouseholdBinding.household_id, Household.building_id,
                  HouseholdBinding.relation)
        .join(Household, Household.id == HouseholdBinding.household_id)
        .where(HouseholdBinding.user_id == user.id, HouseholdBinding.status == "approved"))}


def can_read(user: User, project: ElevatorProject) -> bool:
    """Staff and the street of the community, and residents of the building."""
    return oversees(user, project.community_id) or any(
        bid == project.building_id for bid, _ in _bound(user).values())


def get(project_id: int) -> ElevatorProject:
    project = db.session.get(ElevatorProject, project_id)
    if project is None:
        raise NotFound(message="加装电梯项目不存在")
    return project


def readable(project_id: int, user: User) -> ElevatorProject:
    project = get(project_id)
    require(can_read(user, project), hide=True)
    return project


def _event_visible(user: User, event_id: int) -> bool:
    event = db.session.get(ElevatorEvent, event_id)
    return event is not None and can_read(user, get(event.project_id))


files.register_visibility(EVENT_FILES, _event_visible)


# -- the ledger --------------------------------------------------------------------------
def _check_unit(building: Building, unit: str) -> None:
    if unit and not db.session.scalar(sa.select(Household.id).where(
            Household.building_id == building.id, Household.unit == unit).limit(1)):
        raise NotFound(message="该单元不存在")


def record_ledger(user: User, data: dict, now: datetime) -> LedgerEntry:
    """Staff record (or correct) a building's or unit's floors and elevator."""
    building = get_building(data["building_id"])
    community_id = building.compound.community_id
    require(may_manage(user, community_id))
    unit = data.get("unit", "")
    _check_unit(building, unit)
    entry = db.session.scalar(sa.select(LedgerEntry).where(
        LedgerEntry.building_id == building.id, LedgerEntry.unit == unit))
    if entry is None:
        db.session.execute(insert_ignoring_conflict(LedgerEntry, ["building_id", "unit"]).values(
            community_id=community_id, building_id=building.id, unit=unit,
            floors=data["floors"], has_elevator=data.get("has_elevator", False),
            note=data.get("note", ""), recorded_by_id=user.id, updated_at=now))
        entry = db.session.scalar(sa.select(LedgerEntry).where(
            LedgerEntry.building_id == building.id, LedgerEntry.unit == unit))
    else:
        entry.floors, entry.has_elevator = data["floors"], data.get("has_elevator", False)
        entry.note, entry.recorded_by_id, entry.updated_at = data.get("note", ""), user.id, now
    db.session.flush()
    return entry


def ledger_stmt(user: User, community_id: int, eligible_only: bool):
    """The community's ledger: its staff, the street and its bound residents."""
    get_community(community_id)
    require(oversees(user, community_id) or bool(_bound_in_community(user, community_id)),
            hide=True)
    stmt = sa.select(LedgerEntry).where(LedgerEntry.community_id == community_id)
    if eligible_only:
        stmt = stmt.where(LedgerEntry.floors >= MIN_FLOORS, LedgerEntry.has_elevator.is_(False))
    return stmt


def _bound_in_community(user: User, community_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(HouseholdBinding.household_id).where(
        HouseholdBinding.user_id == user.id, HouseholdBinding.status == "approved",
        HouseholdBinding.community_id == community_id)))


# -- projects ----------------------------------------------------------------------------
def _event(project: ElevatorProject, from_stage: str | None, to_stage: str, note: str,
           user: User, now: datetime, file_ids=()) -> ElevatorEvent:
    event = ElevatorEvent(project_id=project.id, from_stage=from_stage, to_stage=to_stage,
                          note=note, actor_id=user.id, at=now)
    db.session.add(event)
    db.session.flush()
    files.attach(file_ids, uploader_id=user.id, record_type=EVENT_FILES, record_id=event.id,
                 field="file_ids")
    return event


def create(user: User, data: dict, now: datetime) -> ElevatorProject:
    building = get_building(data["building_id"])
    community_id = building.compound.community_id
    require(may_manage(user, community_id))
    unit = data.get("unit", "")
    entry = db.session.scalar(sa.select(LedgerEntry).where(
        LedgerEntry.building_id == building.id, LedgerEntry.unit == unit))
    if entry is None:
        raise Conflict("not_in_ledger", "该楼栋（单元）尚未登记入加装电梯台账")
    if not entry.eligible:
        raise Conflict("not_eligible", f"须为{MIN_FLOORS}层及以上且未装电梯",
                       details={"floors": entry.floors, "has_elevator": entry.has_elevator})
    project_id = db.session.execute(
        insert_ignoring_conflict(ElevatorProject, ["building_id", "unit"]).values(
            community_id=community_id, building_id=building.id, unit=unit, stage="survey",
            share_weights={}, created_by_id=user.id, created_at=now, stage_at=now)
        .returning(ElevatorProject.id)).scalar()
    if project_id is None:
        raise Conflict("project_exists", "该单元已有加装电梯项目")
    project = db.session.get(ElevatorProject, project_id)
    _event(project, None, "survey", data.get("note", ""), user, now)
    log.info("elevator project id=%s building=%s unit=%s by=%s", project.id, building.id,
             unit, user.id)
    return project


def update(user: User, project_id: int, data: dict) -> ElevatorProject:
    """Budget and share rule, until the funding is complete."""
    project = readable(project_id, user)
    require(may_manage(user, project.community_id))
    if project.stage not in BUDGET_STAGES:
        raise Conflict("budget_locked", "筹资完成后不能再改预算和分摊规则",
                       details={"stage": project.stage})
    if "share_weights" in data:
        floors = _floors(project)
        bad = [f for f in data["share_weights"] if int(f) > floors]
        if bad:
            raise Unprocessable(details={"fields": {"share_weights": [
                f"楼层超出本单元层数（{floors}层）：{', '.join(bad)}"]}})
        project.share_weights = {str(int(k)): v for k, v in data["share_weights"].items()}
    if "budget_fen" in data:
        project.budget_fen = data["budget_fen"]
    db.session.flush()
    return project


def _floors(project: ElevatorProject) -> int:
    return db.session.scalar(sa.select(LedgerEntry.floors).where(
        LedgerEntry.building_id == project.building_id, LedgerEntry.unit == project.unit))


def _next(stage: str) -> str | None:
    i = STAGES.index(stage)
    return STAGES[i + 1] if i + 1 < len(STAGES) else None


def advance(user: User, project_id: int, data: dict, now: datetime) -> ElevatorProject:
    """Move to the next stage, with its guard; one event with the note and files."""
    project = readable(project_id, user)
    require(may_manage(user, project.community_id))
    from_stage = project.stage
    to_stage = _next(from_stage)
    if to_stage is None:
        raise Conflict("invalid_transition", "项目已投入使用", details={"stage": from_stage})
    values = {"stage": to_stage, "stage_at": now}
    if from_stage == "survey":
        window = data.get("consultation")
        if not window:
            raise Unprocessable(details={"fields": {"consultation": [
                "进入意见征询须给出表决时间（opens_at、closes_at）"]}})
        scope = {"building_id": project.building_id}
        if project.unit:
            scope["unit"] = project.unit
        consultation = consultations.create(user, {
            "scope": scope, "title": f"加装电梯意见征询：{_place(project)}",
            "body": window.get("body") or data.get("note", ""),
            "opens_at": window["opens_at"], "closes_at": window["closes_at"],
            "objections_close_at": window.get("objections_close_at"),
            "rule": {"kind": "civil_code_278"}}, now, origin="elevator")
        values["consultation_id"] = consultation.id
    elif from_stage == "consent":
        result = consultations.outcome(project.consultation_id)
        if result != "passed":
            raise Conflict("consent_not_passed", "意见征询未获通过（或尚未结束），不能进入筹资",
                           details={"result": result})
    elif from_stage == "funding":
        pledged = _pledged(project)
        if project.budget_fen is None or pledged < project.budget_fen:
            raise Conflict("pledges_short", "认缴资金尚未覆盖预算",
                           details={"budget_fen": project.budget_fen, "pledged_fen": pledged})
    moved = db.session.execute(
        sa.update(ElevatorProject).where(ElevatorProject.id == project.id,
                                         ElevatorProject.stage == from_stage)
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if not moved:
        raise Conflict("invalid_transition", "项目阶段已变化，请刷新",
                       details={"stage": from_stage})
    db.session.refresh(project)
    _event(project, from_stage, to_stage, data.get("note", ""), user, now,
           data.get("file_ids") or [])
    log.info("elevator project id=%s from=%s to=%s by=%s", project.id, from_stage, to_stage,
             user.id)
    return project


def _place(project: ElevatorProject) -> str:
    building = project.building
    unit = f"{project.unit}单元" if project.unit else ""
    return f"{building.compound.name}{building.name}{unit}"


# -- funding -----------------------------------------------------------------------------
def _households(project: ElevatorProject) -> list[Household]:
    stmt = sa.select(Household).where(Household.building_id == project.building_id)
    if project.unit:
        stmt = stmt.where(Household.unit == project.unit)
    return list(db.session.scalars(stmt.order_by(Household.room, Household.id)))


def floor_of(room: str) -> int | None:
    """The floor of a room number such as 502 (5) or 1203 (12); None when it does not say."""
    match = re.fullmatch(r"(\d{1,3})(\d{2})", room)
    return int(match.group(1)) if match else None


def expected_shares(project: ElevatorProject, households: list[Household]) -> dict[int, int]:
    """Each household's part of the budget in fen by the weight of its floor, in integers:
    floor(budget × w / W), the fen left over going to the largest remainders (ties by id), so
    the parts add up to the budget exactly. Empty without a budget or weights."""
    weights = {h.id: int(project.share_weights.get(str(floor_of(h.room)), 0))
               for h in households}
    total = sum(weights.values())
    if not project.budget_fen or not total:
        return {}
    budget = project.budget_fen
    parts = {hid: budget * w // total for hid, w in weights.items()}
    left = budget - sum(parts.values())
    order = sorted(weights, key=lambda hid: (-(budget * weights[hid] % total), hid))
    for hid in order[:left]:
        parts[hid] += 1
    return parts


def _pledged(project: ElevatorProject) -> int:
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Pledge.amount_fen), 0))
                                 .where(Pledge.project_id == project.id)))


def pledge(user: User, project_id: int, data: dict, now: datetime) -> Pledge:
    """A household's pledge in fen, by one of its owners or by staff, while `funding`;
    replaces the household's earlier pledge."""
    project = readable(project_id, user)
    household_id = data["household_id"]
    if household_id not in {h.id for h in _households(project)}:
        raise NotFound(message="该住户不在本单元")
    bound = _bound(user).get(household_id)
    require(may_manage(user, project.community_id) or (bound is not None and
                                                       bound[1] == "owner"))
    if project.stage != "funding":
        raise Conflict("not_funding", "项目不在筹资阶段", details={"stage": project.stage})
    row = db.session.scalar(sa.select(Pledge).where(Pledge.project_id == project.id,
                                                    Pledge.household_id == household_id))
    if row is None:
        db.session.execute(insert_ignoring_conflict(Pledge, ["project_id", "household_id"])
                           .values(project_id=project.id, household_id=household_id,
                                   amount_fen=data["amount_fen"], recorded_by_id=user.id,
                                   updated_at=now))
    db.session.execute(sa.update(Pledge).where(
        Pledge.project_id == project.id, Pledge.household_id == household_id).values(
        amount_fen=data["amount_fen"], recorded_by_id=user.id, updated_at=now))
    return db.session.scalar(sa.select(Pledge).where(
        Pledge.project_id == project.id, Pledge.household_id == household_id)
        .execution_options(populate_existing=True))


# -- views -------------------------------------------------------------------------------
def view(user: User, project: ElevatorProject, full: bool = True) -> dict:
    manage = may_manage(user, project.community_id)
    c = consultations.get(project.consultation_id) if project.consultation_id else None
    out = {"id": project.id, "community_id": project.community_id,
           "building_id": project.building_id, "unit": project.unit, "place": _place(project),
           "floors": _floors(project), "stage": project.stage, "stage_at": project.stage_at,
           "stages": list(STAGES), "next_stage": _next(project.stage),
           "consultation": ({"id": c.id, "status": c.status, "result": c.result,
                             "closes_at": c.closes_at} if c else None),
           "budget_fen": project.budget_fen, "pledged_fen": _pledged(project),
           "share_weights": project.share_weights or {}, "can_manage": manage,
           "created_at": project.created_at}
    out["shortfall_fen"] = (max(project.budget_fen - out["pledged_fen"], 0)
                            if project.budget_fen is not None else None)
    if full:
        households = _households(project)
        shares = expected_shares(project, households)
        pledges = {p.household_id: p.amount_fen for p in db.session.scalars(
            sa.select(Pledge).where(Pledge.project_id == project.id))}
        mine = _bound(user)
        shown = households if oversees(user, project.community_id) else \
            [h for h in households if h.id in mine]
        out["households"] = [{
            "household_id": h.id,
            "label": h.address if h.id in mine or manage else h.address_masked,
            "floor": floor_of(h.room), "expected_fen": shares.get(h.id),
            "pledged_fen": pledges.get(h.id), "mine": h.id in mine} for h in shown]
    return out


def events(user: User, project_id: int) -> list[dict]:
    project = readable(project_id, user)
    rows = list(db.session.scalars(sa.select(ElevatorEvent).where(
        ElevatorEvent.project_id == project.id).order_by(ElevatorEvent.id)))
    refs = files.refs_for_many(EVENT_FILES, [e.id for e in rows], user.id)
    return [{"id": e.id, "from_stage": e.from_stage, "to_stage": e.to_stage, "note": e.note,
             "at": e.at, "files": refs.get(e.id, [])} for e in rows]


def list_stmt(user: User, community_id: int | None, building_id: int | None):
    """Staff and the street: the community's projects; residents: their buildings'."""
    stmt = sa.select(ElevatorProject)
    if building_id is not None:
        stmt = stmt.where(ElevatorProject.building_id == building_id)
        if oversees(user, get_building(building_id).compound.community_id):
            return stmt
    if community_id is not None:
        stmt = stmt.where(ElevatorProject.community_id == community_id)
        if oversees(user, community_id):
            return stmt
    buildings = sorted({bid for bid, _ in _bound(user).values()})
    return stmt.where(ElevatorProject.building_id.in_(buildings or [0]))
