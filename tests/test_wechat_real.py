"""The real WeChat client against recorded WeChat answers (`responses`: nothing leaves the process).

Covers login, phone number, content check and subscribe messages; WeChat's error codes mapped to
our errors; outages (timeouts, refused connections, answers that are not JSON objects) as 503
`wechat_unavailable`; the access token fetched once and shared (in this process, or through
Redis), refreshed once when WeChat calls it stale; and `session_key` never reaching a log line.
"""
import logging
import os
from types import SimpleNamespace

import pytest
import requests
import responses
from responses import matchers

from app.wechat import real
from app.wechat.base import WeChatError, WeChatUnavailable
from app.wechat.real import RealWeChatClient

APPID, SECRET, TIMEOUT = "wx-test-appid", "app-secret-value-1", 3.5
SESSION_KEY = "sk-Rk9PQkFSYmF6cXV4"
LOGIN = "https://api.weixin.qq.com/sns/jscode2session"
TOKEN = "https://api.weixin.qq.com/cgi-bin/stable_token"
PHONE = "https://api.weixin.qq.com/wxa/business/getuserphonenumber"
CHECK = "https://api.weixin.qq.com/wxa/msg_sec_check"
SEND = "https://api.weixin.qq.com/cgi-bin/message/subscribe/send"
PHONE_OK = {"errcode": 0, "errmsg": "ok", "phone_info": {
    "phoneNumber": "13800138000", "purePhoneNumber": "13800138000", "countryCode": "86"}}


@pytest.fixture
def rsps():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def clock(monkeypatch):
    """The client's monotonic clock, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(real, "time", SimpleNamespace(monotonic=lambda: now[0]))
    return now


@pytest.fixture
def wc():
    return RealWeChatClient(appid=APPID, secret=SECRET, timeout=TIMEOUT)


def token_answer(rsps, value="T1", expires_in=7200):
    return rsps.post(TOKEN, json={"access_token": value, "expires_in": expires_in},
                     match=[matchers.json_params_matcher({
                         "grant_type": "client_credential", "appid": APPID,
                         "secret": SECRET, "force_refresh": False})])


def with_token(token):
    return [matchers.query_param_matcher({"access_token": token})]


class DictRedis:
    """A stand-in for the two Redis calls the client makes; returns bytes like redis-py."""

    def __init__(self):
        self.data, self.expiry = {}, {}

    def get(self, key):
        return self.data.get(key)

    def set(self, key, value, ex=None):
        self.data[key] = value.encode()
        self.expiry[key] = ex

    def ttl(self, key):
        return self.expiry[key]


class DownRedis:
    def get(self, *args, **kwargs):
        raise ConnectionError("redis is down")

    set = get


@pytest.fixture(params=["stand-in", "real"])
def shared_redis(request, backend):
    """One Redis shared by several clients (as by several processes)."""
    if request.param == "stand-in":
        yield DictRedis()
        return
    url = backend[1] or os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("real Redis: set TEST_REDIS_URL")
    import redis

    conn = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    keys = [real.TOKEN_KEY.format(appid=a) for a in (APPID, "wx-other-app")]
    conn.delete(*keys)
    yield conn
    conn.delete(*keys)
    conn.close()


# -- login ----------------------------------------------------------------------------------
def test_login_returns_openid_and_unionid_and_keeps_session_key_out_of_repr(rsps, wc):
    rsps.get(LOGIN, json={"openid": "o-123", "session_key": SESSION_KEY, "unionid": "u-9"},
             match=[matchers.query_param_matcher({
                 "appid": APPID, "secret": SECRET, "js_code": "code-abc",
                 "grant_type": "authorization_code"})])
    info = wc.code2session("code-abc")
    assert (info.openid, info.session_key, info.unionid) == ("o-123", SESSION_KEY, "u-9")
    assert SESSION_KEY not in repr(info)


@pytest.mark.parametrize(("errcode", "status", "code"), [
    (40029, 401, "invalid_wechat_code"), (40163, 401, "invalid_wechat_code"),
    (45011, 429, "wechat_rate_limited"), (40226, 403, "wechat_high_risk_user"),
    (-1, 503, "wechat_unavailable"), (40125, 502, "wechat_error")])
def test_login_errcode_maps_to_status_and_code(rsps, wc, errcode, status, code):
    rsps.get(LOGIN, json={"errcode": errcode, "errmsg": "from wechat"})
    with pytest.raises(WeChatError) as exc:
        wc.code2session("bad")
    assert (exc.value.status, exc.value.code) == (status, code)
    assert exc.value.details == {"errcode": errcode}
    assert exc.value.message  # a zh-CN message for the user, not WeChat's errmsg


@pytest.mark.parametrize("answer", [
    {"body": requests.exceptions.ReadTimeout("read timed out")},
    {"body": requests.exceptions.ConnectTimeout("connect timed out")},
    {"body": requests.exceptions.ConnectionError("refused")},
    {"body": "<html>502 Bad Gateway</html>", "status": 200},
    {"body": "<html>oops</html>", "status": 502},
    {"json": {"errcode": 0}, "status": 500},
    {"json": ["not", "an", "object"]},
    {"json": "a string"},
    {"json": {"errcode": "weird", "errmsg": "?"}},
    {"json": {"errcode": 0, "errmsg": "ok"}},  # no openid / session_key
], ids=["read-timeout", "connect-timeout", "connection-error", "html-200", "html-502",
        "json-500", "json-list", "json-string", "bad-errcode", "no-openid"])
def test_login_outage_or_unreadable_answer_is_503_unavailable(rsps, wc, answer):
    rsps.get(LOGIN, **answer)
    with pytest.raises(WeChatUnavailable) as exc:
        wc.code2session("code")
    assert (exc.value.status, exc.value.code) == (503, "wechat_unavailable")


# -- access token ---------------------------------------------------------------------------
def test_access_token_is_fetched_once_and_reused_in_process(rsps, wc):
    token = token_answer(rsps)
    phone = rsps.post(PHONE, json=PHONE_OK, match=with_token("T1"))
    check = rsps.post(CHECK, json={"errcode": 0, "result": {"suggest": "pass", "label": 100}},
                      match=with_token("T1"))
    wc.phone_number("p1")
    wc.phone_number("p2")
    wc.check_text("你好", "o-1")
    assert (token.call_count, phone.call_count, check.call_count) == (1, 2, 1)


def test_access_token_is_fetched_again_shortly_before_it_expires(rsps, wc, clock):
    first = token_answer(rsps, "T1", expires_in=7200)
    rsps.post(PHONE, json=PHONE_OK, match=with_token("T1"))
    wc.phone_number("p")
    clock[0] += 7200 - real.TOKEN_MARGIN - 1
    wc.phone_number("p")
    assert first.call_count == 1
    rsps.replace(responses.POST, TOKEN, json={"access_token": "T2", "expires_in": 7200})
    rsps.post(PHONE, json=PHONE_OK, match=with_token("T2"))
    clock[0] += 2
    wc.phone_number("p")
    assert [c.request.url for c in rsps.calls].count(TOKEN) == 2


def test_a_short_lived_token_is_not_kept_past_its_expiry(rsps, wc, clock):
    token = rsps.post(TOKEN, json={"access_token": "T1", "expires_in": 30})
    rsps.post(PHONE, json=PHONE_OK, match=with_token("T1"))
    wc.phone_number("p")
    clock[0] += 31
    wc.phone_number("p")
    assert token.call_count == 2


@pytest.mark.parametrize("answer", [{"json": {"expires_in": 7200}},
                                    {"json": {"access_token": "", "expires_in": 7200}},
                                    {"json": {"access_token": "T", "expires_in": "soon"}},
                                    {"body": requests.exceptions.ReadTimeout()}])
def test_unusable_token_answer_is_unavailable(rsps, wc, answer):
    rsps.post(TOKEN, **answer)
    with pytest.raises(WeChatUnavailable):
        wc.phone_number("p")


def test_token_is_shared_through_redis_by_every_process(rsps, shared_redis):
    token = token_answer(rsps)
    phone = rsps.post(PHONE, json=PHONE_OK, match=with_token("T1"))
    procs = [RealWeChatClient(APPID, SECRET, TIMEOUT, redis=shared_redis) for _ in range(3)]
    for wc in procs:
        wc.phone_number("p")
    assert (token.call_count, phone.call_count) == (1, 3)
    key = real.TOKEN_KEY.format(appid=APPID)
    assert shared_redis.get(key) == b"T1"
    assert 7200 - real.TOKEN_MARGIN - 5 <= shared_redis.ttl(key) <= 7200 - real.TOKEN_MARGIN


def test_token_another_process_put_in_redis_is_used(rsps, shared_redis):
    shared_redis.set(real.TOKEN_KEY.format(appid=APPID), "T-from-elsewhere", ex=600)
    shared_redis.set(real.TOKEN_KEY.format(appid="wx-other-app"), "T-other-app", ex=600)
    phone = rsps.post(PHONE, json=PHONE_OK, match=with_token("T-from-elsewhere"))
    RealWeChatClient(APPID, SECRET, TIMEOUT, redis=shared_redis).phone_number("p")
    assert phone.call_count == 1  # and no stable_token call: RequestsMock would refuse it


def test_redis_outage_falls_back_to_the_process_cache(rsps, caplog):
    token = token_answer(rsps)
    phone = rsps.post(PHONE, json=PHONE_OK, match=with_token("T1"))
    wc = RealWeChatClient(APPID, SECRET, TIMEOUT, redis=DownRedis())
    wc.phone_number("p")
    wc.phone_number("p")
    assert (token.call_count, phone.call_count) == (1, 2)
    assert "redis" in caplog.text


@pytest.mark.parametrize("stale", [40001, 42001])
@pytest.mark.parametrize("store", ["process", "redis"])
def test_stale_token_is_refreshed_once_and_the_call_retried(rsps, stale, store):
    redis = DictRedis() if store == "redis" else None
    wc = RealWeChatClient(APPID, SECRET, TIMEOUT, redis=redis)
    token_answer(rsps, "T1")
    rsps.post(PHONE, json=PHONE_OK, match=with_token("T1"))
    wc.phone_number("p")  # T1 now cached
    rsps.replace(responses.POST, PHONE, json={"errcode": stale, "errmsg": "stale"},
                 match=with_token("T1"))
    rsps.replace(responses.POST, TOKEN, json={"access_token": "T2", "expires_in": 7200})
    fresh = rsps.post(PHONE, json=PHONE_OK, match=with_token("T2"))
    assert wc.phone_number("p").phone == "13800138000"
    assert fresh.call_count == 1
    assert [c.request.url for c in rsps.calls].count(TOKEN) == 2
    if redis is not None:
        assert redis.get(real.TOKEN_KEY.format(appid=APPID)) == b"T2"


def test_token_still_stale_after_one_refresh_gives_up_with_503(rsps, wc):
    token = rsps.post(TOKEN, json={"access_token": "T1", "expires_in": 7200})
    phone = rsps.post(PHONE, json={"errcode": 40001, "errmsg": "invalid credential"})
    with pytest.raises(WeChatError) as exc:
        wc.phone_number("p")
    assert (exc.value.status, exc.value.code, exc.value.errcode) == (503, "wechat_unavailable",
                                                                     40001)
    assert (token.call_count, phone.call_count) == (2, 2)


def test_other_errcodes_do_not_refresh_the_token(rsps, wc):
    token = token_answer(rsps)
    rsps.post(PHONE, json={"errcode": 40029, "errmsg": "invalid code"})
    with pytest.raises(WeChatError) as exc:
        wc.phone_number("p")
    assert (exc.value.status, exc.value.code) == (401, "invalid_wechat_code")
    assert token.call_count == 1


# -- phone, content check, subscribe messages -------------------------------------------------
def test_phone_number_sends_the_code_and_reads_pure_phone_number(rsps, wc):
    token_answer(rsps)
    rsps.post(PHONE, json=PHONE_OK,
              match=[*with_token("T1"), matchers.json_params_matcher({"code": "phone-code"})])
    info = wc.phone_number("phone-code")
    assert (info.phone, info.country_code) == ("13800138000", "86")


@pytest.mark.parametrize("phone_info", [None, "x", {"purePhoneNumber": ""},
                                        {"purePhoneNumber": "+86 138"}])
def test_phone_answer_without_a_number_is_unavailable(rsps, wc, phone_info):
    token_answer(rsps)
    rsps.post(PHONE, json={"errcode": 0, "phone_info": phone_info})
    with pytest.raises(WeChatUnavailable):
        wc.phone_number("p")


@pytest.mark.parametrize(("suggest", "label", "passed"), [
    ("pass", 100, True), ("review", 10001, False), ("risky", 20001, False)])
def test_content_check_v2_verdicts(rsps, wc, suggest, label, passed):
    token_answer(rsps)
    rsps.post(CHECK, json={"errcode": 0, "result": {"suggest": suggest, "label": label},
                           "detail": [], "trace_id": "t"},
              match=[*with_token("T1"), matchers.json_params_matcher({
                  "content": "一段文字", "version": 2, "scene": 2, "openid": "o-1"})])
    verdict = wc.check_text("一段文字", "o-1")
    assert (verdict.suggest, verdict.label, verdict.passed) == (suggest, label, passed)


@pytest.mark.parametrize("result", [None, {}, {"suggest": "maybe"},
                                    {"suggest": "pass", "label": "x"}])
def test_unreadable_content_verdict_fails_closed(rsps, wc, result):
    token_answer(rsps)
    rsps.post(CHECK, json={"errcode": 0, "result": result})
    with pytest.raises(WeChatUnavailable):
        wc.check_text("文字", "o-1")


@pytest.mark.parametrize("page", ["pages/orders/detail?id=7", None])
def test_subscribe_message_payload_shape(rsps, wc, page):
    token_answer(rsps)
    expected = {"touser": "o-1", "template_id": "tpl-1",
                "data": {"thing1": {"value": "订单已接单"}, "thing2": {"value": "明天上午"}}}
    if page:
        expected["page"] = page
    send = rsps.post(SEND, json={"errcode": 0, "errmsg": "ok"},
                     match=[*with_token("T1"), matchers.json_params_matcher(expected)])
    wc.send_subscribe_message("o-1", "tpl-1", {"thing1": "订单已接单", "thing2": "明天上午"},
                              page=page)
    assert send.call_count == 1


def test_subscribe_refused_by_user_is_409(rsps, wc):
    token_answer(rsps)
    rsps.post(SEND, json={"errcode": 43101, "errmsg": "user refuse to accept the msg"})
    with pytest.raises(WeChatError) as exc:
        wc.send_subscribe_message("o-1", "tpl-1", {"thing1": "x"})
    assert (exc.value.status, exc.value.code) == (409, "wechat_not_subscribed")


# -- transport and secrets ------------------------------------------------------------------
def test_configured_timeout_is_passed_on_every_request(rsps, wc):
    rsps.get(LOGIN, json={"openid": "o-1", "session_key": SESSION_KEY})
    token_answer(rsps)
    rsps.post(PHONE, json=PHONE_OK)
    rsps.post(CHECK, json={"errcode": 0, "result": {"suggest": "pass", "label": 100}})
    rsps.post(SEND, json={"errcode": 0})
    wc.code2session("c")
    wc.phone_number("p")
    wc.check_text("t", "o-1")
    wc.send_subscribe_message("o-1", "tpl", {"thing1": "x"})
    assert len(rsps.calls) == 5
    assert {c.request.req_kwargs["timeout"] for c in rsps.calls} == {TIMEOUT}


def test_session_key_and_secrets_never_reach_a_log_line(rsps, wc, caplog):
    caplog.set_level(logging.DEBUG)
    rsps.get(LOGIN, json={"openid": "o-1", "session_key": SESSION_KEY})
    token_answer(rsps, "ACCESS-T1")
    rsps.post(PHONE, json={"errcode": 40001, "errmsg": "stale"})
    wc.code2session("c")
    with pytest.raises(WeChatError):
        wc.phone_number("p")  # logs the errcode, twice
    rsps.replace(responses.GET, LOGIN, body=requests.exceptions.ReadTimeout())
    with pytest.raises(WeChatUnavailable):
        wc.code2session("c")  # a logged failure
    assert len(caplog.records) >= 3
    for record in caplog.records:
        line = record.getMessage()
        for secret in (SESSION_KEY, SECRET, "ACCESS-T1"):
            assert secret not in line


# -- the app with WECHAT_MODE=real ----------------------------------------------------------
@pytest.fixture
def real_app(backend, tmp_path):
    """The app on its own SQLite file with the real client (and the run's Redis, if any)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from config import engine_options

    url = f"sqlite:///{tmp_path / 'real.db'}"
    app = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        "REDIS_URL": backend[1], "WECHAT_MODE": "real", "WECHAT_APPID": APPID,
        "WECHAT_SECRET": SECRET, "WECHAT_TIMEOUT": 2.5})
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if app.extensions.get("redis") is not None:
        app.extensions["redis"].close()


def test_real_mode_login_end_to_end(real_app, rsps, caplog):
    caplog.set_level(logging.DEBUG)
    client = real_app.test_client()
    rsps.get(LOGIN, json={"openid": "o-e2e", "session_key": SESSION_KEY},
             match=[matchers.query_param_matcher({
                 "appid": APPID, "secret": SECRET, "js_code": "wx-code-1",
                 "grant_type": "authorization_code"})])
    resp = client.post("/api/v1/auth/wechat-login", json={"code": "wx-code-1"})
    assert resp.status_code == 200, resp.get_json()
    assert rsps.calls[0].request.req_kwargs["timeout"] == 2.5
    token = resp.get_json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.get_json()["id"] == resp.get_json()["user"]["id"]
    assert SESSION_KEY not in resp.get_data(as_text=True) + me.get_data(as_text=True)
    assert caplog.records  # the login was logged ...
    assert all(SESSION_KEY not in r.getMessage() for r in caplog.records)  # ... without the key


@pytest.mark.parametrize(("answer", "status", "code", "details"), [
    ({"json": {"errcode": 40163, "errmsg": "code been used"}}, 401, "invalid_wechat_code",
     {"errcode": 40163}),
    ({"body": requests.exceptions.ReadTimeout()}, 503, "wechat_unavailable", {}),
], ids=["used-code", "timeout"])
def test_real_mode_login_refusal_in_the_error_shape(real_app, rsps, answer, status, code,
                                                    details):
    rsps.get(LOGIN, **answer)
    resp = real_app.test_client().post("/api/v1/auth/wechat-login", json={"code": "wx-c"})
    assert resp.status_code == status
    assert resp.get_json()["error"]["code"] == code
    assert resp.get_json()["error"]["details"] == details
