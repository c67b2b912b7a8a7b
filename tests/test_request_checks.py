"""Before any view runs: authentication first, then a well-formed JSON body.

An anonymous caller learns nothing of a route's fields (401 whatever it sends), and a body the
JSON parser cannot take safely (deep nesting, huge integers, NaN) is 400 `bad_request`, never a
server error.
"""
import logging
import re

import pytest

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Routes anyone may call. Adding one here is a decision, not an accident.
PUBLIC = {
    ("POST", "/api/v1/auth/wechat-login"),
    ("GET", "/healthz"), ("GET", "/ping"), ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/docs"), ("GET", "/api/v1/docs/assets/<path:filename>"),
    ("GET", "/static/<path:filename>"),
    # WeChat's message push: authenticated by WeChat's signature instead of a token.
    ("GET", "/api/v1/wechat/callback"), ("POST", "/api/v1/wechat/callback"),
    # A file behind a signed URL (`<image src>` sends no header); without one it needs a token.
    ("GET", "/api/v1/files/<int:file_id>"),
    # The mini-program's uncaught errors, also before any login: logged only, rate-limited.
    ("POST", "/api/v1/client-errors"),
    # The web console: its built files, and its login ticket (asked for and collected before
    # any login; collecting needs the ticket's poll secret).
    ("GET", "/console"), ("GET", "/console/"), ("GET", "/console/<path:path>"),
    ("POST", "/api/v1/auth/console-tickets"), ("GET", "/api/v1/auth/console-tickets/<ticket>"),
    # Probes and Prometheus (counts and timings only; the nginx site keeps /metrics to the
    # monitoring network).
    ("GET", "/livez"), ("GET", "/readyz"), ("GET", "/metrics"),
    # The public impact figures (nothing personal, counts under 5 as "<5") and their page.
    ("GET", "/api/v1/public/impact"), ("GET", "/impact/<int:community_id>"),
    ("GET", "/impact/static/<path:filename>"),
}
JUNK = {"zz_not_a_field": [1, {"x": None}], "name": 12, "code": [], "user_id": "abc",
        "amount": -5, "community_id": "x", "status": "??"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule.rule, re.sub(r"<int:[^>]+>", "1", rule.rule)


def _assert_no_field_names(resp):
    text = resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["error"]["details"] == {}, text
    for word in ("fields", "zz_not_a_field", "Unknown", "required", "Missing"):
        assert word not in text, text


def test_every_private_route_refuses_anonymous_before_reading_its_input(app, client):
    """No token, a junk body and junk query: 401, with no field name in the answer."""
    checked = 0
    for method, rule, url in _routes(app):
        if (method, rule) in PUBLIC:
            continue
        resp = client.open(url + "?limit=abc&cursor=%25%25&community_id=x&zz=1",
                           method=method, json=JUNK,
                           headers={"Idempotency-Key": f"k-{checked}"})
        assert resp.status_code == 401, (method, rule, resp.get_json())
        assert resp.get_json()["error"]["code"] == "unauthorized"
        _assert_no_field_names(resp)
        checked += 1 if method in WRITE_METHODS else 0
    assert checked >= 60  # every write route but login


def test_a_bad_token_is_refused_before_validation(app, client):
    h = {"Authorization": "Bearer not-a-token"}
    for method, rule, url in _routes(app):
        if method in WRITE_METHODS and (method, rule) not in PUBLIC:
            resp = client.open(url, method=method, json=JUNK, headers=h)
            assert resp.status_code == 401, (method, rule)
            assert resp.get_json()["error"]["code"] == "invalid_token"
            _assert_no_field_names(resp)


def test_only_the_listed_routes_are_public(app):
    from app.auth.permissions import required_roles

    public = {(method, rule.rule) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}
              if required_roles(app.view_functions[rule.endpoint]) is None}
    assert public == PUBLIC


def test_a_resident_is_refused_a_staff_route_before_validation(client, seeded, login):
    resp = client.post("/api/v1/streets", json=JUNK, headers=login("demo-resident-1"))
    assert resp.status_code == 403
    _assert_no_field_names(resp)


def test_a_signed_in_caller_still_gets_the_field_list(client, seeded, login):
    resp = client.post("/api/v1/streets", json={"zz": 1}, headers=login("demo-admin"))
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["details"]["fields"]) == {"zz", "name"}


DEEP = "[" * 30000
MALFORMED = {
    "deep_array": DEEP,
    "deep_in_a_field": '{"name": ' + "[" * 30000 + "]" * 30000 + "}",
    "33_levels": '{"name": ' + "[" * 33 + "]" * 33 + "}",
    "huge_int": '{"name": 1' + "0" * 5000 + "}",
    "huge_int_alone": "9" * 4301,
    "nan": '{"name": NaN}',
    "infinity": '{"amount": -Infinity}',
    "float_overflow": '{"amount": 1e999}',
    "not_utf8": b'{"name": "\xff\xfe"}',
    "truncated": '{"name": "x"',
}
# One public route and private routes of several domains, with what each needs to get past
# authentication.
ENDPOINTS = [
    ("POST", "/api/v1/auth/wechat-login", None),
    ("PATCH", "/api/v1/me", "demo-resident-1"),
    ("POST", "/api/v1/streets", "demo-admin"),
    ("POST", "/api/v1/timebank/transfers", "demo-resident-1"),
    ("POST", "/api/v1/requests", "demo-resident-1"),
    ("POST", "/api/v1/shifts/1/checkin", "demo-volunteer-1"),
    ("POST", "/api/v1/auth/logout", "demo-resident-1"),  # takes no body at all
]


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_json_is_400_on_every_endpoint(client, seeded, login, caplog, kind):
    body = MALFORMED[kind]
    for method, url, who in ENDPOINTS:
        headers = {"Idempotency-Key": f"malformed-{kind}"}
        if who:
            headers.update(login(who))
        with caplog.at_level(logging.ERROR):
            resp = client.open(url, method=method, data=body, headers=headers,
                               content_type="application/json")
        assert resp.status_code == 400, (url, resp.get_data(as_text=True)[:200])
        err = resp.get_json()["error"]
        assert err["code"] == "bad_request" and err["message"] == "请求内容不是有效的 JSON"
        assert err["details"] == {}
        assert "Traceback" not in resp.get_data(as_text=True)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_malformed_json_without_a_token_is_401(client):
    for body in (DEEP, MALFORMED["huge_int"]):
        resp = client.patch("/api/v1/me", data=body, content_type="application/json")
        assert resp.status_code == 401


def test_well_formed_json_at_the_edge_of_the_limits_is_read(client, login, seeded):
    h = login("demo-admin")
    body = '{"name": "新街道", "zz": ' + "[" * 31 + "]" * 31 + "}"  # 32 levels: read
    resp = client.post("/api/v1/streets", data=body, headers=h, content_type="application/json")
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["details"]["fields"]) == {"zz"}
    resp = client.post("/api/v1/streets", data='{"name": "新街道", "zz": 1' + "0" * 4000 + "}",
                       headers=h, content_type="application/json")
    assert resp.status_code == 422


def test_a_body_that_is_not_json_is_left_to_the_schema(client, login, seeded):
    resp = client.post("/api/v1/streets", data="[" * 30000, content_type="text/plain",
                       headers=login("demo-admin"))
    assert resp.status_code == 422  # not read as JSON: `name` is missing


def test_options_is_still_answered_by_flask(client):
    resp = client.options("/api/v1/me")
    assert resp.status_code == 200
    assert "PATCH" in resp.headers["Allow"]
