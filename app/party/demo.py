"""Demo data of this domain for `flask seed-demo` (idempotent).

`demo-volunteer-1` registered with 观湖社区 (双报到, approved, in 观湖第一网格) and paired as a
党员邻居 with 李大爷's home (老粮站院落 1栋 3).
"""
import sqlalchemy as sa

from app.auth.models import User
from app.common.timeutil import utcnow
from app.community.models import Building, Community, Compound, Grid, Household
from app.demo import get_or_create
from app.extensions import db
from app.party.models import Pairing, PartyRegistration


def _one(model, **keys):
    return db.session.scalar(sa.select(model).filter_by(**keys))


def seed() -> None:
    community = _one(Community, name="观湖社区")
    volunteer = _one(User, openid="demo-volunteer-1")
    staff = _one(User, openid="demo-staff-1")
    grid = _one(Grid, community_id=community.id, name="观湖第一网格")
    reg = get_or_create(
        PartyRegistration,
        {"unit_name": "区供电公司", "roles": "info_officer,volunteer", "grid_id": grid.id,
         "status": "approved", "decided_by_id": staff.id, "decided_at": utcnow(),
         "note": "演示数据"},
        user_id=volunteer.id, community_id=community.id)
    elder_home = db.session.scalar(  # 李大爷 (demo-resident-2), 老粮站院落 1栋 3
        sa.select(Household).join(Building, Building.id == Household.building_id)
        .join(Compound, Compound.id == Building.compound_id)
        .where(Compound.community_id == community.id, Compound.name == "老粮站院落",
               Building.name == "1栋", Household.room == "3"))
    if elder_home is not None:
        get_or_create(Pairing, {"member_id": volunteer.id, "community_id": community.id,
                                "reason": "独居老人，每周走访", "created_by_id": staff.id},
                      registration_id=reg.id, household_id=elder_home.id, ended_at=None)
