"""`flask seed-demo` for the points mall: a merchant with a member and items of every kind,
a second run that changes nothing, and a demo resident who can buy and be written off."""
import sqlalchemy as sa

from app.auth.models import RoleGrant, User
from app.extensions import db
from app.mall.models import MallItem, Merchant
from app.timebank.models import Account


def _snapshot():
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (Merchant, MallItem, RoleGrant, Account))


def test_demo_merchant_has_a_member_and_items_of_every_kind_once(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        merchant_user = db.session.scalar(sa.select(User).where(User.openid == "demo-merchant-1"))
        grant = next(g for g in merchant_user.grants if g.role == "merchant")
        merchant = db.session.get(Merchant, grant.merchant_id)
        items = db.session.scalars(sa.select(MallItem).where(
            MallItem.merchant_id == merchant.id)).all()
        assert {i.kind for i in items} == {"goods", "service", "discount", "market"}
        assert any(i.stock <= 10 for i in items) and all(i.published for i in items)
        assert db.session.scalar(sa.select(Account.id).where(
            Account.kind == "merchant", Account.merchant_id == merchant.id)) is not None
        before = _snapshot()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert _snapshot() == before


def test_demo_resident_can_redeem_and_the_merchant_can_write_off(app, client, seeded, login):
    items = client.get("/api/v1/mall/items", headers=login("demo-resident-1")).get_json()
    market = next(i for i in items["items"] if i["kind"] == "market")
    resp = client.post(f"/api/v1/mall/items/{market['id']}/redeem",
                       headers={**login("demo-resident-1"), "Idempotency-Key": "demo-1"})
    assert resp.status_code == 201
    code = resp.get_json()["voucher"]["code"]
    done = client.post("/api/v1/mall/vouchers/writeoff", headers=login("demo-merchant-1"),
                       json={"code": code})
    assert done.status_code == 200 and done.get_json()["voucher"]["status"] == "used"
