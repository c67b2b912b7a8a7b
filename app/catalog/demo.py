"""Demo categories and the two demo partners (with their members)."""
from datetime import date

import sqlalchemy as sa

from app.auth.models import RoleGrant, User
from app.catalog.models import Partner, ServiceCategory
from app.community.models import Community
from app.demo import get_or_create
from app.extensions import db

CATEGORIES = [
    # code, name, icon, payer, points/hour, max minutes
    ("appliance_repair", "家电维修", "tool", "community", 20, 240),
    ("elderly_care", "助老陪护", "heart", "community", 15, 480),
    ("errand", "代买代办", "cart", "resident", 10, 120),
    ("plumbing", "水电维修", "water", "community", 20, 240),
    ("haircut", "理发", "scissors", "resident", 10, 60),
    ("counselling", "心理疏导", "chat", "none", 0, 120),
]

# Preset phrases (常用语) per demo category: what elders most often ask for.
PHRASES = {
    "appliance_repair": ["空调不制冷", "冰箱不制冷", "洗衣机不转", "电视没信号", "热水器不热"],
    "elderly_care": ["陪同去医院", "上门陪聊", "帮忙打扫", "陪同散步"],
    "errand": ["代买菜", "代取药", "代缴费", "代取快递"],
    "plumbing": ["水龙头漏水", "下水道堵了", "家里停电", "灯不亮了", "马桶漏水"],
    "haircut": ["上门理发", "剪短一些", "修一修"],
    "counselling": ["心里烦闷", "想找人说说话", "睡不好觉"],
}

PARTNERS = [
    ("demo-partner-1", "观湖家电维修合作社", "craftsman",
     ["appliance_repair", "plumbing"], 3),
    ("demo-partner-2", "隆昌助老服务中心", "social_org",
     ["elderly_care", "errand", "haircut", "counselling"], 5),
]


def seed() -> None:
    categories = {}
    for code, name, icon, payer, pph, max_minutes in CATEGORIES:
        categories[code] = get_or_create(
            ServiceCategory, {"name": name, "icon": icon, "payer": payer,
                              "points_per_hour": pph, "max_minutes": max_minutes,
                              "phrases": PHRASES[code]}, code=code)
        if not categories[code].phrases:  # a database seeded before phrases were kept
            categories[code].phrases = PHRASES[code]
    community = db.session.scalar(sa.select(Community).where(Community.name == "观湖社区"))
    for openid, name, kind, codes, capacity in PARTNERS:
        partner = db.session.scalar(sa.select(Partner).where(Partner.name == name))
        if partner is None:
            partner = get_or_create(Partner, {
                "kind": kind, "capacity": capacity, "home_community_id": community.id,
                "contract_start": date(2026, 1, 1), "contract_end": date(2027, 12, 31),
                "description": f"{name}，服务观湖社区"}, name=name)
            partner.categories = [categories[c] for c in codes]
            partner.communities = [community]
        user = db.session.scalar(sa.select(User).where(User.openid == openid))
        get_or_create(RoleGrant, user_id=user.id, role="partner_member", partner_id=partner.id,
                      revoked_at=None)
