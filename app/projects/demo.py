"""Demo data of this domain for `flask seed-demo` (idempotent).

观湖社区's 大党委 with five members (the 观湖花园 party branch's secretary, the property
company's manager, an owners' committee member, a unit and a posted cadre), and a meeting held
about two months ago whose minutes are recorded and whose two resolutions became projects:
the 3栋 canopy repair, done, and street lights for 老粮站院落, in progress. Made through the
service, at their own dates.
"""
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.common.timeutil import utcnow
from app.community.models import Community
from app.extensions import db
from app.organisations.models import OrgBody
from app.projects import service
from app.projects.models import CommitteeMember, Meeting

TITLE = "大党委季度联席会议（演示）"
MEMBERS = [  # (openid, name, unit, position, kind, body name)
    ("demo-committee-1", "陈建华", "观湖花园党支部", "书记", "compound_party", "观湖花园党支部"),
    ("demo-property-1", "周立新", "观湖物业服务有限公司", "项目经理", "property",
     "观湖物业服务有限公司"),
    ("demo-committee-2", "刘明", "观湖花园业主委员会", "委员", "owners_committee",
     "观湖花园业主委员会"),
    (None, "张志强", "区住房和城乡建设局", "副局长", "unit", None),
    (None, "林晓", "区委组织部", "下派第一书记", "cadre", None),
]


def _one(model, **keys):
    return db.session.scalar(sa.select(model).filter_by(**keys))


def seed() -> None:
    now = utcnow()
    community = _one(Community, name="观湖社区")
    staff = _one(User, openid="demo-staff-1")
    held_at = now - timedelta(days=60)
    joined = service.local_day(held_at) - timedelta(days=90)
    members = {}
    for openid, name, unit, position, kind, body_name in MEMBERS:
        member = _one(CommitteeMember, community_id=community.id, name=name, left_on=None)
        if member is None:
            user = _one(User, openid=openid) if openid else None
            body = _one(OrgBody, community_id=community.id, name=body_name) if body_name \
                else None
            member = service.add_member(staff, community.id, {
                "user_id": user.id if user else None, "name": name, "unit": unit,
                "position": position, "kind": kind, "body_id": body.id if body else None,
                "joined_on": joined}, now)
        members[name] = member
    if _one(Meeting, community_id=community.id, title=TITLE) is not None:
        return
    meeting = service.create_meeting(staff, {
        "community_id": community.id, "held_at": held_at, "title": TITLE,
        "agenda": [{"title": "观湖花园3栋单元门雨棚破损，居民反映雨天漏水"},
                   {"title": "老粮站院落夜间无照明，老人出行不便"}]}, held_at)
    service.record_minutes(staff, meeting.id, {
        "text": "会议由林晓主持。议定：一、物业公司两周内修复3栋雨棚；二、区住建局协调老粮站院落"
                "增设路灯4盏，社区跟进。",
        "attendee_ids": [m.id for m in members.values()]}, held_at + timedelta(hours=3))
    canopy, lights = meeting.agenda
    at = held_at + timedelta(hours=4)
    repair = service.add_resolution(staff, meeting.id, {
        "title": "修复观湖花园3栋单元门雨棚", "owner_member_id": members["周立新"].id,
        "due_on": service.local_day(held_at) + timedelta(days=14),
        "agenda_item_id": canopy.id}, at)
    service.add_progress(staff, repair.id, {"note": "材料已到场，周六施工", "percent": 50},
                         at + timedelta(days=5))
    service.finish(staff, repair.id, {"result": "雨棚已更换为钢化玻璃，经业委会和居民代表验收"},
                   at + timedelta(days=9))
    street_lights = service.add_resolution(staff, meeting.id, {
        "title": "老粮站院落增设路灯4盏", "owner_member_id": members["张志强"].id,
        "due_on": service.local_day(held_at) + timedelta(days=90),
        "agenda_item_id": lights.id}, at)
    service.add_progress(staff, street_lights.id,
                         {"note": "已完成选址，等待电力接入", "percent": 40},
                         at + timedelta(days=20))
