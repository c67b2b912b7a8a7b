"""Fixtures: the app on SQLite (default) or PostgreSQL + Redis (`--db=postgres`).

The schema is built by the migrations once per session; each test starts from empty tables.
"""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from hypothesis import settings as hypothesis_settings

from config import engine_options

ROOT = Path(__file__).resolve().parents[1]

# Property-based tests (hypothesis, schemathesis) run derandomized by default, so `make test`
# and CI explore the same examples every time; `make test-random` explores new ones.
hypothesis_settings.register_profile("derandomized", derandomize=True, database=None)
hypothesis_settings.register_profile("random", derandomize=False, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "derandomized"))


def pytest_addoption(parser):
    parser.addoption("--db", choices=["sqlite", "postgres"], default="sqlite",
                     help="postgres uses TEST_DATABASE_URL and TEST_REDIS_URL")


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` prove concurrency claims; they run only with --db=postgres."""
    if config.getoption("--db") == "postgres":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with --db=postgres (make test does)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def _pg_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@pytest.fixture(scope="session")
def backend(request, tmp_path_factory):
    """(database url, redis url or None) for this run."""
    if request.config.getoption("--db") == "postgres":
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            pytest.exit("--db=postgres needs TEST_DATABASE_URL", 2)
        url = _pg_url(url)
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        return url, os.environ.get("TEST_REDIS_URL") or None
    path = tmp_path_factory.mktemp("db") / "test.db"
    return f"sqlite:///{path}", None


@pytest.fixture(scope="session")
def app(backend):
    from flask_migrate import upgrade

    from app import create_app

    db_url, redis_url = backend
    app = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(db_url),
        "REDIS_URL": redis_url,
    })
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()
    redis = app.extensions.get("redis")
    if redis is not None:
        redis.close()


def _tables(db):
    return [t.name for t in reversed(db.metadata.sorted_tables)]


@pytest.fixture(autouse=True)
def clean(app):
    """Every test starts with empty tables, fresh rate limits and an empty Redis."""
    from app.extensions import db, limiter

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text(
                "TRUNCATE " + ", ".join(_tables(db)) + " RESTART IDENTITY CASCADE"))
        else:
            for name in _tables(db):
                db.session.execute(sa.text(f'DELETE FROM "{name}"'))
        db.session.commit()
        redis = app.extensions.get("redis")
        if redis is not None:
            redis.flushdb()
        limiter.reset()
        fake = app.extensions.get("wechat_client")
        if fake is not None and hasattr(fake, "sent"):
            fake.sent.clear()
    yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    from app.extensions import db

    with app.app_context():
        yield db
        db.session.remove()


@pytest.fixture
def seeded(app):
    from app.demo import seed
    from app.extensions import db

    with app.app_context():
        seed()
        db.session.commit()


_code_counter = iter(range(1, 10**9))


@pytest.fixture
def login(client):
    """login("demo-staff-1") -> Authorization headers for that user (a fresh code each time)."""

    def _login(openid: str) -> dict:
        resp = client.post("/api/v1/auth/wechat-login",
                           json={"code": f"test:{openid}@n{next(_code_counter)}"})
        assert resp.status_code == 200, resp.get_json()
        return {"Authorization": f"Bearer {resp.get_json()['token']}"}

    return _login


@pytest.fixture
def make_user(app):
    """make_user("openid", roles=[("staff", {"community_id": 1})]) -> user id."""
    from app.auth.models import RoleGrant, User
    from app.extensions import db

    def _make(openid: str, roles=(), phone: str | None = None) -> int:
        with app.app_context():
            user = User(openid=openid, nickname=openid, phone=phone)
            db.session.add(user)
            db.session.flush()
            for role, scope in roles:
                db.session.add(RoleGrant(user_id=user.id, role=role, **scope))
            db.session.commit()
            return user.id

    return _make


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(app, backend, tmp_path_factory):
    """The app under gunicorn with several worker processes, on the test database."""
    db_url, redis_url = backend
    log_path = tmp_path_factory.mktemp("gunicorn") / "stderr.log"
    port = _free_port()
    env = {**os.environ, "APP_ENV": "testing", "DATABASE_URL": db_url,
           "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "3", "THREADS": "4",
           "ACCESS_LOG": "", "TEST_LOGIN_RATE_LIMIT": "1000 per minute"}
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    log_file = open(log_path, "wb")  # noqa: SIM115 (closed at teardown)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log_file)
    base = f"http://127.0.0.1:{port}"
    # a busy machine (CI, several suites at once) may need longer: LIVE_SERVER_START_SECONDS
    deadline = time.monotonic() + float(os.environ.get("LIVE_SERVER_START_SECONDS", "30"))
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=3).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("gunicorn did not start: " + log_path.read_text()[-2000:])
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    log_file.close()
