"""Fixtures: the app on SQLite (default) or PostgreSQL + Redis (`--db=postgres`).

The schema is built by the migrations once per session; each test starts from empty tables.
"""
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
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


CONSOLE_TESTS = Path(__file__).parent / "console"


def pytest_ignore_collect(collection_path, config):
    """The browser tests (tests/console) need a built console and Chromium: `make test-console`
    runs them (`pytest tests/console`); a plain `pytest` leaves them out."""
    if collection_path == CONSOLE_TESTS:
        named = [Path(str(a).split("::")[0]).resolve() for a in config.args]
        return not any(p == CONSOLE_TESTS or CONSOLE_TESTS in p.parents for p in named)
    return None


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


@pytest.fixture(scope="session")
def emptying(app):
    """The statement that empties every table. On PostgreSQL: DELETE with triggers off (the audit
    log's append-only trigger and the foreign keys), then every sequence back to 1, in one round
    trip. TRUNCATE of ~100 tables makes new files for each table and index: 0.2-1 s a test."""
    from app.extensions import db

    with app.app_context():
        tables = _tables(db)
        if db.engine.dialect.name != "postgresql":
            return [f'DELETE FROM "{name}"' for name in tables]
        sequences = db.session.execute(sa.text(
            "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname = 'public'")).scalars()
        db.session.remove()
        return ["SET LOCAL session_replication_role = replica;"
                + "".join(f'DELETE FROM "{name}";' for name in tables)
                + "SELECT " + ", ".join(f"setval('{s}', 1, false)" for s in sequences)]


@pytest.fixture(autouse=True)
def clean(app, emptying):
    """Every test starts with empty tables, fresh rate limits and an empty Redis."""
    from app.extensions import db, limiter

    with app.app_context():
        for statement in emptying:
            db.session.execute(sa.text(statement))
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


class DemoSnapshot:
    """The demo data, seeded once per run and put back for each test that asks for it.

    Seeding runs every domain's rules (2-3 s a test); putting its rows back is one bulk insert per
    table. Every timestamp moves forward by the time since the seed, so each test sees the demo as
    if it had just been seeded (shifts still start in an hour, deadlines are still ahead)."""

    def __init__(self):
        self.rows = None  # table name -> rows, in insert order
        self.jobs = []  # the outbox rows' announcements, made when the seed commits
        self.taken = None

    def take(self, db):
        from app import jobs

        self.taken = datetime.now(UTC).replace(tzinfo=None)
        # The seed's jobs (pushes of its notifications): announced at commit, as after a seed.
        self.jobs = list(db.session().info.get(jobs.KEY, []))
        self.rows = {}
        for table in db.metadata.sorted_tables:
            rows = [dict(r) for r in db.session.execute(sa.select(table)).mappings()]
            if rows:
                self.rows[table.name] = rows

    def put_back(self, db):
        from app import jobs

        shift = datetime.now(UTC).replace(tzinfo=None) - self.taken
        tables = db.metadata.tables
        # Rows may point at later rows of their own table (a merged report): keys are checked at
        # commit on SQLite, and not at all for these rows on PostgreSQL (they were valid when read).
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
        else:
            db.session.execute(sa.text("PRAGMA defer_foreign_keys = ON"))
        for name, rows in self.rows.items():
            table = tables[name]
            stamps = [c.name for c in table.columns if isinstance(c.type, sa.DateTime)]
            if stamps:
                rows = [{**row, **{k: _moved(row[k], shift) for k in stamps}} for row in rows]
            db.session.execute(table.insert(), rows)
        db.session().info.setdefault(jobs.KEY, []).extend(self.jobs)
        if db.engine.dialect.name == "postgresql":
            serial = [n for n in self.rows if "id" in tables[n].c
                      and isinstance(tables[n].c.id.type, sa.Integer)]
            db.session.execute(sa.text("SELECT " + ", ".join(
                f"setval(pg_get_serial_sequence('\"{n}\"', 'id'), "
                f"(SELECT max(id) FROM \"{n}\"))" for n in serial)))


def _moved(value, shift):
    return None if value is None else value + shift


_demo = DemoSnapshot()


@pytest.fixture
def seeded(app):
    from app.demo import seed
    from app.extensions import db

    with app.app_context():
        empty = not db.session.scalar(sa.select(sa.or_(*(
            sa.exists(sa.select(sa.literal(1)).select_from(t))
            for t in db.metadata.sorted_tables))))
        if empty and _demo.rows is not None:
            _demo.put_back(db)
        else:  # first time, or a fixture wrote before this one: seed by the rules
            seed(skip=("stats",))  # the figures' 13 months of history: tests/stats builds its own
            db.session.flush()
            if empty:
                _demo.take(db)
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
    # Generous: on a loaded machine importing the app alone can take tens of seconds.
    deadline, up = time.monotonic() + 180, False
    while not up and time.monotonic() < deadline and proc.poll() is None:
        try:
            up = requests.get(base + "/healthz", timeout=3).status_code == 200
        except requests.RequestException:
            time.sleep(0.2)
    if not up:
        proc.kill()
        raise RuntimeError("gunicorn did not start: " + log_path.read_text()[-2000:])
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log_file.close()
