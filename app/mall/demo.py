"""Demo data of the points mall for `flask seed-demo` (idempotent): 观湖社区's supermarket,
its member `demo-merchant-1`, one item of every kind and the merchant's points account."""
import sqlalchemy as sa

from app.auth.models import RoleGrant, User
from app.community.models import Community
from app.demo import get_or_create
from app.extensions import db
from app.mall.models import MallItem, Merchant
from app.timebank import service as timebank

MERCHANT = "观湖邻里超市"
# title -> (kind, price, stock, per-user limit, valid days)
ITEMS = {
    "东北大米 5kg": ("goods", 200, 50, 2, 30),
    "上门家电清洗一次": ("service", 300, 20, 1, 60),
    "超市购物九折券": ("discount", 50, 100, None, 14),
    "周末邻里集市摊位券": ("market", 80, 8, 1, 7),
}


def seed() -> None:
    home = db.session.scalar(sa.select(Community).where(Community.name == "观湖社区"))
    merchant = get_or_create(Merchant, {"community_id": home.id}, name=MERCHANT)
    owner = db.session.scalar(sa.select(User).where(User.openid == "demo-merchant-1"))
    get_or_create(RoleGrant, user_id=owner.id, role="merchant", merchant_id=merchant.id,
                  revoked_at=None)
    for title, (kind, price, stock, limit, days) in ITEMS.items():
        get_or_create(MallItem, {"kind": kind, "price_points": price, "stock": stock,
                                 "per_user_limit": limit, "valid_days": days,
                                 "published": True, "description": f"{MERCHANT}提供"},
                      merchant_id=merchant.id, title=title)
    timebank.merchant_account(merchant.id)
