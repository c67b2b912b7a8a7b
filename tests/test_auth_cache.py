"""Sessions kept per process (app/auth/tokens.py): the session query leaves the hot path, and
logout, role revocation and cancellation still take effect at once in every process.

"Another process" is a second app with its own engine: what it commits reaches this app only
through PostgreSQL and the revocation versions in Redis (the kept copies are per process, and
these tests check that a stale one is never used)."""
import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.postgres  # the kept copies need Redis


@pytest.fixture()
def other_app(backend):
    """A second app on the same database and Redis: another gunicorn worker."""
    from app import create_app
    from config import engine_options

    db_url, redis_url = backend
    other = create_app("testing", {"SQLALCHEMY_DATABASE_URI": db_url,
                                   "SQLALCHEMY_ENGINE_OPTIONS": engine_options(db_url),
                                   "REDIS_URL": redis_url})
    yield other
    from app.extensions import db

    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def _queries(app, client, headers, path="/api/v1/timebank/account"):
    from app.extensions import db

    seen = []
    with app.app_context():
        engine = db.engine
    listener = lambda *a: seen.append(a[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        resp = client.get(path, headers=headers)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return resp, [q for q in seen if "auth_sessions" in q]


def test_a_kept_session_is_read_without_postgresql(app, client, login, make_user):
    make_user("kept-1")
    h = login("kept-1")
    first, session_reads = _queries(app, client, h)
    assert first.status_code == 200 and len(session_reads) == 1
    again, session_reads = _queries(app, client, h)
    assert again.status_code == 200 and session_reads == [], "the kept copy was not used"


def test_logout_in_another_process_ends_the_token_here_at_once(app, client, login, make_user,
                                                                other_app):
    make_user("kept-2")
    h = login("kept-2")
    assert client.get("/api/v1/me", headers=h).status_code == 200  # kept here
    assert other_app.test_client().post("/api/v1/auth/logout", headers=h).status_code == 204
    resp = client.get("/api/v1/me", headers=h)
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "token_revoked"


def test_a_role_revoked_in_another_process_is_gone_here_at_once(app, client, login, make_user,
                                                                 other_app):
    from app.auth.models import RoleGrant
    from app.extensions import db

    uid = make_user("kept-admin", roles=[("admin", {})])
    h = login("kept-admin")
    assert client.get("/api/v1/roles/grants", headers=h).status_code == 200  # kept as admin
    with other_app.app_context():
        grant = db.session.scalar(sa.select(RoleGrant).where(RoleGrant.user_id == uid))
        grant.revoked_at = sa.func.now()
        db.session.commit()
    assert client.get("/api/v1/roles/grants", headers=h).status_code == 403


def test_bulk_revocation_by_cancellation_reaches_kept_copies(app, client, login, make_user,
                                                             other_app):
    make_user("kept-3")
    h = login("kept-3")
    assert client.get("/api/v1/me", headers=h).status_code == 200
    resp = other_app.test_client().post("/api/v1/me/cancel", headers=h, json={"confirm": True})
    assert resp.status_code == 204, resp.get_json()
    assert client.get("/api/v1/me", headers=h).status_code == 401


def test_a_redis_that_restarts_empty_invalidates_every_kept_copy(app, client, login,
                                                                 make_user):
    make_user("kept-4")
    h = login("kept-4")
    _queries(app, client, h)
    app.extensions["redis"].flushdb()  # what a restart without persistence leaves
    resp, session_reads = _queries(app, client, h)
    assert resp.status_code == 200 and len(session_reads) == 1


def test_without_redis_every_request_reads_postgresql(app, backend, make_user, login, client):
    """Redis unreachable: the session is read from PostgreSQL, and logout still holds."""
    from app import create_app
    from app.extensions import db, limiter
    from config import engine_options

    db_url, _ = backend
    down = create_app("testing", {"SQLALCHEMY_DATABASE_URI": db_url,
                                  "SQLALCHEMY_ENGINE_OPTIONS": engine_options(db_url),
                                  "REDIS_URL": "redis://127.0.0.1:1/0"})
    make_user("kept-5")
    h = login("kept-5")
    c = down.test_client()
    try:
        for _ in range(2):
            resp, session_reads = _queries(down, c, h)
            assert resp.status_code == 200 and len(session_reads) == 1
        assert c.post("/api/v1/auth/logout", headers=h).status_code == 204
        assert c.get("/api/v1/me", headers=h).status_code == 401
    finally:
        with down.app_context():
            db.session.remove()
            db.engine.dispose()  # its pooled connections are closed, not left to the collector
        limiter.init_app(app)  # the limiter is one object: give it back to the suite's app
    assert client.get("/api/v1/me", headers=h).status_code == 401
