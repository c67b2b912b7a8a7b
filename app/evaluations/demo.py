"""Demo data of this domain for `flask seed-demo` (idempotent).

An open evaluation campaign of 观湖社区 with five targets: the party members
`demo-volunteer-1` and `demo-mediator-1`, the compound party organisation 观湖花园党支部 (seeded
by app/organisations, which runs first) and the two demo partners. When the last one has
closed (the seed is run again weeks later), a fresh one is opened, so the demo always has one.
"""
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.catalog.models import Partner
from app.common.timeutil import SHANGHAI, utcnow
from app.community.models import Community
from app.evaluations import service
from app.evaluations.models import Campaign
from app.extensions import db
from app.organisations.models import OrgBody

PARTNERS = ("观湖家电维修合作社", "隆昌助老服务中心")
PARTY_ORG = "观湖花园党支部"


def seed() -> None:
    now = utcnow()
    community = db.session.scalar(sa.select(Community).where(Community.name == "观湖社区"))
    if db.session.scalar(sa.select(Campaign.id).where(Campaign.community_id == community.id,
                                                      Campaign.closes_at > now)):
        return
    staff = db.session.scalar(sa.select(User).where(User.openid == "demo-staff-1"))
    members = db.session.scalars(sa.select(User.id).where(
        User.openid.in_(("demo-volunteer-1", "demo-mediator-1"))).order_by(User.id))
    partners = db.session.scalars(sa.select(Partner.id).where(Partner.name.in_(PARTNERS))
                                  .order_by(Partner.id))
    targets = [{"kind": "party_member", "id": uid} for uid in members]
    targets += [{"kind": "compound_party_org", "id": bid} for bid in db.session.scalars(
        sa.select(OrgBody.id).where(OrgBody.community_id == community.id,
                                    OrgBody.kind == "compound_party", OrgBody.name == PARTY_ORG,
                                    OrgBody.dissolved_at.is_(None)))]
    targets += [{"kind": "partner", "id": pid} for pid in partners]
    local = now.astimezone(SHANGHAI)
    service.create_campaign(staff, {
        "community_id": community.id, "title": f"{local:%Y年%m月}党员、党组织和红色合伙人评议",
        "opens_at": now - timedelta(hours=1), "closes_at": now + timedelta(days=14),
        "targets": targets}, now)
