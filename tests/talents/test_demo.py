"""The demo data: a dozen talents, one candidate at each stage for 观湖花园党支部, ledger
mismatches, and a second `seed-demo` changes nothing."""
import sqlalchemy as sa


def test_the_demo_world_and_its_walk_through(app, client, seeded, login):
    from app.demo import seed
    from app.extensions import db
    from app.talents.models import Candidate, LedgerEntry, Talent

    with app.app_context():
        assert seed() == 0  # idempotent
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Talent)) == 12
        stages = dict(db.session.execute(sa.select(Candidate.name, Candidate.status)).all())
        assert stages == {"王建华": "nominated", "李淑芬": "verified", "赵国强": "appointed",
                          "孙志明": "rejected"}
        body_id, blocked = db.session.execute(sa.select(Candidate.body_id, Candidate.id).where(
            Candidate.name == "孙志明")).one()
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry))
    staff, orgdept = login("demo-staff-1"), login("demo-orgdept-1")
    found = client.get("/api/v1/talents?community_id=1&expertise=调解", headers=staff).get_json()
    assert sorted(t["name"] for t in found["items"]) == ["冯建军", "周桂英", "陈玉兰"]
    assert all("****" in t["phone"] for t in found["items"])
    street = client.get("/api/v1/talents?age_max=70", headers=login("demo-street-1")).get_json()
    assert {t["community_id"] for t in street["items"]} == {1, 2}
    refused = client.post(f"/api/v1/compound-party-orgs/{body_id}/candidates/{blocked}/appoint",
                          json={}, headers=orgdept)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "negative_list"
    seats = client.get(f"/api/v1/org-bodies/{body_id}/seats", headers=staff).get_json()["items"]
    assert ("赵国强", "副书记") in [(s["name"], s["title"]) for s in seats]
    checks = client.get("/api/v1/party-ledger/mismatches?community_id=1",
                        headers=orgdept).get_json()
    assert {p["name"]: p["problems"] for p in checks["items"]} == {
        "孙卫东": ["not_registered"], "钱芳": ["not_in_grid"], "吴桂兰": ["not_in_grid"]}
    assert entries == 9 + 12  # and the grid rows of the figures' 12 history residents


def test_counts_for_the_figures(app, seeded):
    from datetime import timedelta

    from app.common.timeutil import utcnow
    from app.talents.queries import secretaries_appointed, talents_filed

    now = utcnow()
    with app.app_context():
        assert talents_filed([1], now + timedelta(seconds=1)) == 10
        assert talents_filed([1, 2], now + timedelta(seconds=1)) == 12
        assert talents_filed([1], now - timedelta(days=1)) == 0
        assert secretaries_appointed([1], now - timedelta(days=1), now + timedelta(days=1)) == 1
        assert secretaries_appointed([2], now - timedelta(days=1), now + timedelta(days=1)) == 0
