"""A few demo requests in different states, made through the state machine itself."""
import sqlalchemy as sa

from app.auth.models import User
from app.catalog.models import Partner, ServiceCategory
from app.community.models import HouseholdBinding
from app.extensions import db
from app.orders import service
from app.orders.models import ServiceRequest

# description, resident, category, partner (by member openid), steps after create
DEMO = [
    ("洗衣机脱水时漏水", "demo-resident-1", "appliance_repair", None, []),
    ("每周二上午陪老人去医院复查", "demo-resident-2", "elderly_care", "demo-partner-2",
     ["dispatch"]),
    ("厨房水龙头关不紧", "demo-resident-1", "plumbing", "demo-partner-1",
     ["dispatch", "accept", "start", "complete"]),
    ("上门理发（行动不便）", "demo-resident-1", "haircut", "demo-partner-2",
     ["dispatch", "accept", "start", "complete", "confirm"]),
]


def seed() -> None:
    users = {u.openid: u for u in db.session.scalars(sa.select(User).where(
        User.openid.like("demo-%")))}
    staff = users["demo-staff-1"]
    for description, resident, code, member, steps in DEMO:
        if db.session.scalar(sa.select(ServiceRequest.id).where(
                ServiceRequest.description == description)):
            continue
        user = users[resident]
        household_id = db.session.scalar(sa.select(HouseholdBinding.household_id).where(
            HouseholdBinding.user_id == user.id, HouseholdBinding.status == "approved"))
        category_id = db.session.scalar(sa.select(ServiceCategory.id).where(
            ServiceCategory.code == code))
        req = service.create_request(user, {"category_id": category_id,
                                            "household_id": household_id,
                                            "description": description})
        partner_user = users.get(member)
        for action in steps:
            if action == "dispatch":
                partner_id = db.session.scalar(sa.select(Partner.id).where(
                    Partner.id.in_([g.partner_id for g in partner_user.grants
                                    if g.role == "partner_member"])))
                service.act(req, "dispatch", staff, {"partner_id": partner_id})
            elif action == "complete":
                service.act(req, "complete", partner_user, {"minutes": 60, "note": "已完成"})
            elif action == "confirm":
                service.act(req, "confirm", user, {"rating": 5, "comment": "师傅很耐心"})
            else:
                service.act(req, action, partner_user, {})
