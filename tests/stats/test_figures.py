"""Every figure of the summary against the hand-counted world; series; periods; who may read."""
import pytest

from tests.stats.conftest import EXPECTED, FROM, STREET_EXTRA, TO

FIGURES = ("services_done", "problems_solved", "disputes", "disputes_change_yoy",
           "volunteer_minutes_verified", "volunteer_minutes_manual", "activities_held",
           "points_issued", "points_redeemed", "points_outstanding", "party_members_registered",
           "consultations_passed", "elevators_in_service", "projects_done", "households_served")


def get(client, login, who, path, **query):
    return client.get(f"/api/v1{path}", headers=login(who) if who else {},
                      query_string=query)


def test_every_figure_of_the_contract_is_there(client, login, world):
    body = get(client, login, "demo-staff-1", "/stats/summary", community_id=world.c1,
               **{"from": FROM, "to": TO}).get_json()
    assert set(body["figures"]) == set(FIGURES)
    assert body["scope"] == {"kind": "community", "id": world.c1, "name": "观湖社区"}
    assert (body["from"], body["to"]) == (FROM, TO)


def test_each_figure_of_a_community_matches_the_hand_count(client, login, world):
    body = get(client, login, "demo-staff-1", "/stats/summary", community_id=world.c1,
               **{"from": FROM, "to": TO}).get_json()
    wrong = {name: (body["figures"][name], EXPECTED[name]) for name in FIGURES
             if body["figures"][name] != EXPECTED[name]}
    assert wrong == {}, "(got, counted by hand)"
    assert body["unavailable"] == {}


def test_a_street_adds_its_communities(client, login, world, make_user):
    make_user("street-1", roles=[("street_admin", {"street_id": world.street})])
    body = get(client, login, "street-1", "/stats/summary", street_id=world.street,
               **{"from": FROM, "to": TO}).get_json()
    assert body["scope"]["kind"] == "street" and body["scope"]["name"] == "古湖街道"
    expected = {name: EXPECTED[name] + STREET_EXTRA.get(name, 0) for name in FIGURES}
    assert body["figures"] == expected


def test_year_on_year_without_a_base_is_null_with_its_reason(client, login, world):
    body = get(client, login, "demo-staff-1", "/stats/summary", community_id=world.c1,
               **{"from": "2024-01-01", "to": "2024-12-31"}).get_json()
    assert body["figures"]["disputes"] == 5
    assert body["figures"]["disputes_change_yoy"] is None
    assert "去年同期" in body["unavailable"]["disputes_change_yoy"]


def test_to_is_included_in_shanghai_dates(client, login, world):
    """The last day's evening counts; a few minutes after midnight in Shanghai do not."""
    one_day = {"from": "2025-12-31", "to": "2025-12-31"}
    body = get(client, login, "demo-staff-1", "/stats/summary", community_id=world.c1,
               **one_day).get_json()
    assert body["figures"]["services_done"] == 1
    assert body["figures"]["problems_solved"] == 1
    body = get(client, login, "demo-staff-1", "/stats/summary", community_id=world.c1,
               **{"from": "2026-01-01", "to": "2026-01-01"}).get_json()
    assert body["figures"]["services_done"] == 1
    assert body["figures"]["problems_solved"] == 1


def test_series_has_one_item_per_month_and_sums_to_the_figure(client, login, world):
    body = get(client, login, "demo-staff-1", "/stats/series", community_id=world.c1,
               metric="services_done", **{"from": FROM, "to": TO}).get_json()
    assert body["metric"] == "services_done"
    assert [i["month"] for i in body["items"]] == [f"2025-{m:02d}" for m in range(1, 13)]
    values = {i["month"]: i["value"] for i in body["items"]}
    assert values["2025-01"] == 1 and values["2025-06"] == 1 and values["2025-12"] == 1
    assert sum(values.values()) == EXPECTED["services_done"]
    minutes = get(client, login, "demo-staff-1", "/stats/series", community_id=world.c1,
                  metric="volunteer_minutes_verified", **{"from": FROM, "to": TO}).get_json()
    assert {i["month"]: i["value"] for i in minutes["items"]}["2025-04"] == 90


@pytest.mark.parametrize("metric", ["disputes_change_yoy", "points_outstanding", "nope"])
def test_series_only_of_counts(client, login, base, metric):
    resp = get(client, login, "demo-staff-1", "/stats/series", community_id=base.c1,
               metric=metric)
    assert resp.status_code == 422


@pytest.mark.parametrize("query", [
    {}, {"community_id": 1, "street_id": 1}, {"community_id": 1, "from": "2025-02-01",
                                              "to": "2025-01-01"},
    {"community_id": 1, "from": "2020-01-01", "to": "2025-01-01"},
    {"community_id": 1, "from": "bad"},
])
def test_bad_periods_and_scopes_are_422(client, login, base, query):
    resp = get(client, login, "demo-admin", "/stats/summary", **query)
    assert resp.status_code == 422, resp.get_json()
    assert "error" in resp.get_json()


def test_default_period_is_the_last_12_full_months(client, login, base):
    import time_machine

    with time_machine.travel("2026-03-15 12:00:00+08:00", tick=False):
        body = get(client, login, "demo-staff-1", "/stats/summary",
                   community_id=base.c1).get_json()
    assert (body["from"], body["to"]) == ("2025-03-01", "2026-02-28")


@pytest.mark.parametrize("who, scope, status", [
    ("demo-staff-1", "c1", 200), ("staff-2", "c1", 403), ("street-1", "c1", 200),
    ("org-1", "c1", 200), ("demo-admin", "c1", 200), ("nobody", "c1", 403),
    ("demo-resident-1", "c1", 403), ("demo-staff-1", "street", 403),
    ("street-1", "street", 200), ("org-1", "street", 200), (None, "c1", 401),
])
def test_who_may_read(client, login, people, who, scope, status):
    query = {"community_id": people.c1} if scope == "c1" else {"street_id": people.street}
    for path, extra in (("/stats/summary", {}), ("/stats/series", {"metric": "disputes"})):
        resp = get(client, login, who, path, **query, **extra)
        assert resp.status_code == status, (path, resp.get_json())
        if status != 200:
            assert "figures" not in resp.get_json() and "items" not in resp.get_json()


def test_an_unknown_community_is_404(client, login, base):
    assert get(client, login, "demo-admin", "/stats/summary",
               community_id=9999).status_code == 404
