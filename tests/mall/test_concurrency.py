"""Concurrency claims of the points mall, proven with real parallel HTTP requests against
gunicorn (3 worker processes x 4 threads) on PostgreSQL: double spend, oversell, per-user
limit, write-off races, cancel racing with write-off."""
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from app.mall.models import MallItem, Voucher
from app.timebank.models import Posting, Transfer

pytestmark = pytest.mark.postgres


def _parallel(fn, args, workers=32):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, args))


def _redeem(base, headers, item, key):
    resp = requests.post(f"{base}/api/v1/mall/items/{item}/redeem",
                         headers={**headers, "Idempotency-Key": key}, timeout=60)
    return resp.status_code, resp.json()


def _ledger_sums_to_zero(bank):
    return bank.scalar(sa.select(sa.func.coalesce(sa.func.sum(Posting.amount), 0))) == 0


def test_200_redemptions_of_price_1_against_50_points_make_exactly_50(bank, live_server):
    uid = bank.user(points=50)
    item = bank.item(bank.merchant(), price_points=1, stock=1000)
    h = bank.headers(uid)
    results = _parallel(lambda i: _redeem(live_server, h, item, f"double-{i}"), range(200))
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 50, 409: 150}, statuses
    assert {body["error"]["code"] for status, body in results if status == 409} == {
        "insufficient_points"}
    # each success saw a distinct balance: the debits were serialized, none went below zero
    assert sorted(body["balance"] for status, body in results if status == 201) == list(
        range(50))
    assert bank.balance(uid) == 0
    assert bank.count(Voucher, Voucher.user_id == uid) == 50
    assert bank.scalar(sa.select(MallItem.stock).where(MallItem.id == item)) == 950
    assert _ledger_sums_to_zero(bank) and bank.verify()["ok"]


def test_100_users_racing_for_stock_10_get_exactly_10_vouchers(bank, live_server):
    item = bank.item(bank.merchant(), price_points=5, stock=10)
    users = [bank.user(points=20) for _ in range(100)]
    headers = {uid: bank.headers(uid) for uid in users}
    results = _parallel(lambda uid: (uid, *_redeem(live_server, headers[uid], item, "once")),
                        users)
    winners = [uid for uid, status, _ in results if status == 201]
    losers = [(uid, body) for uid, status, body in results if status != 201]
    assert len(winners) == 10
    assert {body["error"]["code"] for _, body in losers} == {"out_of_stock"}
    assert bank.scalar(sa.select(MallItem.stock).where(MallItem.id == item)) == 0
    assert all(bank.balance(uid) == 15 for uid in winners)
    assert all(bank.balance(uid) == 20 for uid, _ in losers)
    assert bank.count(Voucher) == 10
    assert _ledger_sums_to_zero(bank) and bank.verify()["ok"]


def test_one_user_racing_past_the_per_user_limit_gets_the_limit(bank, live_server):
    uid = bank.user(points=1000)
    item = bank.item(bank.merchant(), price_points=3, stock=100, per_user_limit=2)
    h = bank.headers(uid)
    results = _parallel(lambda i: _redeem(live_server, h, item, f"lim-{i}"), range(30))
    assert Counter(status for status, _ in results) == {201: 2, 409: 28}
    assert bank.balance(uid) == 994 and bank.count(Voucher) == 2


def test_a_voucher_written_off_by_many_scanners_at_once_is_used_once(bank, live_server):
    members = [bank.user() for _ in range(3)]
    merchant = bank.merchant(members=members)
    item = bank.item(merchant, price_points=10, stock=5)
    uid = bank.user(points=10)
    _, body = _redeem(live_server, bank.headers(uid), item, "w")
    code = body["voucher"]["code"]
    heads = [bank.headers(m) for m in members]

    def scan(i):
        return requests.post(f"{live_server}/api/v1/mall/vouchers/writeoff", headers=heads[i % 3],
                             json={"code": code}, timeout=60).status_code

    assert Counter(_parallel(scan, range(30))) == {200: 1, 409: 29}
    assert bank.scalar(sa.select(Voucher.status)) == "used"


def test_cancel_racing_with_write_off_refunds_only_if_not_used(bank, live_server):
    member = bank.user()
    item = bank.item(bank.merchant(members=[member]), price_points=10, stock=50)
    uid = bank.user(points=200)
    vouchers = [_redeem(live_server, bank.headers(uid), item, f"c{i}")[1]["voucher"]
                for i in range(10)]
    owner, scanner = bank.headers(uid), bank.headers(member)

    def act(pair):
        voucher, who = pair
        if who == "owner":
            return requests.post(f"{live_server}/api/v1/mall/vouchers/{voucher['id']}/cancel",
                                 headers=owner, timeout=60).status_code
        return requests.post(f"{live_server}/api/v1/mall/vouchers/writeoff", headers=scanner,
                             json={"code": voucher["code"]}, timeout=60).status_code

    jobs = [(v, who) for v in vouchers for who in ("owner", "scanner")]
    statuses = _parallel(act, jobs)
    assert Counter(statuses) == {200: 10, 409: 10}
    cancelled = bank.count(Voucher, Voucher.status == "cancelled")
    assert bank.count(Voucher, Voucher.status == "used") + cancelled == 10
    assert bank.balance(uid) == 100 + 10 * cancelled
    assert bank.count(Transfer, Transfer.kind == "refund") == cancelled
    assert bank.verify()["ok"]


def test_parallel_cancels_of_one_voucher_refund_it_exactly_once(bank, live_server):
    """The voucher page's 退券 tapped on two phones, or retried after a lost answer with a
    new key: one cancellation wins, one refund, the stock back by one."""
    item = bank.item(bank.merchant(), price_points=30, stock=5)
    uid = bank.user(points=100)
    voucher = _redeem(live_server, bank.headers(uid), item, "one")[1]["voucher"]
    owner = bank.headers(uid)

    def cancel(i):
        return requests.post(f"{live_server}/api/v1/mall/vouchers/{voucher['id']}/cancel",
                             headers={**owner, "Idempotency-Key": f"cancel-{i}"},
                             timeout=60).status_code

    assert Counter(_parallel(cancel, range(20))) == {200: 1, 409: 19}
    assert bank.balance(uid) == 100
    assert bank.count(Transfer, Transfer.kind == "refund") == 1
    assert bank.scalar(sa.select(MallItem.stock).where(MallItem.id == item)) == 5
    assert bank.verify()["ok"]


def test_a_cancel_retried_with_its_key_is_answered_once(bank, live_server):
    """The same Idempotency-Key sent in parallel (the page's retry): every answer is the
    first one (200), and the refund is made once."""
    item = bank.item(bank.merchant(), price_points=30, stock=5)
    uid = bank.user(points=100)
    voucher = _redeem(live_server, bank.headers(uid), item, "one")[1]["voucher"]
    owner = {**bank.headers(uid), "Idempotency-Key": "cancel-same"}

    def cancel(_):
        return requests.post(f"{live_server}/api/v1/mall/vouchers/{voucher['id']}/cancel",
                             headers=owner, timeout=60).status_code

    statuses = Counter(_parallel(cancel, range(10)))
    # a replay answers 200; a request racing the first one's key is told to retry (409)
    assert statuses[200] >= 1 and set(statuses) <= {200, 409}, statuses
    assert bank.balance(uid) == 100
    assert bank.count(Transfer, Transfer.kind == "refund") == 1
