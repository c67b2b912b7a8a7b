"""Every error has the one shape: {"error": {"code", "message", "details"}}, no stack traces."""
import pytest


def assert_error(resp, status, code=None):
    assert resp.status_code == status, resp.get_data(as_text=True)
    body = resp.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_unknown_path_is_404_in_shape(client):
    assert_error(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_wrong_method_is_405_in_shape_with_allow(client):
    resp = client.delete("/healthz")
    assert_error(resp, 405, "method_not_allowed")
    assert "GET" in resp.headers["Allow"]


def test_body_over_the_cap_is_413(client):
    resp = client.post("/api/v1/auth/wechat-login", data="{" + "x" * 200_000 + "}",
                       content_type="application/json")
    assert_error(resp, 413, "payload_too_large")


def test_validation_lists_each_field(client):
    resp = client.post("/api/v1/auth/wechat-login", json={"code": 12, "role": "admin"})
    err = assert_error(resp, 422, "validation_error")
    assert set(err["details"]["fields"]) == {"code", "role"}


def test_missing_field_and_malformed_json(client):
    err = assert_error(client.post("/api/v1/auth/wechat-login", json={}), 422)
    assert "code" in err["details"]["fields"]
    resp = client.post("/api/v1/auth/wechat-login", data="{not json",
                       content_type="application/json")
    assert resp.status_code in (400, 422)
    assert_error(resp, resp.status_code)


def test_unauthenticated_is_401_in_shape(client):
    assert_error(client.get("/api/v1/me"), 401, "unauthorized")


def test_forbidden_is_403_in_shape(client, seeded, login):
    resp = client.post("/api/v1/streets", json={"name": "新街道"},
                       headers=login("demo-resident-1"))
    assert_error(resp, 403, "forbidden")


def test_unexpected_exception_is_500_without_trace():
    from app import create_app

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.route("/_boom")
    def _boom():
        raise RuntimeError("secret internals")

    resp = app.test_client().get("/_boom")
    err = assert_error(resp, 500, "internal_error")
    assert "secret internals" not in resp.get_data(as_text=True)
    assert "Traceback" not in resp.get_data(as_text=True)
    assert err["details"] == {}


def test_huge_limit_is_clamped(client, seeded, login):
    resp = client.get("/api/v1/communities?limit=100000", headers=login("demo-resident-1"))
    assert resp.status_code == 200
    assert len(resp.get_json()["items"]) == 2


@pytest.mark.parametrize("cursor", ["%%%", "bm90LWEtbnVtYmVy", "!!"])
def test_bad_cursor_is_422(client, seeded, login, cursor):
    resp = client.get(f"/api/v1/communities?cursor={cursor}", headers=login("demo-resident-1"))
    assert_error(resp, 422)


def test_healthz_reports_db_and_redis(client, app):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["db"] == "ok"
    assert body["redis"] == ("ok" if app.config["REDIS_URL"] else "absent")


def test_openapi_and_docs_are_served_locally(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/auth/wechat-login" in spec["paths"]
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in page
    assert "http" not in page.split("swagger-ui-bundle.js")[0].split("<script src=")[-1]
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert f"/api/v1/docs/assets/{asset}" in page
        with client.get(f"/api/v1/docs/assets/{asset}") as resp:
            assert resp.status_code == 200


def test_production_refuses_weak_secret(monkeypatch):
    from app import create_app

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", {"SECRET_KEY": "dev-only-not-secret"})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", {"SECRET_KEY": "short"})
    with pytest.raises(RuntimeError, match="WECHAT_APPID"):
        create_app("production", {"SECRET_KEY": "x" * 40, "WECHAT_MODE": "real",
                                  "WECHAT_APPID": "", "WECHAT_SECRET": ""})
