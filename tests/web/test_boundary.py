"""The write boundary: one commit per write request, none on a read."""
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
