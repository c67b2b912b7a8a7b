"""Helpers for the points mall tests: the time bank's users with points and tokens, plus
merchants and their items."""
import pytest

from app.auth.models import RoleGrant
from app.extensions import db
from app.mall.models import MallItem, Merchant
from tests.factories import Bank


class Shop(Bank):
    """`Bank` with merchants (and their members) and items, written directly."""

    def merchant(self, name: str = "测试商家", members=()) -> int:
        with self.app.app_context():
            merchant = Merchant(name=name, community_id=self.community())
            db.session.add(merchant)
            db.session.flush()
            for uid in members:
                db.session.add(RoleGrant(user_id=uid, role="merchant", merchant_id=merchant.id))
            db.session.commit()
            return merchant.id

    def item(self, merchant_id: int, **kw) -> int:
        values = {"title": "测试商品", "kind": "goods", "price_points": 10, "stock": 100,
                  "per_user_limit": None, "valid_days": 30, "published": True, **kw}
        with self.app.app_context():
            item = MallItem(merchant_id=merchant_id, **values)
            db.session.add(item)
            db.session.commit()
            return item.id


@pytest.fixture
def bank(app):
    return Shop(app)
