"""Four eyes on the admin role: a new admin needs a second admin's approval (or the CLI)."""
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

from app.auth.models import RoleGrant
from app.common.timeutil import utcnow

API = "/api/v1"


@pytest.fixture
def people(make_user, login):
    """Two admins of old standing (granted by nobody in the app) and two ordinary users."""
    ids = {name: make_user(name, roles=[("admin", {})] if name.startswith("admin") else [])
           for name in ("admin-a", "admin-c", "bob", "carol")}
    heads = {name: login(name) for name in ids}
    return ids, heads


def _is_admin(client, headers):
    roles = client.get(f"{API}/me", headers=headers).get_json()["roles"]
    return {"role": "admin"} in roles


def test_an_admin_cannot_grant_admin_directly(client, people):
    ids, h = people
    resp = client.post(f"{API}/roles/grants", json={"user_id": ids["bob"], "role": "admin"},
                       headers=h["admin-a"])
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "admin_grant_needs_approval"
    assert not _is_admin(client, h["bob"])


def test_a_new_admin_needs_a_second_admins_approval(client, people, db):
    ids, h = people
    resp = client.post(f"{API}/roles/admin-requests", json={"user_id": ids["bob"]},
                       headers=h["admin-a"])
    assert resp.status_code == 201, resp.get_json()
    req = resp.get_json()
    assert req["status"] == "pending" and req["requested_by_id"] == ids["admin-a"]
    assert not _is_admin(client, h["bob"])
    again = client.post(f"{API}/roles/admin-requests", json={"user_id": ids["bob"]},
                        headers=h["admin-c"])
    assert again.status_code == 409 and again.get_json()["error"]["code"] == \
        "admin_request_pending"
    # the requester cannot approve her own request; a non-admin cannot either
    own = client.post(f"{API}/roles/admin-requests/{req['id']}/approve", headers=h["admin-a"])
    assert own.status_code == 403 and own.get_json()["error"]["code"] == "four_eyes_required"
    assert client.post(f"{API}/roles/admin-requests/{req['id']}/approve",
                       headers=h["bob"]).status_code == 403
    listed = client.get(f"{API}/roles/admin-requests?status=pending",
                        headers=h["admin-c"]).get_json()["items"]
    assert [r["id"] for r in listed] == [req["id"]]
    ok = client.post(f"{API}/roles/admin-requests/{req['id']}/approve", headers=h["admin-c"])
    assert ok.status_code == 200, ok.get_json()
    body = ok.get_json()
    assert body["status"] == "approved" and body["decided_by_id"] == ids["admin-c"]
    assert _is_admin(client, h["bob"])
    grant = db.session.get(RoleGrant, body["grant_id"])
    assert grant.role == "admin" and grant.granted_by_id == ids["admin-a"]
    twice = client.post(f"{API}/roles/admin-requests/{req['id']}/approve", headers=h["admin-c"])
    assert twice.status_code == 409
    assert client.post(f"{API}/roles/admin-requests", json={"user_id": ids["bob"]},
                       headers=h["admin-a"]).status_code == 409  # already admin


def test_a_request_can_be_rejected_or_withdrawn(client, people):
    ids, h = people
    req = client.post(f"{API}/roles/admin-requests", json={"user_id": ids["bob"]},
                      headers=h["admin-a"]).get_json()
    withdrawn = client.post(f"{API}/roles/admin-requests/{req['id']}/reject",
                            headers=h["admin-a"])
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "rejected"
    assert client.post(f"{API}/roles/admin-requests/{req['id']}/approve",
                       headers=h["admin-c"]).status_code == 409
    assert not _is_admin(client, h["bob"])


def test_an_admin_made_by_the_requester_cannot_approve_her_next_admin(client, people, db):
    """a makes bob admin (c approves); bob may not then wave through a's next admin."""
    from app.auth.models import AdminGrantRequest

    ids, h = people
    first = client.post(f"{API}/roles/admin-requests", json={"user_id": ids["bob"]},
                        headers=h["admin-a"]).get_json()
    client.post(f"{API}/roles/admin-requests/{first['id']}/approve", headers=h["admin-c"])
    second = client.post(f"{API}/roles/admin-requests", json={"user_id": ids["carol"]},
                         headers=h["admin-a"]).get_json()
    resp = client.post(f"{API}/roles/admin-requests/{second['id']}/approve", headers=h["bob"])
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "approver_recently_made_admin"
    assert not _is_admin(client, h["carol"])
    # thirty days later bob is a second pair of eyes like any other
    db.session.execute(sa.update(AdminGrantRequest).where(AdminGrantRequest.id == first["id"])
                       .values(decided_at=utcnow() - timedelta(days=31)))
    db.session.execute(sa.update(RoleGrant).where(RoleGrant.user_id == ids["bob"])
                       .values(granted_at=utcnow() - timedelta(days=31)))
    db.session.commit()
    resp = client.post(f"{API}/roles/admin-requests/{second['id']}/approve", headers=h["bob"])
    assert resp.status_code == 200, resp.get_json()


def test_the_future_admin_and_strangers_are_refused(client, people):
    ids, h = people
    assert client.post(f"{API}/roles/admin-requests", json={"user_id": ids["bob"]},
                       headers=h["carol"]).status_code == 403
    assert client.post(f"{API}/roles/admin-requests", json={"user_id": 999999},
                       headers=h["admin-a"]).status_code == 404
    assert client.get(f"{API}/roles/admin-requests", headers=h["bob"]).status_code == 403
    assert client.post(f"{API}/roles/admin-requests/999/approve",
                       headers=h["admin-c"]).status_code == 404


@pytest.mark.postgres
def test_two_admins_approving_at_once_make_one_grant(app, make_user, login, live_server):
    """Parallel approvals by several admins against gunicorn: one wins, one admin grant."""
    ids = [make_user(f"adm-{i}", roles=[("admin", {})]) for i in range(6)]
    bob = make_user("bob")
    heads = [login(f"adm-{i}") for i in range(6)]
    req = requests.post(f"{live_server}{API}/roles/admin-requests", json={"user_id": bob},
                        headers=heads[0], timeout=30).json()

    def approve(i):
        return requests.post(f"{live_server}{API}/roles/admin-requests/{req['id']}/approve",
                             headers=heads[1 + i % 5], timeout=60).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = Counter(pool.map(approve, range(20)))
    assert statuses == {200: 1, 409: 19}, statuses
    from app.extensions import db

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(RoleGrant.id)).where(
            RoleGrant.user_id == bob, RoleGrant.role == "admin")) == 1
    assert len(ids) == 6
