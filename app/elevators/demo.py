"""Demo data of this domain for `flask seed-demo` (idempotent).

The ledger of 观湖花园 (its three 6- and 7-storey buildings, both units each) and 老粮站院落
1栋 (5 storeys), and the project of 观湖花园1栋1单元 waiting in `consent`: budget ¥580,000
shared by floor, and its open `civil_code_278` consultation (two weeks) on which 张阿姨
(`demo-resident-1`, 101) and 刘建国 (`demo-resident-4`, 201) can vote.
"""
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.common.timeutil import utcnow
from app.community.models import Building, Community, Compound
from app.consultations.demo import settle_notices
from app.elevators import service
from app.elevators.models import ElevatorProject, LedgerEntry
from app.extensions import db

LEDGER = {("观湖花园", "1栋"): 6, ("观湖花园", "2栋"): 6, ("观湖花园", "3栋"): 7,
          ("老粮站院落", "1栋"): 5}
WEIGHTS = {"1": 0, "2": 4, "3": 6, "4": 8, "5": 10, "6": 12}


def _building(community: Community, compound: str, name: str) -> Building:
    return db.session.scalar(
        sa.select(Building).join(Compound, Compound.id == Building.compound_id)
        .where(Compound.community_id == community.id, Compound.name == compound,
               Building.name == name))


def seed() -> None:
    community = db.session.scalar(sa.select(Community).where(Community.name == "观湖社区"))
    staff = db.session.scalar(sa.select(User).where(User.openid == "demo-staff-1"))
    now = utcnow()
    for (compound, name), floors in LEDGER.items():
        building = _building(community, compound, name)
        for unit in (("1", "2") if compound == "观湖花园" else ("",)):
            if db.session.scalar(sa.select(LedgerEntry.id).where(
                    LedgerEntry.building_id == building.id, LedgerEntry.unit == unit)) is None:
                service.record_ledger(staff, {"building_id": building.id, "unit": unit,
                                              "floors": floors, "note": "无电梯"}, now)
    building = _building(community, "观湖花园", "1栋")
    if db.session.scalar(sa.select(ElevatorProject.id).where(
            ElevatorProject.building_id == building.id, ElevatorProject.unit == "1")):
        return
    project = service.create(staff, {"building_id": building.id, "unit": "1",
                                     "note": "入户调查完成，结构可行"}, now)
    service.update(staff, project.id, {"budget_fen": 58_000_000, "share_weights": WEIGHTS})
    project = service.advance(staff, project.id, {
        "note": "设计方案和费用分摊方案已公示",
        "consultation": {
            "opens_at": now - timedelta(minutes=5), "closes_at": now + timedelta(days=14),
            "body": "1栋1单元拟加装电梯，预算58万元，按楼层分摊（一楼不分摊）。"
                    "按民法典第二百七十八条表决：参与表决的户数和面积均达三分之二，"
                    "参与者中同意的户数和面积均达四分之三即通过。"}}, now)
    settle_notices(project.consultation_id)
