"""The community hierarchy, stations and household binding, with scope checks.

Staff act only in their own community; admins everywhere. Every check raises the one error
shape (403, or 404 where existence must not leak).

Communities and streets are scopes of roles: a grant scoped to one is checked here (404 when it
does not exist; see `auth.service.register_scope`). A user's households are a section of their
own-data export (`auth.privacy.register_section`).
"""
import logging
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from app.audit.service import record
from app.auth import privacy
from app.auth.models import User
from app.auth.permissions import has_role, is_admin, require
from app.auth.service import register_scope
from app.common.timeutil import local_iso, utcnow
from app.community.models import (
    Building,
    Community,
    Compound,
    Grid,
    Household,
    HouseholdBinding,
    Station,
    Street,
)
from app.errors import Conflict, NotFound, Unprocessable
from app.extensions import db
from app.sql import get_or_404

log = logging.getLogger(__name__)


def get_community(community_id: int) -> Community:
    return get_or_404(Community, community_id, "社区不存在")


def get_street(street_id: int) -> Street:
    return get_or_404(Street, street_id, "街道不存在")


def require_staff(user: User, community_id: int) -> None:
    require(has_role(user, "staff", community_id=community_id))


LIMIT_FIELDS = ("max_points_per_hour", "manual_budget_minutes", "service_phone")


def set_limits(user: User, community_id: int, changes: dict) -> Community:
    """An admin sets a community's ceilings (never its own staff); each change is audited."""
    require(is_admin(user))
    community = db.session.scalar(sa.select(Community).where(Community.id == community_id)
                                  .with_for_update(of=Community, key_share=True)
                                  .execution_options(populate_existing=True))
    if community is None:
        raise NotFound(message="社区不存在")
    ceiling = current_app.config["MAX_POINTS_PER_HOUR"]
    if changes.get("max_points_per_hour", 0) > ceiling:
        raise Unprocessable("points_ceiling_exceeded", f"每小时积分不能超过全局上限{ceiling}",
                            details={"fields": {"max_points_per_hour": [f"不能超过{ceiling}"]},
                                     "max_points_per_hour": ceiling})
    diff = {k: [getattr(community, k), v] for k, v in changes.items()
            if k in LIMIT_FIELDS and getattr(community, k) != v}
    for key, (_, value) in diff.items():
        setattr(community, key, value)
    if diff:
        db.session.flush()
        record("config", actor_id=user.id, target_type="community", target_id=community.id,
               details={"changes": diff})
        log.info("community limits id=%s changed=%s by=%s", community.id, sorted(diff),
                 user.id)
    return community


# -- hierarchy ----------------------------------------------------------------
def create_street(name: str) -> Street:
    if db.session.scalar(sa.select(Street).where(Street.name == name)):
        raise Conflict("already_exists", "街道已存在")
    street = Street(name=name)
    db.session.add(street)
    db.session.flush()
    return street


def create_community(street_id: int, name: str) -> Community:
    get_street(street_id)
    community = Community(street_id=street_id, name=name)
    db.session.add(community)
    db.session.flush()
    return community


def create_compound(user: User, community_id: int, name: str, kind: str) -> Compound:
    get_community(community_id)
    require_staff(user, community_id)
    compound = Compound(community_id=community_id, name=name, kind=kind)
    db.session.add(compound)
    db.session.flush()
    return compound


def get_compound(compound_id: int) -> Compound:
    return get_or_404(Compound, compound_id, "小区不存在")


def create_building(user: User, compound_id: int, name: str, grid_id: int | None) -> Building:
    compound = get_compound(compound_id)
    require_staff(user, compound.community_id)
    if grid_id is not None:
        _check_grid(grid_id, compound.community_id)
    building = Building(compound_id=compound_id, name=name, grid_id=grid_id)
    db.session.add(building)
    db.session.flush()
    return building


def get_building(building_id: int) -> Building:
    return get_or_404(Building, building_id, "楼栋不存在")


def update_building(user: User, building: Building, changes: dict) -> Building:
    require_staff(user, building.compound.community_id)
    if "grid_id" in changes and changes["grid_id"] is not None:
        _check_grid(changes["grid_id"], building.compound.community_id)
    for key, value in changes.items():
        setattr(building, key, value)
    return building


def _check_grid(grid_id: int, community_id: int) -> None:
    grid = get_or_404(Grid, grid_id, "网格不存在")
    if grid.community_id != community_id:
        raise Conflict("grid_other_community", "网格不属于该社区")


def create_household(user: User, building_id: int, unit: str, room: str,
                     area_m2: Decimal | None = None) -> Household:
    building = get_building(building_id)
    require_staff(user, building.compound.community_id)
    exists = db.session.scalar(sa.select(Household.id).where(
        Household.building_id == building_id, Household.unit == unit, Household.room == room))
    if exists:
        raise Conflict("already_exists", "该户已存在")
    household = Household(building_id=building_id, unit=unit, room=room, area_m2=area_m2)
    db.session.add(household)
    db.session.flush()
    return household


def get_household(household_id: int) -> Household:
    return get_or_404(Household, household_id, "住户不存在")


def set_household_area(user: User, household_id: int, area_m2: Decimal | None) -> Household:
    """Staff of the community record a household's floor area (votes by area count it from
    the next consultation that opens; an open one keeps the area it froze). Audited."""
    household = get_household(household_id)
    require(has_role(user, "staff", community_id=household.community_id), hide=True)
    if area_m2 is not None:
        area_m2 = area_m2.quantize(Decimal("0.01"))
    old = household.area_m2
    if old != area_m2:
        household.area_m2 = area_m2
        db.session.flush()
        record("config", actor_id=user.id, target_type="household", target_id=household.id,
               details={"area_m2": [str(old) if old is not None else None,
                                    str(area_m2) if area_m2 is not None else None]})
        log.info("household area id=%s changed by=%s", household.id, user.id)
    return household


def household_of_user(user: User, household_id: int) -> Household:
    """The household if the user is bound to it (approved); used by other domains."""
    household = get_household(household_id)
    bound = db.session.scalar(sa.select(HouseholdBinding.id).where(
        HouseholdBinding.user_id == user.id, HouseholdBinding.household_id == household_id,
        HouseholdBinding.status == "approved"))
    require(bool(bound), hide=True)
    return household


def can_view_household(user: User, household: Household) -> bool:
    if has_role(user, "staff", community_id=household.community_id):
        return True
    return bool(db.session.scalar(sa.select(HouseholdBinding.id).where(
        HouseholdBinding.user_id == user.id, HouseholdBinding.household_id == household.id,
        HouseholdBinding.status == "approved")))


def create_grid(user: User, community_id: int, name: str) -> Grid:
    get_community(community_id)
    require_staff(user, community_id)
    grid = Grid(community_id=community_id, name=name)
    db.session.add(grid)
    db.session.flush()
    return grid


def create_station(user: User, community_id: int, data: dict) -> Station:
    get_community(community_id)
    require_staff(user, community_id)
    station = Station(community_id=community_id, **data)
    db.session.add(station)
    db.session.flush()
    return station


# -- household binding -------------------------------------------------------------
def request_binding(user: User, household_id: int, relation: str) -> HouseholdBinding:
    household = get_household(household_id)
    live = db.session.scalar(sa.select(HouseholdBinding).where(
        HouseholdBinding.user_id == user.id, HouseholdBinding.household_id == household_id,
        HouseholdBinding.status != "rejected"))
    if live:
        raise Conflict("binding_exists", "已申请或已绑定该住户",
                       details={"binding_id": live.id, "status": live.status})
    binding = HouseholdBinding(user_id=user.id, household_id=household_id, relation=relation,
                               community_id=household.community_id)
    db.session.add(binding)
    db.session.flush()
    log.info("binding requested id=%s user=%s", binding.id, user.id)
    return binding


def decide_binding(user: User, binding_id: int, approve: bool, note: str = "") -> HouseholdBinding:
    binding = get_or_404(HouseholdBinding, binding_id, "绑定申请不存在")
    require(has_role(user, "staff", community_id=binding.community_id), hide=True)
    # Conditional update: two staff deciding at once cannot both win.
    done = db.session.execute(
        sa.update(HouseholdBinding)
        .where(HouseholdBinding.id == binding_id, HouseholdBinding.status == "pending")
        .values(status="approved" if approve else "rejected", decided_by_id=user.id,
                decided_at=utcnow(), note=note)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        raise Conflict("invalid_transition", "该申请已处理", details={"status": binding.status})
    db.session.refresh(binding)
    record("approve" if approve else "reject", actor_id=user.id, target_type="household_binding",
           target_id=binding.id, details={"user_id": binding.user_id,
                                          "household_id": binding.household_id})
    log.info("binding decided id=%s status=%s by=%s", binding.id, binding.status, user.id)
    return binding


def user_bindings(user: User) -> list[HouseholdBinding]:
    return list(db.session.scalars(sa.select(HouseholdBinding).where(
        HouseholdBinding.user_id == user.id, HouseholdBinding.status != "rejected")
        .order_by(HouseholdBinding.id)))


def export_households(user: User) -> list[dict]:
    """The user's bindings, rejected ones included, with full addresses (own-data export)."""
    bindings = db.session.scalars(sa.select(HouseholdBinding).where(
        HouseholdBinding.user_id == user.id).order_by(HouseholdBinding.id))
    return [{"binding_id": b.id, "household_id": b.household_id,
             "address": b.household.address, "relation": b.relation, "status": b.status,
             "requested_at": local_iso(b.requested_at), "decided_at": local_iso(b.decided_at)}
            for b in bindings]


register_scope("community_id", get_community)
register_scope("street_id", get_street)
register_scope("grid_id", lambda grid_id: get_or_404(Grid, grid_id, "网格不存在"),
               community_of=lambda grid_id: get_or_404(Grid, grid_id, "网格不存在").community_id)
privacy.register_section("households", export_households, "household_bindings")
