"""The audit log: what is recorded, the admins' search, append-only, and the retention purge."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.common.timeutil import utcnow

API = "/api/v1"


def _entries(db, **where):
    db.session.expire_all()
    stmt = sa.select(AuditEntry).order_by(AuditEntry.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditEntry, key) == value)
    return list(db.session.scalars(stmt))


def _uid(client, headers):
    return client.get(f"{API}/me", headers=headers).get_json()["id"]


def _add(db, n=1, **values):
    """Entries written straight to the table (as record() does), optionally back-dated."""
    values = {"actor_id": 1, "action": "login", "target_type": "user", "target_id": 1,
              "details": {}, **values}
    for _ in range(n):
        db.session.add(AuditEntry(**values))
    db.session.commit()


# -- what is recorded --------------------------------------------------------------------------
def test_logins_of_staff_and_admins_are_recorded_residents_are_not(client, seeded, login, db):
    login("demo-resident-1")
    login("demo-volunteer-1")
    staff = login("demo-staff-1")
    admin = login("demo-admin")
    logins = _entries(db, action="login")
    assert [(e.actor_id, e.details["roles"]) for e in logins] == [
        (_uid(client, staff), ["staff"]), (_uid(client, admin), ["admin"])]
    assert logins[0].target_type == "user" and logins[0].ip == "127.0.0.1"


def test_role_grants_and_revocations_are_recorded(client, seeded, login, db):
    target = login("new-helper")
    uid = _uid(client, target)
    staff = login("demo-staff-1")
    grant = client.post(f"{API}/roles/grants", headers=staff,
                        json={"user_id": uid, "role": "volunteer", "community_id": 1}).get_json()
    client.delete(f"{API}/roles/grants/{grant['id']}", headers=staff)
    staff_id = _uid(client, staff)
    granted, = _entries(db, action="role_grant")
    revoked, = _entries(db, action="role_revoke")
    for entry in (granted, revoked):
        assert (entry.actor_id, entry.target_type, entry.target_id) == (staff_id, "user", uid)
        assert entry.details == {"grant_id": grant["id"], "role": "volunteer",
                                 "community_id": 1}


def test_merchant_members_and_the_cli_admin_grant_are_recorded(app, client, seeded, login, db):
    from app.mall.models import Merchant

    uid = _uid(client, login("shop-helper"))
    merchant = db.session.scalar(sa.select(Merchant.id))
    resp = client.post(f"{API}/mall/merchants/{merchant}/members", json={"user_id": uid},
                       headers=login("demo-admin"))
    assert resp.status_code == 201
    result = app.test_cli_runner().invoke(args=["grant-admin", "shop-helper"])
    assert result.exit_code == 0, result.output
    member, cli = _entries(db, action="role_grant")
    assert member.details["role"] == "merchant" and member.details["merchant_id"] == merchant
    assert cli.actor_id is None and cli.target_id == uid
    assert cli.details["role"] == "admin" and cli.details["via"] == "cli"


def test_binding_decisions_are_recorded(client, seeded, login, db):
    from app.community.models import Household

    resident = login("binder")
    homes = db.session.scalars(sa.select(Household.id).order_by(Household.id).limit(2)).all()
    first, second = (client.post(f"{API}/household-bindings", json={"household_id": h},
                                 headers=resident).get_json()["id"] for h in homes)
    staff = login("demo-staff-1")
    client.post(f"{API}/household-bindings/{first}/approve", json={}, headers=staff)
    client.post(f"{API}/household-bindings/{second}/reject", json={"note": "不符"}, headers=staff)
    approved, = _entries(db, action="approve", target_type="household_binding")
    rejected, = _entries(db, action="reject", target_type="household_binding")
    assert (approved.target_id, rejected.target_id) == (first, second)
    assert approved.actor_id == _uid(client, staff)
    assert approved.details == {"user_id": _uid(client, resident), "household_id": homes[0]}


def test_staff_viewing_a_full_address_is_an_unmask_the_resident_is_not(client, seeded, login,
                                                                        db):
    resident = login("demo-resident-1")
    home = client.get(f"{API}/me", headers=resident).get_json()["households"][0]["household_id"]
    assert client.get(f"{API}/households/{home}", headers=resident).status_code == 200
    assert _entries(db, action="unmask") == []
    staff = login("demo-staff-1")
    assert client.get(f"{API}/households/{home}", headers=staff).status_code == 200
    entry, = _entries(db, action="unmask")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        _uid(client, staff), "household", home)
    assert entry.details == {"fields": ["address"]}


def test_adjustments_requested_approved_and_rejected_are_recorded(client, seeded, login, db):
    from app.auth.models import RoleGrant, User

    admin = login("demo-admin")
    second_id = db.session.scalar(sa.select(User.id).where(User.openid == "demo-staff-2"))
    db.session.add(RoleGrant(user_id=second_id, role="admin"))  # an admin of old standing
    db.session.commit()
    second = login("demo-staff-2")
    target = _uid(client, login("demo-resident-2"))
    ids = [client.post(f"{API}/timebank/adjustments", headers=admin, json={
        "user_id": target, "amount": amount, "reason": "线下服务补录"}).get_json()["id"]
        for amount in (5, 7)]
    assert client.post(f"{API}/timebank/adjustments/{ids[0]}/approve",
                       headers=second).status_code == 200
    assert client.post(f"{API}/timebank/adjustments/{ids[1]}/reject",
                       headers=second).status_code == 200
    asked = _entries(db, action="adjustment")
    assert [e.target_id for e in asked] == ids
    assert asked[0].details == {"user_id": target, "amount": 5, "reverse_transfer_id": None}
    approved, = _entries(db, action="approve", target_type="adjustment")
    rejected, = _entries(db, action="reject", target_type="adjustment")
    assert (approved.target_id, rejected.target_id) == tuple(ids)
    assert approved.actor_id == second_id and approved.details["transfer_id"]


def test_budget_changes_are_recorded(client, seeded, login, db):
    resp = client.put(f"{API}/timebank/communities/1/budget", json={"budget": 5000},
                      headers=login("demo-admin"))
    assert resp.status_code == 200
    entry, = _entries(db, action="config")
    assert (entry.target_type, entry.target_id) == ("community", 1)
    assert entry.details == {"setting": "points_budget", "value": 5000}


# -- the admins' search --------------------------------------------------------------------------
def test_search_is_for_admins_only(client, seeded, login):
    assert client.get(f"{API}/audit-log").status_code == 401
    for who in ("demo-resident-1", "demo-staff-1"):
        assert client.get(f"{API}/audit-log", headers=login(who)).status_code == 403
    assert client.get(f"{API}/audit-log", headers=login("demo-admin")).status_code == 200


def test_search_filters_and_pages_newest_first(client, seeded, login, db):
    admin = login("demo-admin")  # itself one login entry
    now = utcnow()
    _add(db, 3, action="unmask", actor_id=7, target_type="request", target_id=42,
         at=now - timedelta(days=3))
    _add(db, 2, action="export", actor_id=8, target_type="user", target_id=8, at=now)
    _add(db, 1, action="unmask", actor_id=7, target_type="request", target_id=43, at=now)

    def search(query):
        resp = client.get(f"{API}/audit-log?{query}", headers=admin)
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()

    everything = search("limit=100")["items"]
    assert len(everything) == 7
    assert [e["id"] for e in everything] == sorted((e["id"] for e in everything), reverse=True)
    assert {e["action"] for e in search("action=unmask")["items"]} == {"unmask"}
    assert len(search("action=unmask")["items"]) == 4
    assert len(search("actor_id=8")["items"]) == 2
    assert len(search("target_type=request&target_id=42")["items"]) == 3
    since = (now - timedelta(days=1)).isoformat()
    recent = search("action=unmask&since=" + since.replace("+", "%2B"))["items"]
    assert [e["target_id"] for e in recent] == [43]
    until = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")  # local time, no offset
    assert len(search(f"until={until}")["items"]) == 3
    first = search("action=unmask&limit=3")
    assert len(first["items"]) == 3 and first["next_cursor"]
    rest = search(f"action=unmask&limit=3&cursor={first['next_cursor']}")
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    entry = first["items"][0]
    assert set(entry) == {"id", "at", "actor_id", "action", "target_type", "target_id",
                          "details", "ip"} and entry["at"].endswith("+08:00")


@pytest.mark.parametrize("query", ["action=delete", "actor_id=abc", "since=yesterday",
                                   "target_id=0", "cursor=%%%", "limit=0"])
def test_search_refuses_bad_filters(client, seeded, login, query):
    resp = client.get(f"{API}/audit-log?{query}", headers=login("demo-admin"))
    assert resp.status_code == 422, resp.get_json()


# -- append-only ----------------------------------------------------------------------------
def test_the_orm_refuses_to_change_or_delete_entries(db):
    from app.audit.models import AuditLogIsAppendOnly

    _add(db)
    entry = db.session.scalar(sa.select(AuditEntry))
    entry.details = {"changed": True}
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalar(sa.select(AuditEntry)))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    for stmt in (sa.update(AuditEntry).values(action="export"), sa.delete(AuditEntry)):
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(stmt)
        db.session.rollback()
    assert len(_entries(db)) == 1 and _entries(db)[0].details == {}


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete_even_in_plain_sql(db):
    old = utcnow() - timedelta(days=400)
    _add(db, at=old)
    _add(db)
    for sql in ("UPDATE audit_log SET action = 'export'", "DELETE FROM audit_log",
                # an old row, but outside the purge
                "DELETE FROM audit_log WHERE at < now() - interval '1 year'"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.text(sql))
        db.session.rollback()
    # the purge's own flag still cannot remove a row younger than six months
    db.session.execute(sa.text("SELECT set_config('llt.audit_purge', 'on', true)"))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.text("DELETE FROM audit_log WHERE at > now() - interval '1 day'"))
    db.session.rollback()
    assert len(_entries(db)) == 2


# -- retention ----------------------------------------------------------------------------
def test_purge_removes_only_entries_older_than_the_retention(app, db):
    from app.audit.service import MIN_RETENTION_DAYS, purge_expired

    assert app.config["AUDIT_RETENTION_DAYS"] == MIN_RETENTION_DAYS >= 183
    now = utcnow()
    _add(db, 2, at=now - timedelta(days=400))
    _add(db, 1, at=now - timedelta(days=MIN_RETENTION_DAYS + 1))
    _add(db, 1, at=now - timedelta(days=MIN_RETENTION_DAYS - 1))
    _add(db, 1, at=now)
    assert purge_expired() == 3
    db.session.commit()
    ages = sorted((now - e.at).days for e in _entries(db))
    assert ages == [0, MIN_RETENTION_DAYS - 1]


def test_the_purge_job_commits_what_it_removed(app, db):
    """`app.audit.jobs:purge` (cron or the worker) commits itself: a rollback after it
    brings nothing back."""
    from app.audit import jobs

    _add(db, 2, at=utcnow() - timedelta(days=400))
    _add(db, 1)
    assert jobs.purge() == 2
    db.session.rollback()
    assert len(_entries(db)) == 1


def test_purge_cli_respects_a_longer_retention_and_refuses_a_shorter_one(app, db, monkeypatch):
    runner = app.test_cli_runner()
    now = utcnow()
    _add(db, 1, at=now - timedelta(days=400))
    _add(db, 1, at=now - timedelta(days=250))
    _add(db, 1, at=now - timedelta(days=30))
    with monkeypatch.context() as m:
        m.setitem(app.config, "AUDIT_RETENTION_DAYS", 90)
        result = runner.invoke(args=["audit", "purge"])
        assert result.exit_code != 0 and "below the minimum" in result.output
        assert len(_entries(db)) == 3
        m.setitem(app.config, "AUDIT_RETENTION_DAYS", 365)
        assert "1 entries older than 365" in runner.invoke(
            args=["audit", "purge", "--dry-run"]).output
        assert len(_entries(db)) == 3
        result = runner.invoke(args=["audit", "purge"])
        assert result.exit_code == 0 and "purged 1 entries" in result.output
        assert len(_entries(db)) == 2
    result = runner.invoke(args=["audit", "purge"])
    assert "purged 1 entries" in result.output
    assert [(now - e.at).days for e in _entries(db)] == [30]
