"""Time bank endpoints: account, statement, gifts, verify, budgets, four-eyes adjustments."""
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.timebank.models import Adjustment, Transfer

API = "/api/v1/timebank"


def test_account_summary_of_a_new_user_is_empty(bank, client):
    uid = bank.user()
    body = client.get(f"{API}/account", headers=bank.headers(uid)).get_json()
    assert body == {"account_id": None, "balance": 0, "earned_total": 0, "spent_total": 0,
                    "minutes_served": 0, "held": 0}


def test_account_and_statement_need_login(client):
    assert client.get(f"{API}/account").status_code == 401
    assert client.get(f"{API}/entries").status_code == 401


def test_statement_is_newest_first_with_balance_after_kind_ref_memo(bank, client):
    a, b = bank.user(points=100), bank.user()
    h = {**bank.headers(a), "Idempotency-Key": "gift-1"}
    resp = client.post(f"{API}/transfers", headers=h,
                       json={"to_user_id": b, "amount": 30, "memo": "给孙子"})
    assert resp.status_code == 201
    assert resp.get_json()["balance"] == 70
    items = client.get(f"{API}/entries", headers=bank.headers(a)).get_json()["items"]
    assert [(e["amount"], e["balance_after"], e["kind"]) for e in items] == [
        (-30, 70, "transfer_out"), (100, 100, "adjustment")]
    assert items[0]["memo"] == "给孙子" and items[0]["ref"] == f"user:{a}:{b}"
    assert items[0]["at"].endswith("+08:00")
    theirs = client.get(f"{API}/entries", headers=bank.headers(b)).get_json()["items"]
    assert [(e["amount"], e["kind"]) for e in theirs] == [(30, "transfer_in")]


def _count_queries(app, fn):
    from app.extensions import db

    seen = []

    def before(*args):
        seen.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return len(seen)


def test_statement_pages_by_cursor_with_a_fixed_number_of_queries(bank, client, app):
    a, b = bank.user(points=1000), bank.user()
    from app.extensions import db
    from app.timebank import service

    with app.app_context():
        for i in range(60):
            service.transfer_between_users(from_user_id=a, to_user_id=b, amount=1,
                                           key=f"p{i}")
        db.session.commit()
    h = bank.headers(a)
    client.get(f"{API}/entries?limit=1", headers=h)  # the session is kept after a first request
    small = _count_queries(app, lambda: client.get(f"{API}/entries?limit=1", headers=h))
    large = _count_queries(app, lambda: client.get(f"{API}/entries?limit=50", headers=h))
    assert small == large <= 4
    seen, cursor = [], None
    while True:
        url = f"{API}/entries?limit=25" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=h).get_json()
        seen += [e["id"] for e in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 61 and seen == sorted(seen, reverse=True)


@pytest.mark.parametrize("body", [
    {"to_user_id": 2, "amount": 0}, {"to_user_id": 2, "amount": -5},
    {"to_user_id": 2, "amount": "5"}, {"to_user_id": 2, "amount": 1.5},
    {"to_user_id": 2}, {"amount": 5}, {"to_user_id": 2, "amount": 5, "memo": "x" * 101},
    {"to_user_id": 2, "amount": 5, "balance": 999}, {"to_user_id": 2, "amount": 10**12}])
def test_bad_transfer_bodies_are_422(bank, client, body):
    a = bank.user(points=10)
    resp = client.post(f"{API}/transfers", headers={**bank.headers(a), "Idempotency-Key": "b"},
                       json=body)
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["code"] == "validation_error"
    assert bank.balance(a) == 10


def test_transfer_to_self_or_nobody_is_refused(bank, client):
    a = bank.user(points=10)
    h = bank.headers(a)
    assert client.post(f"{API}/transfers", headers={**h, "Idempotency-Key": "self"},
                       json={"to_user_id": a, "amount": 1}).status_code == 422
    assert client.post(f"{API}/transfers", headers={**h, "Idempotency-Key": "nobody"},
                       json={"to_user_id": 99999, "amount": 1}).status_code == 404
    assert bank.balance(a) == 10


def test_transfer_beyond_balance_is_409_insufficient_points(bank, client):
    a, b = bank.user(points=10), bank.user()
    resp = client.post(f"{API}/transfers", headers={**bank.headers(a), "Idempotency-Key": "g"},
                       json={"to_user_id": b, "amount": 11})
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "insufficient_points"
    assert (bank.balance(a), bank.balance(b)) == (10, 0)


def test_gift_memos_go_through_the_content_check(bank, client):
    a, b = bank.user(points=10), bank.user()
    resp = client.post(f"{API}/transfers", headers={**bank.headers(a), "Idempotency-Key": "m"},
                       json={"to_user_id": b, "amount": 1, "memo": "违禁词"})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "content_rejected"
    assert (bank.balance(a), bank.balance(b)) == (10, 0)


def test_verify_is_for_admins_only(bank, client):
    admin = bank.user(roles=[("admin", {})])
    staff = bank.user(roles=[("staff", {"community_id": bank.community()})])
    bank.user(points=5)
    assert client.get(f"{API}/verify", headers=bank.headers(staff)).status_code == 403
    body = client.get(f"{API}/verify", headers=bank.headers(admin)).get_json()
    assert body["ok"] is True and body["problems"] == []
    assert body["postings_checked"] == 2 and body["accounts_checked"] == 2


def test_community_account_shows_budget_to_its_staff_only(bank, client):
    community = bank.community()
    staff = bank.user(roles=[("staff", {"community_id": community})])
    other = bank.user(roles=[("staff", {"community_id": bank.community("别的社区")})])
    admin = bank.user(roles=[("admin", {})])
    bank.user(points=30)
    url = f"{API}/communities/{community}/account"
    assert client.get(url, headers=bank.headers(other)).status_code == 403
    body = client.get(url, headers=bank.headers(staff)).get_json()
    assert (body["balance"], body["budget"], body["available"]) == (-30, 100_000, 99_970)
    budget_url = f"{API}/communities/{community}/budget"
    assert client.put(budget_url, headers=bank.headers(staff),
                      json={"budget": 10}).status_code == 403
    resp = client.put(budget_url, headers=bank.headers(admin), json={"budget": 20})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "budget_below_used"
    resp = client.put(budget_url, headers=bank.headers(admin), json={"budget": 500})
    assert resp.get_json()["available"] == 470


def test_adjustment_takes_effect_only_when_a_second_admin_approves(bank, client):
    first, second = bank.user(roles=[("admin", {})]), bank.user(roles=[("admin", {})])
    target = bank.user(points=10)
    resp = client.post(f"{API}/adjustments", headers=bank.headers(first),
                       json={"user_id": target, "amount": 25, "reason": "线下服务补录"})
    assert resp.status_code == 201 and resp.get_json()["status"] == "pending"
    adj = resp.get_json()["id"]
    assert bank.balance(target) == 10
    own = client.post(f"{API}/adjustments/{adj}/approve", headers=bank.headers(first))
    assert own.status_code == 403 and own.get_json()["error"]["code"] == "four_eyes_required"
    assert bank.balance(target) == 10
    ok = client.post(f"{API}/adjustments/{adj}/approve", headers=bank.headers(second))
    assert ok.status_code == 200 and ok.get_json()["status"] == "approved"
    again = client.post(f"{API}/adjustments/{adj}/approve", headers=bank.headers(second))
    assert again.status_code == 409
    assert bank.balance(target) == 35
    entries = client.get(f"{API}/entries", headers=bank.headers(target)).get_json()["items"]
    assert entries[0]["kind"] == "adjustment" and "线下服务补录" in entries[0]["memo"]


def test_adjustment_can_reverse_a_transfer_after_approval(bank, client):
    first, second = bank.user(roles=[("admin", {})]), bank.user(roles=[("admin", {})])
    a, b = bank.user(points=10), bank.user()
    client.post(f"{API}/transfers", headers={**bank.headers(a), "Idempotency-Key": "gift"},
                json={"to_user_id": b, "amount": 4})
    gift = bank.scalar(sa.select(Transfer.id).where(Transfer.kind == "transfer"))
    adj = client.post(f"{API}/adjustments", headers=bank.headers(first),
                      json={"reverse_transfer_id": gift, "reason": "转错人"}).get_json()["id"]
    client.post(f"{API}/adjustments/{adj}/approve", headers=bank.headers(second))
    assert (bank.balance(a), bank.balance(b)) == (10, 0)
    assert bank.scalar(sa.select(Adjustment.transfer_id)) is not None
    assert bank.verify()["ok"]


def test_adjustment_rules(bank, client):
    admin, other = bank.user(roles=[("admin", {})]), bank.user(roles=[("admin", {})])
    resident = bank.user()
    h = bank.headers(admin)
    assert client.post(f"{API}/adjustments", headers=bank.headers(resident),
                       json={"user_id": resident, "amount": 5, "reason": "x"}).status_code == 403
    for body in ({"user_id": resident, "reason": "x"}, {"user_id": resident, "amount": 0,
                                                        "reason": "x"},
                 {"user_id": resident, "amount": 5}, {"amount": 5, "reason": "x"},
                 {"user_id": resident, "amount": 5, "reverse_transfer_id": 1, "reason": "x"}):
        assert client.post(f"{API}/adjustments", headers=h, json=body).status_code == 422, body
    adj = client.post(f"{API}/adjustments", headers=h,
                      json={"user_id": resident, "amount": -5, "reason": "多记"}).get_json()["id"]
    resp = client.post(f"{API}/adjustments/{adj}/approve", headers=bank.headers(other))
    assert resp.get_json()["error"]["code"] == "insufficient_points"
    assert client.get(f"{API}/adjustments?status=pending",
                      headers=h).get_json()["items"][0]["id"] == adj
    rejected = client.post(f"{API}/adjustments/{adj}/reject", headers=bank.headers(other))
    assert rejected.get_json()["status"] == "rejected"
