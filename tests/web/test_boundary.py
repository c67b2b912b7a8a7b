"""The write boundary: one commit per write request, none on a read."""
import pytest
import sqlalchemy as sa


def test_reading_a_community_account_creates_nothing(client, seeded, login, app):
    """GET /timebank/communities/{id}/account on a community whose account was never used:
    the default budget is shown, and no account row is written."""
    from app.community.models import Community
    from app.extensions import db
    from app.timebank.models import Account

    with app.app_context():
        community = Community(street_id=db.session.scalar(sa.select(Community.street_id)),
                              name="新社区")
        db.session.add(community)
        db.session.commit()
        cid = community.id
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Account))
    resp = client.get(f"/api/v1/timebank/communities/{cid}/account",
                      headers=login("demo-admin"))
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["account_id"] is None and body["balance"] == 0
    assert body["available"] == body["budget"] > 0
    # ... and the OpenAPI document says that the id may be null until then.
    spec = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for name in ("CommunityAccountOut", "MerchantAccountOut"):
        assert spec[name]["properties"]["account_id"].get("nullable") is True, name
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == before


def test_a_read_that_writes_is_refused_and_leaves_nothing(app):
    """A GET view that inserts is a programming error: ReadWrote, nothing committed."""
    import pytest

    from app.extensions import db
    from app.timebank.models import Account
    from app.web.boundary import ReadWrote, read_unit

    def writing_view():
        db.session.execute(sa.insert(Account).values(
            kind="system", code="read-wrote", balance=0, entries=0, head_hash="0" * 64))
        return {}

    with app.test_request_context("/x", method="GET"):
        with pytest.raises(ReadWrote):
            read_unit(writing_view, (), {})
        assert db.session.scalar(sa.select(Account.id).where(Account.code == "read-wrote")) is None


def test_no_view_or_service_commits():
    """Only the write boundary, CLI commands and jobs commit."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "app"
    allowed = {"web/boundary.py", "web/idempotency.py", "worker.py", "jobs.py"}
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if rel in allowed or rel.endswith("cli.py") or rel.endswith("jobs.py"):
            continue
        if re.search(r"\.commit\(\)", path.read_text()):
            offenders.append(rel)
    assert offenders == []


def _statements_seen(app):
    """Every statement sent while recording, with whether PostgreSQL held a transaction then."""
    from app.extensions import db

    seen: list[tuple[str, bool, bool]] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        raw = cursor.connection
        seen.append((" ".join(statement.split())[:40], raw.autocommit,
                     raw.info.transaction_status != 0))

    with app.app_context():
        engine = db.engine
    return engine, listener, seen


@pytest.mark.postgres
def test_a_read_runs_without_a_transaction_until_it_writes(client, seeded, login, app):
    """On PostgreSQL a GET sends its SELECTs outside a transaction (no BEGIN, no ROLLBACK):
    the staff list is one statement so. A read that writes an audit entry (staff opening a
    full address) opens a transaction before the INSERT, and the entry is committed."""
    from app.audit.models import AuditEntry
    from app.extensions import db

    staff, resident = login("demo-staff-1"), login("demo-resident-1")
    home = client.get("/api/v1/me", headers=resident).get_json()["households"][0][
        "household_id"]
    engine, listener, seen = _statements_seen(app)
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get("/api/v1/requests?scope=community&limit=20",
                          headers=staff).status_code == 200
        listed = list(seen)
        seen.clear()
        assert client.get(f"/api/v1/households/{home}", headers=staff).status_code == 200
        opened = list(seen)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert listed and all(autocommit and not in_tx for _, autocommit, in_tx in listed), listed
    insert = [s for s in opened if s[0].startswith("INSERT INTO audit")]
    assert insert and insert[0][2] is True, opened  # inside the transaction opened for it
    assert all(not in_tx for s, _, in_tx in opened[:opened.index(insert[0])]), opened
    with app.app_context():
        entries = db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == "unmask", AuditEntry.target_id == home)).all()
    assert len(entries) == 1
    # ... and a write after those reads, on the same test client, is a transaction as ever
    resp = client.post("/api/v1/requests",
                       headers={**resident, "Idempotency-Key": "after-read"},
                       json={"category_id": 1, "household_id": home,
                             "description": "客厅的灯不亮了"})
    assert resp.status_code == 201, resp.get_json()


@pytest.mark.postgres
def test_a_read_that_locks_or_streams_does_so_in_a_transaction(app):
    """`SELECT ... FOR UPDATE` and a server-side cursor in a read get a transaction first."""
    from app.extensions import db
    from app.web.boundary import AUTOCOMMIT

    engine, listener, seen = _statements_seen(app)
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        with app.app_context():
            db.session.connection(execution_options=AUTOCOMMIT)
            db.session.execute(sa.text("SELECT 1"))
            db.session.execute(sa.text("SELECT 1 FROM users FOR UPDATE"))
            db.session.rollback()
            db.session.connection(execution_options=AUTOCOMMIT)
            rows = db.session.execute(sa.text("SELECT 2").execution_options(yield_per=10))
            assert [r[0] for r in rows] == [2]
            db.session.rollback()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    # (the listener runs after the boundary's: the status it records is the one the
    # statement ran in)
    assert [in_tx for _, _, in_tx in seen] == [False, True, True], seen
