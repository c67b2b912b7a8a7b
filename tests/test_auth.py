"""WeChat login, tokens (expired, tampered, revoked, malformed), profile, phone, secrets."""
import logging
from datetime import timedelta

import pytest
import time_machine

from app.common.timeutil import utcnow


def test_login_creates_user_and_returns_token(client):
    resp = client.post("/api/v1/auth/wechat-login", json={"code": "test:new-user-1"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["expires_in"] > 0 and body["token"]
    assert body["user"]["roles"] == [{"role": "resident"}]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.get_json()["id"] == body["user"]["id"]


def test_same_openid_logs_in_to_same_user(client):
    a = client.post("/api/v1/auth/wechat-login", json={"code": "test:u@1"}).get_json()
    b = client.post("/api/v1/auth/wechat-login", json={"code": "test:u@2"}).get_json()
    assert a["user"]["id"] == b["user"]["id"]
    assert a["token"] != b["token"]


def test_reused_code_is_refused(client):
    assert client.post("/api/v1/auth/wechat-login", json={"code": "test:once"}).status_code == 200
    resp = client.post("/api/v1/auth/wechat-login", json={"code": "test:once"})
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "invalid_wechat_code"
    assert resp.get_json()["error"]["details"]["errcode"] == 40163


@pytest.mark.parametrize("code", ["abc", "test:", "test:has space", "TEST:x", "test:a:b",
                                  "x" * 256])
def test_malformed_code_is_refused(client, code):
    resp = client.post("/api/v1/auth/wechat-login", json={"code": code})
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "invalid_wechat_code"


def test_high_risk_user_is_refused(client):
    resp = client.post("/api/v1/auth/wechat-login", json={"code": "test:risky-abc"})
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "wechat_high_risk_user"


def _token(client, openid="tok-user"):
    return client.post("/api/v1/auth/wechat-login",
                       json={"code": f"test:{openid}"}).get_json()["token"]


def _me(client, token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_expired_token_is_401(client, app):
    token = _token(client)
    ttl = app.config["TOKEN_TTL_SECONDS"]
    with time_machine.travel(utcnow() + timedelta(seconds=ttl + 5)):
        resp = _me(client, token)
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "token_expired"


def test_tampered_token_is_401(client):
    token = _token(client)
    payload, ts, sig = token.split(".")
    for bad in (f"{payload}.{ts}.{sig[:-2]}xx", f"{payload}x.{ts}.{sig}", token[::-1]):
        resp = _me(client, bad)
        assert resp.status_code == 401
        assert resp.get_json()["error"]["code"] == "invalid_token"


def test_token_signed_with_another_secret_is_401(client, app):
    from itsdangerous import URLSafeTimedSerializer

    from app.auth.tokens import SALT

    forged = URLSafeTimedSerializer("another-secret", salt=SALT).dumps({"sid": "x"})
    assert _me(client, forged).status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic abc", "token", "Bearer a.b.c"])
def test_malformed_authorization_is_401(client, header):
    resp = client.get("/api/v1/me", headers={"Authorization": header})
    assert resp.status_code == 401


def test_logout_revokes_at_once(client):
    token = _token(client)
    other = _token(client, "tok-user@2")
    assert client.post("/api/v1/auth/logout",
                       headers={"Authorization": f"Bearer {token}"}).status_code == 204
    resp = _me(client, token)
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "token_revoked"
    assert _me(client, other).status_code == 200, "other sessions of the user stay valid"


def test_profile_update_rejects_privileged_fields(client):
    token = _token(client)
    h = {"Authorization": f"Bearer {token}"}
    for field, value in [("roles", ["admin"]), ("role", "admin"), ("openid", "x"),
                         ("phone", "13800000000"), ("id", 1)]:
        resp = client.patch("/api/v1/me", json={"nickname": "n", field: value}, headers=h)
        assert resp.status_code == 422
        assert field in resp.get_json()["error"]["details"]["fields"]
    me = client.patch("/api/v1/me", json={"nickname": "小张"}, headers=h).get_json()
    assert me["nickname"] == "小张" and me["roles"] == [{"role": "resident"}]
    assert me["phone"] is None


def test_bind_phone_is_masked_and_single_use(client):
    h = {"Authorization": f"Bearer {_token(client)}"}
    client.post("/api/v1/me/consents", json={"kind": "phone", "granted": True}, headers=h)
    resp = client.post("/api/v1/me/phone", json={"code": "test-phone:13912345678"}, headers=h)
    assert resp.status_code == 200
    assert resp.get_json()["phone"] == "139****5678"
    again = client.post("/api/v1/me/phone", json={"code": "test-phone:13912345678"}, headers=h)
    assert again.status_code == 401
    bad = client.post("/api/v1/me/phone", json={"code": "test-phone:123"}, headers=h)
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "invalid_wechat_code"


def test_session_key_never_in_responses_or_logs(client, app, caplog, monkeypatch):
    from app.wechat import get_client

    caplog.set_level(logging.DEBUG)
    with app.app_context():
        # What the fake hands to the login service for this code:
        session = None
        original = get_client().code2session

        def spy(code):
            nonlocal session
            session = original(code)
            return session

        with monkeypatch.context() as m:
            m.setattr(get_client(), "code2session", spy)
            resp = client.post("/api/v1/auth/wechat-login", json={"code": "test:sk-user"})
    assert session is not None and session.session_key
    token = resp.get_json()["token"]
    bodies = [resp.get_data(as_text=True),
              _me(client, token).get_data(as_text=True)]
    for body in bodies:
        assert session.session_key not in body
        assert "session_key" not in body
    for record in caplog.records:
        assert session.session_key not in record.getMessage()


def test_phone_numbers_never_reach_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    h = {"Authorization": f"Bearer {_token(client)}"}
    logging.getLogger("app.test").info("user phone is 13912345678")
    client.post("/api/v1/me/consents", json={"kind": "phone", "granted": True}, headers=h)
    client.post("/api/v1/me/phone", json={"code": "test-phone:13912345679"}, headers=h)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "13912345678" not in text and "13912345679" not in text
    assert "139****5678" in text


def test_login_is_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    codes = [client.post("/api/v1/auth/wechat-login",
                         json={"code": f"test:rl@{i}"}).status_code for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_writes_are_rate_limited_per_user_reads_are_not(app, client, monkeypatch):
    headers = {"Authorization": f"Bearer {_token(client, 'busy-writer')}"}
    monkeypatch.setitem(app.config, "WRITE_RATE_LIMIT", "3 per minute")
    writes = [client.patch("/api/v1/me", json={"nickname": f"n{i}"},
                           headers=headers).status_code for i in range(5)]
    reads = [_me(client, headers["Authorization"][7:]).status_code for _ in range(10)]
    other = {"Authorization": f"Bearer {_token(client, 'calm-writer')}"}
    other_write = client.patch("/api/v1/me", json={"nickname": "x"}, headers=other)
    assert writes == [200, 200, 200, 429, 429]
    assert reads == [200] * 10
    assert other_write.status_code == 200


def test_revoked_token_on_a_write_says_revoked(client):
    token = _token(client, "revoked-writer")
    h = {"Authorization": f"Bearer {token}"}
    client.post("/api/v1/auth/logout", headers=h)
    resp = client.patch("/api/v1/me", json={"nickname": "x"}, headers=h)
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "token_revoked"


# --- login limits: per client (behind trusted proxies), per openid, one global ceiling ---

PROXY = "10.0.0.1"  # the TLS proxy: every request reaches the app from this address


@pytest.fixture
def proxied_app(backend, app):
    """The suite's database and Redis, behind one trusted reverse proxy."""
    from app import create_app
    from app.extensions import db, limiter
    from config import engine_options

    db_url, redis_url = backend
    proxied = create_app("testing", {"SQLALCHEMY_DATABASE_URI": db_url,
                                     "SQLALCHEMY_ENGINE_OPTIONS": engine_options(db_url),
                                     "REDIS_URL": redis_url, "TRUSTED_PROXIES": 1})
    yield proxied
    with proxied.app_context():
        db.engine.dispose()
    if proxied.extensions.get("redis") is not None:
        proxied.extensions["redis"].close()
    limiter.init_app(app)  # the limiter is one object: give it back to the suite's app


def _login_via(client, forwarded_for: str, code: str) -> int:
    return client.post("/api/v1/auth/wechat-login", json={"code": code},
                       headers={"X-Forwarded-For": forwarded_for},
                       environ_base={"REMOTE_ADDR": PROXY}).status_code


def test_junk_logins_from_one_client_do_not_lock_out_the_others(proxied_app):
    proxied_app.config["LOGIN_RATE_LIMIT"] = "5 per minute"
    client = proxied_app.test_client()
    junk = [_login_via(client, "203.0.113.9", "junk") for _ in range(8)]
    volunteers = [_login_via(client, f"198.51.100.{i}", f"test:volunteer-{i}")
                  for i in range(10)]
    assert junk == [401] * 5 + [429] * 3
    assert volunteers == [200] * 10


def test_a_forged_forwarded_for_does_not_escape_the_client_limit(proxied_app):
    """The proxy appends the real address; only that last entry is trusted."""
    proxied_app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    behind = proxied_app.test_client()
    codes = [_login_via(behind, f"192.0.2.{i}, 203.0.113.9", f"test:forger@{i}")
             for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_forwarded_for_is_ignored_without_trusted_proxies(app, client, monkeypatch):
    assert app.config["TRUSTED_PROXIES"] == 0
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    codes = [_login_via(client, f"192.0.2.{i}", f"test:spoofer@{i}") for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_one_wechat_account_is_limited_per_openid(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_OPENID_RATE_LIMIT", "2 per minute")
    same = [client.post("/api/v1/auth/wechat-login",
                        json={"code": f"test:one-account@{i}"}) for i in range(3)]
    other = client.post("/api/v1/auth/wechat-login", json={"code": "test:another@1"})
    assert [r.status_code for r in same] == [200, 200, 429]
    assert other.status_code == 200
    err = same[2].get_json()["error"]
    assert err["code"] == "rate_limited" and err["details"] == {"limit": "每 1 分钟最多 2 次"}
    assert 1 <= int(same[2].headers["Retry-After"]) <= 61


def test_the_global_ceiling_counts_only_what_the_client_limit_let_through(proxied_app):
    proxied_app.config.update(LOGIN_RATE_LIMIT="2 per minute",
                              LOGIN_GLOBAL_RATE_LIMIT="3 per minute")
    client = proxied_app.test_client()
    flooder = [_login_via(client, "203.0.113.9", f"test:flood@{i}") for i in range(6)]
    second = [_login_via(client, "198.51.100.1", f"test:second@{i}") for i in range(2)]
    third = _login_via(client, "198.51.100.2", "test:third@1")
    assert flooder == [200, 200, 429, 429, 429, 429]  # its refusals cost the others nothing
    assert second == [200, 429]  # the ceiling: 3 logins a minute in all
    assert third == 429


def test_default_login_limits_suit_a_venue_behind_one_address():
    from limits import parse

    from config import ProductionConfig

    per_client = parse(ProductionConfig.LOGIN_RATE_LIMIT)
    per_openid = parse(ProductionConfig.LOGIN_OPENID_RATE_LIMIT)
    ceiling = parse(ProductionConfig.LOGIN_GLOBAL_RATE_LIMIT)
    assert ProductionConfig.TRUSTED_PROXIES == 0
    assert (per_client.amount, per_client.GRANULARITY.name) == (120, "minute")
    assert (per_openid.amount, per_openid.GRANULARITY.name) == (10, "minute")
    assert ceiling.GRANULARITY.name == "minute" and ceiling.amount > 5 * per_client.amount


def test_nicknames_go_through_the_content_check(client):
    h = {"Authorization": f"Bearer {_token(client)}"}
    assert client.patch("/api/v1/me", json={"nickname": "小张"}, headers=h).status_code == 200
    resp = client.patch("/api/v1/me", json={"nickname": "违禁词"}, headers=h)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "content_rejected"
    assert "nickname" in resp.get_json()["error"]["details"]["fields"]
    resp = client.patch("/api/v1/me", json={"nickname": "老张 [wechat-down]"}, headers=h)
    assert resp.status_code == 503
    assert resp.get_json()["error"]["code"] == "content_check_unavailable"
    assert client.get("/api/v1/me", headers=h).get_json()["nickname"] == "小张"
