"""Demo data of this domain for `flask seed-demo` (idempotent).

`demo-mediator-1` (调解员老周) registered with 观湖社区 as a mediator (双报到, approved), and two
cases between the same two households of 观湖花园 1栋: one a year earlier, agreed, followed up
and helped by 观湖帮代办志愿队; one opened two days ago and still open, which shows the first
as related. Cases are made through the service, at their own dates.
"""
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.common.timeutil import utcnow
from app.community.models import Building, Community, Compound, Household
from app.demo import get_or_create
from app.extensions import db
from app.mediation import service
from app.mediation.models import MediationCase
from app.party.models import PartyRegistration
from app.volunteering.models import Team

EARLIER = "楼上卫生间漏水，浸湿楼下天花板，双方就维修费用争执"
CURRENT = "楼上空调外机夜间噪音大，楼下多次沟通未果"


def _one(model, **keys):
    return db.session.scalar(sa.select(model).filter_by(**keys))


def _household(community: Community, unit: str, room: str) -> Household:
    return db.session.scalar(
        sa.select(Household).join(Building, Building.id == Household.building_id)
        .join(Compound, Compound.id == Building.compound_id)
        .where(Compound.community_id == community.id, Compound.name == "观湖花园",
               Building.name == "1栋", Household.unit == unit, Household.room == room))


def seed() -> None:
    community = _one(Community, name="观湖社区")
    mediator = _one(User, openid="demo-mediator-1")
    staff = _one(User, openid="demo-staff-1")
    now = utcnow()
    get_or_create(PartyRegistration,
                  {"unit_name": "区司法局", "roles": "mediator", "status": "approved",
                   "decided_by_id": staff.id, "decided_at": now, "note": "演示数据"},
                  user_id=mediator.id, community_id=community.id)
    below, above = _household(community, "1", "101"), _household(community, "1", "201")
    parties = [{"name": "张阿姨", "household_id": below.id, "phone": "13900000001"},
               {"name": "刘建国", "household_id": above.id, "phone": "13911112222"}]
    earlier_at = now - timedelta(days=2)
    earlier_at = earlier_at.replace(year=earlier_at.year - 1) \
        if not (earlier_at.month == 2 and earlier_at.day == 29) \
        else earlier_at - timedelta(days=366)
    if _one(MediationCase, community_id=community.id, summary=EARLIER) is None:
        case = service.open_case(mediator, {"community_id": community.id, "kind": "neighbour",
                                            "summary": EARLIER, "parties": parties},
                                 earlier_at)
        service.add_session(mediator, case.id, {
            "at": earlier_at + timedelta(days=3), "mediator_ids": [mediator.id],
            "notes": "双方到场，查明漏水点在楼上卫生间防水层"}, earlier_at + timedelta(days=3))
        first, second = case.parties
        due = (earlier_at + timedelta(days=30)).date()
        service.close_case(mediator, case.id, {
            "outcome": "agreed", "note": "双方签署调解协议",
            "duties": [{"party_id": second.id, "duty": "重做卫生间防水并承担楼下天花板修复费用",
                        "method": "请物业维修队施工，费用直接支付", "due_on": due},
                       {"party_id": first.id, "duty": "配合开放室内供施工查看",
                        "method": "提前一天约定时间", "due_on": due}]},
            earlier_at + timedelta(days=5))
        errand = _one(Team, community_id=community.id, name="观湖帮代办志愿队")
        if errand is not None:
            service.add_team_help(staff, case.id, {"team_id": errand.id,
                                                   "note": "代为联系维修队、陪同验收"},
                                  earlier_at + timedelta(days=5))
        service.record_follow_up(mediator, case.id, {"result": "kept",
                                                     "note": "防水已重做，天花板已修复"},
                                 earlier_at + timedelta(days=40))
    if _one(MediationCase, community_id=community.id, summary=CURRENT) is None:
        service.open_case(mediator, {"community_id": community.id, "kind": "neighbour",
                                     "summary": CURRENT, "parties": parties},
                          now - timedelta(days=2))
