"""`flask seed-demo` for the time bank and mall: points granted through the ledger, a merchant
with items of every kind, and a second run that changes nothing."""
import sqlalchemy as sa

from app.auth.models import User
from app.community.models import Community
from app.extensions import db
from app.timebank import service
from app.timebank.mall_models import MallItem, Merchant
from app.timebank.models import Account, Posting, Transfer


def _snapshot():
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Transfer)),
            db.session.scalar(sa.select(sa.func.count()).select_from(MallItem)),
            tuple(db.session.scalars(sa.select(Account.balance).order_by(Account.id))))


def test_demo_residents_get_their_points_from_community_1_through_the_ledger(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        home = db.session.scalar(sa.select(Community).where(Community.name == "观湖社区"))
        issuing = service.community_account(home.id)
        for openid, points in (("demo-resident-1", 1000), ("demo-resident-2", 100)):
            user = db.session.scalar(sa.select(User).where(User.openid == openid))
            grant = db.session.scalar(sa.select(Transfer).where(
                Transfer.key == f"demo:welcome:{openid}"))
            assert grant.amount == points and grant.debit_account_id == issuing.id
            assert grant.credit_account_id == service.user_account(user.id).id
        assert issuing.budget == 100_000
        merchant_user = db.session.scalar(sa.select(User).where(User.openid == "demo-merchant-1"))
        grant = next(g for g in merchant_user.grants if g.role == "merchant")
        merchant = db.session.get(Merchant, grant.merchant_id)
        items = db.session.scalars(sa.select(MallItem).where(
            MallItem.merchant_id == merchant.id)).all()
        assert {i.kind for i in items} == {"goods", "service", "discount", "market"}
        assert any(i.stock <= 10 for i in items) and all(i.published for i in items)
        before = _snapshot()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert _snapshot() == before
        assert db.session.scalar(sa.select(sa.func.sum(Posting.amount))) == 0
    result = runner.invoke(args=["timebank", "verify"])
    assert result.exit_code == 0 and "ledger ok" in result.output


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
