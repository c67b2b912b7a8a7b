"""Personal information: consents, a user's own export, cancelling the account (注销)."""
import json
from datetime import timedelta

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.auth.models import AuthSession, RoleGrant, User
from app.common.timeutil import utcnow

API = "/api/v1"


def _me(client, headers):
    return client.get(f"{API}/me", headers=headers).get_json()


def _consent(client, headers, kind, granted):
    return client.post(f"{API}/me/consents", json={"kind": kind, "granted": granted},
                       headers=headers)


# -- consents -----------------------------------------------------------------------------------
def test_consents_are_separate_recorded_with_time_and_shown_in_me(client, login, db):
    h = login("consenting")
    assert _me(client, h)["consents"] == {"location": {"granted": False, "at": None},
                                          "phone": {"granted": False, "at": None}}
    resp = _consent(client, h, "location", True)
    assert resp.status_code == 201
    assert resp.get_json()["kind"] == "location" and resp.get_json()["granted"] is True
    consents = _me(client, h)["consents"]
    assert consents["location"]["granted"] is True
    assert consents["location"]["at"].endswith("+08:00")
    assert consents["phone"] == {"granted": False, "at": None}
    _consent(client, h, "location", False)
    assert _me(client, h)["consents"]["location"]["granted"] is False
    from app.auth.models import Consent

    history = db.session.scalars(sa.select(Consent.granted).order_by(Consent.id)).all()
    assert history == [True, False]  # the record keeps every decision


def test_binding_a_phone_needs_the_phone_consent(client, login):
    h = login("phone-user")
    _consent(client, h, "location", True)  # the location consent is not the phone consent
    resp = client.post(f"{API}/me/phone", json={"code": "test-phone:13912340000"}, headers=h)
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "consent_required"
    assert resp.get_json()["error"]["details"] == {"kind": "phone"}
    assert _me(client, h)["phone"] is None
    _consent(client, h, "phone", True)
    # the refused attempt did not spend the single-use code
    resp = client.post(f"{API}/me/phone", json={"code": "test-phone:13912340000"}, headers=h)
    assert resp.status_code == 200 and resp.get_json()["phone"] == "139****0000"


def test_withdrawing_the_phone_consent_erases_the_phone(client, login, db):
    h = login("withdrawer")
    _consent(client, h, "phone", True)
    client.post(f"{API}/me/phone", json={"code": "test-phone:13912340001"}, headers=h)
    assert _consent(client, h, "phone", False).status_code == 201
    assert _me(client, h)["phone"] is None
    assert db.session.scalar(sa.select(User.phone).where(User.openid == "withdrawer")) is None


def test_consent_input_is_validated(client, login):
    h = login("validator")
    for body in ({"kind": "camera", "granted": True}, {"kind": "phone"}, {"granted": True},
                 {"kind": "phone", "granted": "maybe"}):
        assert client.post(f"{API}/me/consents", json=body, headers=h).status_code == 422
    assert client.post(f"{API}/me/consents", json={"kind": "phone", "granted": True}
                       ).status_code == 401


# -- export ------------------------------------------------------------------------------------
def test_a_user_downloads_their_own_data(client, seeded, login, db):
    h = login("demo-resident-1")
    assert client.get(f"{API}/me/export").status_code == 401
    resp = client.get(f"{API}/me/export", headers=h)
    assert resp.status_code == 200
    data = resp.get_json()
    me = _me(client, h)
    assert data["user"]["id"] == me["id"] and data["user"]["nickname"] == "张阿姨"
    assert data["user"]["phone"] == "13900000001"  # their own phone, in full
    assert data["households"][0]["address"] == "观湖花园1栋1单元101室"
    assert data["timebank"]["accounts"] and data["timebank"]["entries"]
    assert sum(e["amount"] for e in data["timebank"]["entries"]
               if e["account_id"] == me_account(data)) == me_balance(data)
    orders = data["records"]["service_requests"]
    assert {o["description"] for o in orders} >= {"洗衣机脱水时漏水", "上门理发（行动不便）"}
    assert all(o["resident_id"] == me["id"] for o in orders)
    text = json.dumps(data, ensure_ascii=False)
    # nothing of anyone else: 李大爷's order, phone and address; no token ids or hashes
    for foreign in ("每周二上午陪老人去医院复查", "13900000002", "老粮站院落1栋3室", '"jti"',
                    '"hash"'):
        assert foreign not in text
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export"))
    assert (entry.actor_id, entry.target_type, entry.target_id) == (me["id"], "user", me["id"])


def me_account(data):
    return next(a["id"] for a in data["timebank"]["accounts"] if a["kind"] == "user")


def me_balance(data):
    return next(a["balance"] for a in data["timebank"]["accounts"] if a["kind"] == "user")


# -- cancellation ------------------------------------------------------------------------------
def test_cancelling_erases_personal_data_and_keeps_the_ledger_whole(app, client, seeded, login,
                                                                     db):
    giver = login("demo-resident-1")
    h = login("demo-resident-3")
    other_session = login("demo-resident-3")
    uid = _me(client, h)["id"]
    gift = client.post(f"{API}/timebank/transfers", json={"to_user_id": uid, "amount": 30},
                       headers={**giver, "Idempotency-Key": "gift-before-cancel"})
    assert gift.status_code == 201
    back = client.post(f"{API}/timebank/transfers",
                       json={"to_user_id": _me(client, giver)["id"], "amount": 5},
                       headers={**h, "Idempotency-Key": "gift-back"})
    assert back.status_code == 201
    _consent(client, h, "phone", True)
    client.post(f"{API}/roles/grants", json={"user_id": uid, "role": "volunteer",
                                             "community_id": 2}, headers=login("demo-staff-2"))
    postings_before = _postings(db, uid)
    assert client.post(f"{API}/me/cancel", json={}, headers=h).status_code == 422
    assert client.post(f"{API}/me/cancel", json={"confirm": False}, headers=h).status_code == 422

    resp = client.post(f"{API}/me/cancel", json={"confirm": True}, headers=h)
    assert resp.status_code == 204, resp.get_json()

    db.session.expire_all()
    user = db.session.get(User, uid)
    assert user.cancelled_at is not None
    assert (user.nickname, user.phone, user.unionid) == ("已注销用户", None, None)
    assert user.openid != "demo-resident-3" and user.openid.startswith("cancelled:")
    # every session ended, every grant revoked, the household binding gone, consents withdrawn
    for headers in (h, other_session):
        assert client.get(f"{API}/me", headers=headers).status_code == 401
    assert db.session.scalar(sa.select(sa.func.count(AuthSession.id)).where(
        AuthSession.user_id == uid, AuthSession.revoked_at.is_(None))) == 0
    assert db.session.scalar(sa.select(sa.func.count(RoleGrant.id)).where(
        RoleGrant.user_id == uid, RoleGrant.revoked_at.is_(None))) == 0
    from app.community.models import HouseholdBinding

    assert db.session.scalar(sa.select(sa.func.count(HouseholdBinding.id)).where(
        HouseholdBinding.user_id == uid)) == 0
    from app.auth.consents import current_consents

    assert not any(c and c.granted for c in current_consents(uid).values())
    # logging in again with the same WeChat identity is a new, empty user
    again = login("demo-resident-3")
    fresh = _me(client, again)
    assert fresh["id"] != uid and fresh["households"] == [] and fresh["phone"] is None
    assert client.get(f"{API}/timebank/account", headers=again).get_json()["balance"] == 0
    # the ledger: the same postings on the same account, now an anonymous user's; verify clean
    assert _postings(db, uid) == postings_before and len(postings_before) == 2
    result = app.test_cli_runner().invoke(args=["timebank", "verify"])
    assert result.exit_code == 0 and "ledger ok" in result.output, result.output
    assert client.get(f"{API}/timebank/verify",
                      headers=login("demo-admin")).get_json()["ok"] is True
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "account_cancel"))
    assert (entry.actor_id, entry.target_id) == (uid, uid)
    assert entry.details["reason"] == "user" and len(entry.details["grants_revoked"]) == 1
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == "role_revoke", AuditEntry.target_id == uid)) == 1


def _postings(db, user_id):
    from app.timebank.models import Account, Posting

    db.session.expire_all()
    return db.session.execute(sa.select(Posting.id, Posting.amount, Posting.hash)
                              .join(Account, Account.id == Posting.account_id)
                              .where(Account.user_id == user_id).order_by(Posting.id)).all()


def test_an_open_order_blocks_the_cancellation(client, seeded, login, db):
    h = login("demo-resident-2")  # has a dispatched request for 陪诊
    resp = client.post(f"{API}/me/cancel", json={"confirm": True}, headers=h)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "open_requests"
    me = _me(client, h)
    assert me["nickname"] == "李大爷" and me["households"]


def test_orders_of_a_cancelled_user_keep_their_ids_but_lose_their_text(client, seeded, login,
                                                                       db):
    from app.orders.models import ServiceRequest

    h = login("demo-resident-2")
    uid = _me(client, h)["id"]
    db.session.execute(sa.update(ServiceRequest).where(ServiceRequest.resident_id == uid)
                       .values(status="cancelled"))
    db.session.commit()
    assert client.post(f"{API}/me/cancel", json={"confirm": True}, headers=h).status_code == 204
    db.session.expire_all()
    descriptions = db.session.scalars(sa.select(ServiceRequest.description).where(
        ServiceRequest.resident_id == uid)).all()
    assert descriptions == ["（用户已注销）"]


def test_inactive_accounts_are_anonymised_after_the_retention(app, client, make_user, db):
    old = make_user("long-gone", phone="13900009999")
    recent = make_user("still-here", phone="13900008888")
    db.session.execute(sa.update(User).where(User.id == old).values(
        last_login_at=utcnow() - timedelta(days=4 * 365),
        created_at=utcnow() - timedelta(days=5 * 365)))
    db.session.commit()
    runner = app.test_cli_runner()
    assert "1 accounts inactive" in runner.invoke(
        args=["privacy", "purge-inactive", "--dry-run"]).output
    result = runner.invoke(args=["privacy", "purge-inactive"])
    assert result.exit_code == 0 and "anonymised 1 accounts" in result.output
    db.session.expire_all()
    assert db.session.get(User, old).phone is None
    assert db.session.get(User, old).cancelled_at is not None
    assert db.session.get(User, recent).phone == "13900008888"
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "account_cancel"))
    assert entry.actor_id is None and entry.details["reason"] == "inactive"
