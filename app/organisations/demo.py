"""Demo data of this domain for `flask seed-demo` (idempotent).

观湖花园's three-in-one bodies: 观湖花园党支部 (单独建), 观湖花园业主委员会, 观湖花园业主监事会
and 观湖物业服务有限公司, with people who sit on two of them (交叉任职):
- `demo-committee-1` (陈主任): 党支部书记 and 业委会主任;
- `demo-property-1` (周经理): 物业项目经理 and 党支部委员;
- `demo-committee-2` (刘委员): 业委会委员 only.
Property classes: 观湖花园 物业小区, 老粮站院落 无物业小区, 滨河零散楼栋 零散楼栋 in the 片区大物业
area 观湖片区, managed by the same company.

Seats and the roles they give are written as rows, like the base identities' roles, so the
seed leaves the audit log empty.
"""
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import Consent, RoleGrant, User
from app.common.timeutil import utcnow
from app.community.models import Community, Compound
from app.demo import get_or_create
from app.extensions import db
from app.organisations import service
from app.organisations.models import (
    DEFAULT_TITLES,
    CompoundProfile,
    OrgBody,
    OrgBodyCompound,
    OrgSeat,
    PropertyArea,
)

PEOPLE = {  # openid -> (nickname, phone)
    "demo-committee-1": ("业委会陈主任", "13500000011"),
    "demo-committee-2": ("业委会刘委员", "13500000012"),
    "demo-property-1": ("物业周经理", "13500000013"),
}
PARTY, OWNERS, BOARD, COMPANY = ("观湖花园党支部", "观湖花园业主委员会", "观湖花园业主监事会",
                                 "观湖物业服务有限公司")
# body name -> [(openid or None, name, role, title)]
SEATS = {
    PARTY: [("demo-committee-1", "陈建华", "head", "书记"),
            ("demo-property-1", "周立新", "member", "委员"),
            (None, "黄秀英", "member", "委员")],
    OWNERS: [("demo-committee-1", "陈建华", "head", "主任"),
             ("demo-committee-2", "刘明", "member", "委员"),
             (None, "吴桂兰", "member", "委员")],
    BOARD: [(None, "王德明", "head", "监事长")],
    COMPANY: [("demo-property-1", "周立新", "head", "项目经理")],
}


def _one(model, **keys):
    return db.session.scalar(sa.select(model).filter_by(**keys))


def _body(staff: User, community: Community, kind: str, name: str, compound_ids: list[int],
          formation: str | None = None) -> OrgBody:
    body = _one(OrgBody, community_id=community.id, kind=kind, name=name)
    if body is None:
        body = service.create_body(staff, {"community_id": community.id, "kind": kind,
                                           "name": name, "compound_ids": compound_ids,
                                           "formation": formation}, utcnow())
    return body


def seed() -> None:
    now = utcnow()
    community = _one(Community, name="观湖社区")
    staff = _one(User, openid="demo-staff-1")
    users = {}
    for openid, (nickname, phone) in PEOPLE.items():
        users[openid] = get_or_create(User, {"nickname": nickname, "phone": phone},
                                      openid=openid)
        get_or_create(Consent, {"granted": True}, user_id=users[openid].id, kind="phone")
    garden = _one(Compound, community_id=community.id, name="观湖花园")
    courtyard = _one(Compound, community_id=community.id, name="老粮站院落")
    scattered = _one(Compound, community_id=community.id, name="滨河零散楼栋")
    for compound, klass in ((garden, "managed"), (courtyard, "unmanaged"),
                            (scattered, "scattered")):
        if db.session.get(CompoundProfile, compound.id) is None:
            service.set_profile(staff, compound.id, {"property_class": klass}, now)
    bodies = {
        PARTY: _body(staff, community, "compound_party", PARTY, [garden.id], "single"),
        OWNERS: _body(staff, community, "owners_committee", OWNERS, [garden.id]),
        BOARD: _body(staff, community, "supervisory_board", BOARD, [garden.id]),
        COMPANY: _body(staff, community, "property_company", COMPANY, [garden.id]),
    }
    area = _one(PropertyArea, community_id=community.id, name="观湖片区")
    if area is None:
        area = service.create_area(staff, {"community_id": community.id, "name": "观湖片区",
                                           "company_id": bodies[COMPANY].id}, now)
    covered = db.session.scalar(sa.select(OrgBodyCompound.id).where(
        OrgBodyCompound.compound_id == scattered.id, OrgBodyCompound.slot == "property",
        OrgBodyCompound.ended_at.is_(None)))
    if covered is None:
        service.add_area_compound(staff, area.id, scattered.id, now)
    term_start = (now - timedelta(days=400)).date()
    for body_name, seats in SEATS.items():
        body = bodies[body_name]
        for openid, name, role, title in seats:
            get_or_create(OrgSeat, {
                "user_id": users[openid].id if openid else None, "role": role,
                "title": title or DEFAULT_TITLES[body.kind][role], "term_start": term_start,
                "term_end": term_start + timedelta(days=5 * 365), "created_by_id": staff.id,
                "created_at": now}, body_id=body.id, name=name, left_on=None)
    today = service.local_today(now)
    for user in users.values():
        for role, compound_id in sorted(service.seat_roles_wanted(user.id, today)):
            get_or_create(RoleGrant, {"granted_by_id": staff.id}, user_id=user.id, role=role,
                          compound_id=compound_id, revoked_at=None)
