"""The public impact figures and page: no login, nothing personal, counts under 5 as "<5",
cached in Redis for a minute; the page serves ECharts itself or falls back to tables."""
import re

import pytest
import sqlalchemy as sa
import time_machine

from app.stats import routes as stats_routes

# The hand-counted world's 2025 is the default period (the last 12 full months) on this day.
ON = "2026-01-15 12:00:00+08:00"


def test_small_counts_are_shown_as_under_5(client, world):
    with time_machine.travel(ON, tick=False):
        resp = client.get("/api/v1/public/impact", query_string={"community_id": world.c1})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["from"], body["to"]) == ("2025-01-01", "2025-12-31")
    assert body["community"] == {"id": world.c1, "name": "观湖社区"}
    figures = body["figures"]
    # Every count of the world is under 5: none is shown, 0 included.
    for name in ("services_done", "households_served", "problems_solved", "disputes",
                 "activities_held", "party_members_registered", "consultations_passed",
                 "elevators_in_service", "projects_done"):
        assert figures[name] == "<5", name
    # Minutes and points are not counts of households: shown as they are.
    assert figures["volunteer_minutes_verified"] == 150
    assert figures["points_issued"] == 35
    # Year on year from fewer than 5 cases would tell them apart: not published.
    assert figures["disputes_change_yoy"] is None
    assert "disputes_change_yoy" in body["unavailable"]
    months = body["series"]["services_done"]
    assert len(months) == 12 and all(m["value"] == "<5" for m in months)


def test_counts_of_5_and_more_are_shown(client, world, app):
    from app.extensions import db
    from app.mediation.models import MediationCase
    from tests.stats.conftest import sh

    with app.app_context():
        for i in range(2):
            db.session.add(MediationCase(community_id=world.c1, kind="family", summary="家事",
                                         opened_by_id=world.staff, opened_at=sh(2025, 9, 1 + i)))
        db.session.commit()
    with time_machine.travel(ON, tick=False):
        figures = client.get("/api/v1/public/impact",
                             query_string={"community_id": world.c1}).get_json()["figures"]
    assert figures["disputes"] == 5
    assert figures["disputes_change_yoy"] == 0.0  # 5 against 5


def test_unknown_community_is_404(client, world):
    assert client.get("/api/v1/public/impact",
                      query_string={"community_id": 9999}).status_code == 404
    assert client.get("/impact/9999").status_code == 404


def _personal(app, world) -> list[str]:
    """Every name, phone and address of the world's people and homes."""
    from app.auth.models import User
    from app.community.models import Building, Compound, Household
    from app.extensions import db

    with app.app_context():
        out = []
        for nickname, phone in db.session.execute(sa.select(User.nickname, User.phone)):
            out += [nickname, phone]
        out += list(db.session.scalars(sa.select(Compound.name)))
        out += [f"{b}{h.unit}单元{h.room}" for b, h in db.session.execute(
            sa.select(Building.name, Household).join(Household.building))]
        out += list(db.session.scalars(sa.select(Building.name)))
        return [x for x in out if x and len(x) >= 2]


def test_the_page_holds_no_phone_name_or_address(client, world, app):
    with time_machine.travel(ON, tick=False):
        resp = client.get(f"/impact/{world.c1}")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert "观湖社区" in html and "完成服务" in html
    for text in _personal(app, world):
        assert text not in html, text
    assert not re.search(r"1[3-9]\d{9}", html)  # no phone number at all
    assert "cdn" not in html.lower() and "https://" not in html


def test_the_page_uses_the_local_echarts_or_degrades_to_tables(client, world, monkeypatch,
                                                                tmp_path):
    (tmp_path / "echarts.min.js").write_text("/* echarts */")
    monkeypatch.setattr(stats_routes, "STATIC", str(tmp_path))
    html = client.get(f"/impact/{world.c1}").get_data(as_text=True)
    assert '<script src="/impact/static/echarts.min.js"></script>' in html
    assert 'id="chart-services_done"' in html and "no-charts" not in html

    monkeypatch.setattr(stats_routes, "STATIC", str(tmp_path / "missing"))
    html = client.get(f"/impact/{world.c1}").get_data(as_text=True)
    assert "echarts.min.js" not in html
    assert 'id="no-charts"' in html and "<table>" in html


@pytest.mark.redis
def test_public_figures_are_cached_for_a_minute(client, world, app):
    redis = app.extensions.get("redis")
    if redis is None:
        pytest.skip("needs Redis (TEST_REDIS_URL)")
    with time_machine.travel(ON, tick=False):
        first = client.get("/api/v1/public/impact", query_string={"community_id": world.c1})
    keys = [k.decode() for k in redis.keys("stats:impact:*")]
    assert keys == [f"stats:impact:{world.c1}:2026-01-15"]
    assert 0 < redis.ttl(keys[0]) <= 60
    from app.extensions import db
    from app.mediation.models import MediationCase
    from tests.stats.conftest import sh

    with app.app_context():
        for i in range(5):
            db.session.add(MediationCase(community_id=world.c1, kind="family", summary="家事",
                                         opened_by_id=world.staff, opened_at=sh(2025, 9, 1 + i)))
        db.session.commit()
    with time_machine.travel(ON, tick=False):
        second = client.get("/api/v1/public/impact", query_string={"community_id": world.c1})
    assert second.get_json() == first.get_json()  # from the cache
    redis.delete(keys[0])
    with time_machine.travel(ON, tick=False):
        third = client.get("/api/v1/public/impact", query_string={"community_id": world.c1})
    assert third.get_json()["figures"]["disputes"] == 8


def test_without_redis_nothing_is_cached(client, world, app):
    if app.extensions.get("redis") is not None:
        pytest.skip("runs without Redis")
    from app.extensions import db
    from app.mediation.models import MediationCase
    from tests.stats.conftest import sh

    with time_machine.travel(ON, tick=False):
        client.get("/api/v1/public/impact", query_string={"community_id": world.c1})
    with app.app_context():
        for i in range(5):
            db.session.add(MediationCase(community_id=world.c1, kind="family", summary="家事",
                                         opened_by_id=world.staff, opened_at=sh(2025, 9, 1 + i)))
        db.session.commit()
    with time_machine.travel(ON, tick=False):
        body = client.get("/api/v1/public/impact",
                          query_string={"community_id": world.c1}).get_json()
    assert body["figures"]["disputes"] == 8
