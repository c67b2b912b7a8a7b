"""Concurrency claims of the ledger, proven with real parallel HTTP requests against gunicorn
(3 worker processes x 4 threads) on PostgreSQL: concurrent duplicates of one Idempotency-Key,
opposing transfers."""
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from app.timebank.models import Posting, Transfer

pytestmark = pytest.mark.postgres


def _parallel(fn, args, workers=32):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, args))


def _ledger_sums_to_zero(bank):
    return bank.scalar(sa.select(sa.func.coalesce(sa.func.sum(Posting.amount), 0))) == 0


def test_one_idempotency_key_sent_20_times_at_once_moves_points_once(bank, live_server):
    a, b = bank.user(points=100), bank.user()
    h = {**bank.headers(a), "Idempotency-Key": "same-key"}
    url = f"{live_server}/api/v1/timebank/transfers"

    def send(_):
        resp = requests.post(url, headers=h, json={"to_user_id": b, "amount": 5}, timeout=60)
        return resp.status_code, resp.json(), resp.headers.get("Idempotent-Replayed")

    results = _parallel(send, range(20), workers=20)
    assert {status for status, _, _ in results} == {201}
    assert len({repr(body) for _, body, _ in results}) == 1
    assert [replayed for _, _, replayed in results].count(None) == 1
    again = send(0)
    assert again[0] == 201 and again[1] == results[0][1] and again[2] == "true"
    assert bank.count(Transfer, Transfer.kind == "transfer") == 1
    assert (bank.balance(a), bank.balance(b)) == (95, 5)
    other = requests.post(url, headers=h, json={"to_user_id": b, "amount": 6}, timeout=60)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert bank.balance(b) == 5


def test_opposing_transfers_in_parallel_never_deadlock_and_conserve_points(bank, live_server):
    a, b = bank.user(points=1000), bank.user(points=1000)
    heads = {a: bank.headers(a), b: bank.headers(b)}
    url = f"{live_server}/api/v1/timebank/transfers"

    def send(i):
        payer, payee = (a, b) if i % 2 else (b, a)
        resp = requests.post(url, headers={**heads[payer], "Idempotency-Key": f"opp-{i}"},
                             json={"to_user_id": payee, "amount": 1 + i % 3}, timeout=60)
        return resp.status_code

    statuses = Counter(_parallel(send, range(400)))
    assert statuses == {201: 400}, statuses
    assert bank.balance(a) + bank.balance(b) == 2000
    assert bank.count(Transfer, Transfer.kind == "transfer") == 400
    assert _ledger_sums_to_zero(bank) and bank.verify()["ok"]
