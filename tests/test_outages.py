"""Outages: Redis down must not turn reads into errors; the database down is a quick 503."""
import pytest

from config import engine_options


@pytest.fixture
def redis_down_app(backend, app):
    """The test database, but a Redis URL where nothing listens."""
    from app import create_app
    from app.extensions import db, limiter

    db_url, _ = backend
    down = create_app("testing", {"SQLALCHEMY_DATABASE_URI": db_url,
                                  "SQLALCHEMY_ENGINE_OPTIONS": engine_options(db_url),
                                  "REDIS_URL": "redis://127.0.0.1:1/0"})
    yield down
    with down.app_context():
        db.engine.dispose()
    down.extensions["redis"].close()
    limiter.init_app(app)  # the limiter is one object: give it back to the suite's app


def test_redis_down_keeps_login_reads_and_writes_working(redis_down_app, app):
    client = redis_down_app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok", "db": "ok", "redis": "down"}
    resp = client.post("/api/v1/auth/wechat-login", json={"code": "test:redis-down@1"})
    assert resp.status_code == 200, resp.get_json()
    headers = {"Authorization": f"Bearer {resp.get_json()['token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    # a write whose side effect is a queued job still commits; the job runs inline instead
    assert client.patch("/api/v1/me", json={"nickname": "雷迪斯"}, headers=headers).status_code \
        == 200
    assert client.get("/api/v1/notifications", headers=headers).status_code == 200


def test_database_down_is_503_in_the_error_shape():
    from app import create_app

    url = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url,
                                 "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url)})
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["db"] == "down"
    resp = client.post("/api/v1/auth/wechat-login", json={"code": "test:db-down@1"})
    assert resp.status_code == 503
    assert resp.get_json()["error"]["code"] == "service_unavailable"
    assert "Traceback" not in resp.get_data(as_text=True)
