"""A redemption's statements, pinned so that they cannot silently grow, and the refusals that
only the statements under the locks can give (a change that lands while the request is in
flight): they refuse and leave nothing written."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.common.timeutil import utcnow
from app.extensions import db
from app.mall import service as mall
from app.mall.models import MallItem, Voucher
from app.timebank.models import Transfer

MALL = "/api/v1/mall"
# Once the buyer's and the merchant's accounts exist and the buyer's session is kept: the read
# (item, merchant, both account ids, the buyer's vouchers of a limited item), the voucher, the
# ledger's transfer, account locks and postings with balances, the stock (with the per-user
# limit counted under the buyer's lock). PostgreSQL writes the postings and the balances in
# one statement, SQLite in two. An Idempotency-Key adds its claim and its stored answer.
# The token check is not counted: with Redis it reads nothing (tests/test_auth_cache.py), and
# without Redis (SQLite here) it reads the session every time.
STATEMENTS = {"postgresql": 6, "sqlite": 7}
KEY_STATEMENTS = 2


def _statements(app, fn):
    seen = []
    with app.app_context():
        engine = db.engine

    def listener(conn, cursor, statement, *rest):
        if "FROM auth_sessions" not in statement:
            seen.append(" ".join(statement.split())[:90])

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        resp = fn()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return resp, seen


@pytest.mark.parametrize("limit", [None, 3])
@pytest.mark.parametrize("key", [True, False])
def test_a_redemption_issues_a_fixed_number_of_statements(bank, client, app, limit, key):
    uid = bank.user(points=100)
    item = bank.item(bank.merchant(), price_points=10, stock=50, per_user_limit=limit)
    h = bank.headers(uid)
    n = iter(range(100))

    def redeem():
        headers = {**h, "Idempotency-Key": f"pin-{next(n)}"} if key else h
        return client.post(f"{MALL}/items/{item}/redeem", headers=headers)

    assert redeem().status_code == 201  # the merchant's account is created by its first sale
    resp, seen = _statements(app, redeem)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["balance"] == 80
    with app.app_context():
        dialect = db.engine.dialect.name
    expected = STATEMENTS[dialect] + (KEY_STATEMENTS if key else 0)
    assert len(seen) == expected, "\n".join(seen)


def _then(change, item_id, user_id, merchant_id):
    """After the ledger has locked the buyer's account, as a concurrent commit would land."""
    if change == "voucher":  # another of the buyer's redemptions of the item
        now = utcnow()
        db.session.add(Voucher(code=mall.new_code(), item_id=item_id, merchant_id=merchant_id,
                               user_id=user_id, price_points=10, status="issued",
                               issued_at=now, expires_at=now + timedelta(days=7)))
        db.session.flush()
        return
    values = {"price": {"price_points": 11}, "days": {"valid_days": 8},
              "unpublish": {"published": False}, "stock": {"stock": 0}}[change]
    items = MallItem.__table__  # Core: the request's loaded item keeps what it read
    db.session.connection().execute(items.update().where(items.c.id == item_id).values(**values))


@pytest.mark.parametrize("change, status, code", [
    ("price", 409, "price_changed"),
    ("days", 409, "price_changed"),
    ("voucher", 409, "limit_reached"),
    ("unpublish", 404, "not_found"),
    ("stock", 409, "out_of_stock"),
])
def test_a_change_seen_only_under_the_locks_refuses_and_writes_nothing(
        bank, client, monkeypatch, change, status, code):
    uid = bank.user(points=50)
    merchant = bank.merchant()
    item = bank.item(merchant, price_points=10, stock=5, per_user_limit=1, valid_days=7)
    real = mall.timebank.pay_merchant

    def pay_then_change(**kwargs):
        transfer = real(**kwargs)
        _then(change, item, uid, merchant)
        return transfer

    monkeypatch.setattr(mall.timebank, "pay_merchant", pay_then_change)
    resp = client.post(f"{MALL}/items/{item}/redeem",
                       headers={**bank.headers(uid), "Idempotency-Key": f"late-{change}"})
    assert resp.status_code == status, resp.get_json()
    assert resp.get_json()["error"]["code"] == code
    assert bank.balance(uid) == 50
    assert bank.scalar(sa.select(MallItem.stock).where(MallItem.id == item)) == 5
    assert bank.count(Voucher) == 0
    assert bank.count(Transfer, Transfer.kind == "redeem") == 0
    assert bank.verify()["ok"]
