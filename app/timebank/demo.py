"""Demo data of the time bank and mall for `flask seed-demo` (idempotent).

Points reach the demo residents through the ledger, from 观湖社区's issuing account, under
fixed transfer keys: running the seed again finds the transfers and changes nothing.
"""
import sqlalchemy as sa

from app.auth.models import RoleGrant, User
from app.community.models import Community
from app.extensions import db
from app.timebank import service
from app.timebank.mall_models import MallItem, Merchant

BUDGETS = {"观湖社区": 100_000, "昌达街社区": 50_000}
MERCHANT = "观湖邻里超市"
# title -> (kind, price, stock, per-user limit, valid days)
ITEMS = {
    "东北大米 5kg": ("goods", 200, 50, 2, 30),
    "上门家电清洗一次": ("service", 300, 20, 1, 60),
    "超市购物九折券": ("discount", 50, 100, None, 14),
    "周末邻里集市摊位券": ("market", 80, 8, 1, 7),
}
WELCOME = {"demo-resident-1": 1000, "demo-resident-2": 100}


def seed() -> None:
    from app.demo import get_or_create

    communities = {c.name: c for c in db.session.scalars(sa.select(Community))}
    for name, budget in BUDGETS.items():
        if name in communities:
            service.set_budget(communities[name].id, budget)
    home = communities["观湖社区"]
    merchant = get_or_create(Merchant, {"community_id": home.id}, name=MERCHANT)
    owner = db.session.scalar(sa.select(User).where(User.openid == "demo-merchant-1"))
    get_or_create(RoleGrant, user_id=owner.id, role="merchant", merchant_id=merchant.id,
                  revoked_at=None)
    for title, (kind, price, stock, limit, days) in ITEMS.items():
        get_or_create(MallItem, {"kind": kind, "price_points": price, "stock": stock,
                                 "per_user_limit": limit, "valid_days": days,
                                 "published": True, "description": f"{MERCHANT}提供"},
                      merchant_id=merchant.id, title=title)
    service.merchant_account(merchant.id)
    for openid, points in WELCOME.items():
        user = db.session.scalar(sa.select(User).where(User.openid == openid))
        service.grant_from_community(
            community_id=home.id, user_id=user.id, points=points,
            key=f"demo:welcome:{openid}", ref=f"community:{home.id}", memo="社区发放积分（演示）")
