"""Demo data of this domain for `flask seed-demo` (idempotent).

- `demo-resident-4` (刘建国), owner of 观湖花园1栋1单元201, the flat above 张阿姨's
  (`demo-resident-1`, 101): two demo owners in one unit, so two demo residents can vote on
  the same consultation.
- An open `share_of_all` consultation of the whole 观湖花园 (two weeks). When it has closed
  (the seed run again later), a fresh one is opened, so the demo always has one. The open
  `civil_code_278` consultation is the elevator project's (app/elevators/demo.py).
"""
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import Consent, User
from app.common.timeutil import utcnow
from app.community.models import Building, Community, Compound, Household, HouseholdBinding
from app.consultations import service
from app.consultations.models import Consultation
from app.demo import get_or_create
from app.extensions import db
from app.notifications.models import Notification

TITLE = "观湖花园公共区域改造意见征询"
BODY = ("拟对小区公共区域进行改造：更换单元门禁、增设电动自行车充电棚、修补道路破损。"
        "按“全体业主80%同意”原则征询，请各户业主在截止前表决。")


def _one(model, **keys):
    return db.session.scalar(sa.select(model).filter_by(**keys))


def household(community: Community, compound: str, building: str, unit: str,
              room: str) -> Household:
    return db.session.scalar(
        sa.select(Household).join(Building, Building.id == Household.building_id)
        .join(Compound, Compound.id == Building.compound_id)
        .where(Compound.community_id == community.id, Compound.name == compound,
               Building.name == building, Household.unit == unit, Household.room == room))


def settle_notices(consultation_id: int) -> None:
    """A demo consultation tells its households as any would; those notices count as read, so
    a fresh demo inbox holds only what the walk-throughs make."""
    db.session.execute(sa.update(Notification).where(
        Notification.kind == "consultation", Notification.read_at.is_(None),
        Notification.ref == f"consultation:{consultation_id}").values(read_at=utcnow()))


def seed() -> None:
    community = _one(Community, name="观湖社区")
    upstairs = household(community, "观湖花园", "1栋", "1", "201")
    owner = get_or_create(User, {"nickname": "刘建国", "phone": "13900000004"},
                          openid="demo-resident-4")
    get_or_create(Consent, {"granted": True}, user_id=owner.id, kind="phone")
    get_or_create(HouseholdBinding, {"status": "approved", "relation": "owner",
                                     "community_id": community.id},
                  user_id=owner.id, household_id=upstairs.id)

    now = utcnow()
    compound = _one(Compound, community_id=community.id, name="观湖花园")
    if db.session.scalar(sa.select(Consultation.id).where(
            Consultation.compound_id == compound.id, Consultation.title == TITLE,
            Consultation.status != "closed", Consultation.closes_at > now)):
        return
    staff = _one(User, openid="demo-staff-1")
    made = service.create(staff, {
        "scope": {"compound_id": compound.id}, "title": TITLE, "body": BODY,
        "opens_at": now - timedelta(minutes=5), "closes_at": now + timedelta(days=14),
        "rule": {"kind": "share_of_all", "threshold_pct": 80}}, now)
    settle_notices(made.id)
