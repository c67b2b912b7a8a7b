"""Who may approve an adjustment: not its requester, not whoever it pays or charges, and not
an admin the requester made in the last 30 days."""
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import RoleGrant
from app.common.timeutil import utcnow
from app.timebank.models import Transfer

API = "/api/v1/timebank"


def _ask(client, bank, admin, **body):
    resp = client.post(f"{API}/adjustments", headers=bank.headers(admin),
                       json={"reason": "线下服务补录", **body})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def _approve(client, bank, adjustment, admin):
    return client.post(f"{API}/adjustments/{adjustment}/approve", headers=bank.headers(admin))


def _grant_admin(bank, user_id, by_id, days_ago):
    from app.extensions import db

    with bank.app.app_context():
        db.session.add(RoleGrant(user_id=user_id, role="admin", granted_by_id=by_id,
                                 granted_at=utcnow() - timedelta(days=days_ago)))
        db.session.commit()


def test_the_beneficiary_cannot_approve_a_credit_to_herself(bank, client):
    requester, beneficiary, third = (bank.user(roles=[("admin", {})]) for _ in range(3))
    adj = _ask(client, bank, requester, user_id=beneficiary, amount=500)
    resp = _approve(client, bank, adj, beneficiary)
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "approver_is_beneficiary"
    assert bank.balance(beneficiary) == 0
    assert _approve(client, bank, adj, third).status_code == 200
    assert bank.balance(beneficiary) == 500


def test_a_party_of_a_reversed_transfer_cannot_approve_the_reversal(bank, client):
    requester, third = bank.user(roles=[("admin", {})]), bank.user(roles=[("admin", {})])
    payer = bank.user(points=50, roles=[("admin", {})])
    friend = bank.user()
    h = {**bank.headers(payer), "Idempotency-Key": "gift"}
    client.post(f"{API}/transfers", headers=h, json={"to_user_id": friend, "amount": 20})
    gift = bank.scalar(sa.select(Transfer.id).where(Transfer.kind == "transfer"))
    adj = _ask(client, bank, requester, reverse_transfer_id=gift)
    resp = _approve(client, bank, adj, payer)
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "approver_is_beneficiary"
    assert _approve(client, bank, adj, third).status_code == 200
    assert (bank.balance(payer), bank.balance(friend)) == (50, 0)


def test_an_admin_the_requester_granted_within_30_days_cannot_approve(bank, client):
    """One person, two accounts: a makes her second account admin and approves through it."""
    a = bank.user(roles=[("admin", {})])
    puppet, target = bank.user(), bank.user()
    _grant_admin(bank, puppet, a, days_ago=3)
    adj = _ask(client, bank, a, user_id=target, amount=1000)
    resp = _approve(client, bank, adj, puppet)
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "approver_recently_made_admin"
    assert bank.balance(target) == 0
    # her own credit through the same account: refused as well
    own = _ask(client, bank, a, user_id=a, amount=1000)
    assert _approve(client, bank, own, puppet).status_code == 403
    assert bank.balance(a) == 0


def test_an_admin_the_requester_granted_long_ago_may_approve(bank, client):
    a = bank.user(roles=[("admin", {})])
    colleague, target = bank.user(), bank.user()
    _grant_admin(bank, colleague, a, days_ago=31)
    adj = _ask(client, bank, a, user_id=target, amount=10)
    assert _approve(client, bank, adj, colleague).status_code == 200
    assert bank.balance(target) == 10


def test_the_whole_attack_through_the_api_is_refused(bank, client):
    """a asks for an admin grant for her second account, an honest admin approves it; the
    second account still cannot approve a's adjustment."""
    a, honest = bank.user(roles=[("admin", {})]), bank.user(roles=[("admin", {})])
    second = bank.user()
    req = client.post("/api/v1/roles/admin-requests", json={"user_id": second},
                      headers=bank.headers(a)).get_json()
    assert client.post(f"/api/v1/roles/admin-requests/{req['id']}/approve",
                       headers=bank.headers(honest)).status_code == 200
    adj = _ask(client, bank, a, user_id=a, amount=1000)
    resp = _approve(client, bank, adj, second)
    assert resp.status_code == 403
    assert bank.balance(a) == 0
    assert bank.verify()["ok"]
