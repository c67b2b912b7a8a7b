"""Hierarchy management, household binding, role grants — and their scopes."""
from decimal import Decimal

import pytest
import sqlalchemy as sa


def test_seed_demo_twice_changes_nothing(app, db):
    from app.auth.models import RoleGrant, User
    from app.community.models import Community, Household, HouseholdBinding

    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m))
              for m in (User, RoleGrant, Community, Household, HouseholdBinding)]
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "(0 new rows)" in second.output
    assert counts == [db.session.scalar(sa.select(sa.func.count()).select_from(m))
                      for m in (User, RoleGrant, Community, Household, HouseholdBinding)]
    names = db.session.scalars(sa.select(Community.name).order_by(Community.id)).all()
    assert names == ["观湖社区", "昌达街社区"]


def test_demo_resident_sees_household(client, seeded, login):
    me = client.get("/api/v1/me", headers=login("demo-resident-1")).get_json()
    assert me["households"][0]["status"] == "approved"
    assert me["households"][0]["community_id"] == 1
    assert "101" in me["households"][0]["address"]
    staff = client.get("/api/v1/me", headers=login("demo-staff-1")).get_json()
    assert {"role": "staff", "community_id": 1} in staff["roles"]


def _household_in(client, headers, community_id):
    compounds = client.get(f"/api/v1/communities/{community_id}/compounds",
                           headers=headers).get_json()["items"]
    buildings = client.get(f"/api/v1/compounds/{compounds[0]['id']}/buildings",
                           headers=headers).get_json()["items"]
    return client.get(f"/api/v1/buildings/{buildings[0]['id']}/households",
                      headers=headers).get_json()["items"][-1]["id"]


def test_binding_flow_approved_by_staff_of_that_community(client, seeded, login):
    resident = login("newcomer")
    hh = _household_in(client, resident, 1)
    resp = client.post("/api/v1/household-bindings", json={"household_id": hh}, headers=resident)
    assert resp.status_code == 201 and resp.get_json()["status"] == "pending"
    binding_id = resp.get_json()["id"]
    dup = client.post("/api/v1/household-bindings", json={"household_id": hh}, headers=resident)
    assert dup.status_code == 409 and dup.get_json()["error"]["code"] == "binding_exists"

    # staff of community 2 neither sees nor decides it
    staff2 = login("demo-staff-2")
    assert client.get("/api/v1/household-bindings?community_id=1",
                      headers=staff2).status_code == 403
    assert client.post(f"/api/v1/household-bindings/{binding_id}/approve", json={},
                       headers=staff2).status_code == 404
    # nor does the resident
    assert client.post(f"/api/v1/household-bindings/{binding_id}/approve", json={},
                       headers=resident).status_code == 403

    staff1 = login("demo-staff-1")
    pending = client.get("/api/v1/household-bindings?community_id=1",
                         headers=staff1).get_json()["items"]
    assert [b["id"] for b in pending] == [binding_id]
    ok = client.post(f"/api/v1/household-bindings/{binding_id}/approve", json={},
                     headers=staff1)
    assert ok.status_code == 200 and ok.get_json()["status"] == "approved"
    again = client.post(f"/api/v1/household-bindings/{binding_id}/reject", json={},
                        headers=staff1)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_transition"

    me = client.get("/api/v1/me", headers=resident).get_json()
    assert me["households"][0]["household_id"] == hh
    assert me["households"][0]["status"] == "approved"
    detail = client.get(f"/api/v1/households/{hh}", headers=resident)
    assert detail.status_code == 200 and "室" in detail.get_json()["address"]


def test_rejected_binding_can_be_asked_again(client, seeded, login):
    resident = login("newcomer2")
    hh = _household_in(client, resident, 1)
    bid = client.post("/api/v1/household-bindings", json={"household_id": hh},
                      headers=resident).get_json()["id"]
    client.post(f"/api/v1/household-bindings/{bid}/reject", json={"note": "信息不符"},
                headers=login("demo-staff-1"))
    again = client.post("/api/v1/household-bindings", json={"household_id": hh},
                        headers=resident)
    assert again.status_code == 201


def test_household_detail_hidden_from_others(client, seeded, login):
    me = client.get("/api/v1/me", headers=login("demo-resident-1")).get_json()
    hh = me["households"][0]["household_id"]
    for who in ("demo-resident-2", "demo-resident-3", "demo-staff-2", "demo-partner-1"):
        resp = client.get(f"/api/v1/households/{hh}", headers=login(who))
        assert resp.status_code == 404, who
        assert "address" not in resp.get_data(as_text=True)
    staff = client.get(f"/api/v1/households/{hh}", headers=login("demo-staff-1")).get_json()
    assert staff["residents"][0]["phone"] == "139****0001"


def test_lists_mask_phones_and_addresses(client, seeded, login):
    resident = login("masked-user")
    client.post("/api/v1/me/consents", json={"kind": "phone", "granted": True}, headers=resident)
    client.post("/api/v1/me/phone", json={"code": "test-phone:13911112222"}, headers=resident)
    hh = _household_in(client, resident, 1)
    client.post("/api/v1/household-bindings", json={"household_id": hh}, headers=resident)
    body = client.get("/api/v1/household-bindings?community_id=1",
                      headers=login("demo-staff-1")).get_data(as_text=True)
    assert "13911112222" not in body and "139****2222" in body
    item = client.get("/api/v1/household-bindings?community_id=1",
                      headers=login("demo-staff-1")).get_json()["items"][0]
    assert item["address"].endswith("****") and "室" not in item["address"]


def test_staff_manage_hierarchy_only_in_their_community(client, seeded, login):
    staff1, staff2 = login("demo-staff-1"), login("demo-staff-2")
    resp = client.post("/api/v1/communities/1/compounds",
                       json={"name": "新建小区", "kind": "formal"}, headers=staff1)
    assert resp.status_code == 201
    compound = resp.get_json()["id"]
    assert client.post("/api/v1/communities/1/compounds", json={"name": "x", "kind": "formal"},
                       headers=staff2).status_code == 403
    assert client.post(f"/api/v1/compounds/{compound}/buildings", json={"name": "9栋"},
                       headers=staff2).status_code == 403
    building = client.post(f"/api/v1/compounds/{compound}/buildings", json={"name": "9栋"},
                           headers=staff1).get_json()["id"]
    assert client.post(f"/api/v1/buildings/{building}/households", json={"room": "101"},
                       headers=staff2).status_code == 403
    assert client.post(f"/api/v1/buildings/{building}/households", json={"room": "101"},
                       headers=staff1).status_code == 201
    dup = client.post(f"/api/v1/buildings/{building}/households", json={"room": "101"},
                      headers=staff1)
    assert dup.status_code == 409
    grid = client.post("/api/v1/communities/1/grids", json={"name": "新网格"},
                       headers=staff1).get_json()["id"]
    other_grid = client.post("/api/v1/communities/2/grids", json={"name": "昌达新网格"},
                             headers=staff2).get_json()["id"]
    assert client.patch(f"/api/v1/buildings/{building}", json={"grid_id": grid},
                        headers=staff1).get_json()["grid_id"] == grid
    wrong = client.patch(f"/api/v1/buildings/{building}", json={"grid_id": other_grid},
                         headers=staff1)
    assert wrong.status_code == 409
    station = client.post("/api/v1/communities/1/stations",
                          json={"name": "新V站", "kind": "v_station", "lat": 29.3, "lng": 105.2},
                          headers=staff1)
    assert station.status_code == 201
    bad = client.post("/api/v1/communities/1/stations",
                      json={"name": "x", "kind": "v_station", "lat": 200, "lng": 105.2},
                      headers=staff1)
    assert bad.status_code == 422 and "lat" in bad.get_json()["error"]["details"]["fields"]
    assert client.post("/api/v1/communities/1/compounds", json={"name": "x", "kind": "formal"},
                       headers=login("demo-resident-1")).status_code == 403


def test_only_admin_creates_streets_and_communities(client, seeded, login):
    assert client.post("/api/v1/streets", json={"name": "金鹅街道"},
                       headers=login("demo-staff-1")).status_code == 403
    admin = login("demo-admin")
    street = client.post("/api/v1/streets", json={"name": "金鹅街道"}, headers=admin)
    assert street.status_code == 201
    community = client.post("/api/v1/communities",
                            json={"street_id": street.get_json()["id"], "name": "新社区"},
                            headers=admin)
    assert community.status_code == 201
    assert client.post("/api/v1/communities", json={"street_id": 999, "name": "x"},
                       headers=admin).status_code == 404


def _user_id(client, headers):
    return client.get("/api/v1/me", headers=headers).get_json()["id"]


def test_role_grants_are_scoped_and_recorded(client, seeded, login):
    target = login("future-volunteer")
    uid = _user_id(client, target)
    staff1, staff2, admin = login("demo-staff-1"), login("demo-staff-2"), login("demo-admin")

    # staff grant volunteer/party_member in their own community only
    assert client.post("/api/v1/roles/grants", json={"user_id": uid, "role": "volunteer",
                                                     "community_id": 1},
                       headers=staff2).status_code == 403
    resp = client.post("/api/v1/roles/grants",
                       json={"user_id": uid, "role": "volunteer", "community_id": 1},
                       headers=staff1)
    assert resp.status_code == 201
    grant = resp.get_json()
    assert grant["granted_by_id"] == _user_id(client, staff1) and grant["granted_at"]
    dup = client.post("/api/v1/roles/grants",
                      json={"user_id": uid, "role": "volunteer", "community_id": 1},
                      headers=staff1)
    assert dup.status_code == 409

    # staff cannot make staff; admin can
    assert client.post("/api/v1/roles/grants",
                       json={"user_id": uid, "role": "staff", "community_id": 1},
                       headers=staff1).status_code == 403
    made = client.post("/api/v1/roles/grants",
                       json={"user_id": uid, "role": "staff", "community_id": 2}, headers=admin)
    assert made.status_code == 201
    roles = client.get("/api/v1/me", headers=target).get_json()["roles"]
    assert {"role": "staff", "community_id": 2} in roles

    # a scope is required where the role has one, refused where it has none
    assert client.post("/api/v1/roles/grants", json={"user_id": uid, "role": "staff"},
                       headers=admin).status_code == 422
    assert client.post("/api/v1/roles/grants",
                       json={"user_id": uid, "role": "admin", "community_id": 1},
                       headers=admin).status_code == 422

    # revoke: staff-2 cannot touch community 1's grant; staff-1 can, and it is recorded
    assert client.delete(f"/api/v1/roles/grants/{grant['id']}",
                         headers=staff2).status_code == 403
    revoked = client.delete(f"/api/v1/roles/grants/{grant['id']}", headers=staff1).get_json()
    assert revoked["revoked_by_id"] == _user_id(client, staff1) and revoked["revoked_at"]
    assert client.delete(f"/api/v1/roles/grants/{grant['id']}",
                         headers=staff1).status_code == 409
    roles = client.get("/api/v1/me", headers=target).get_json()["roles"]
    assert {"role": "volunteer", "community_id": 1} not in roles

    listed = client.get("/api/v1/roles/grants?community_id=1", headers=staff1).get_json()
    assert any(g["id"] == grant["id"] and g["revoked_at"] for g in listed["items"])
    assert client.get("/api/v1/roles/grants?community_id=1",
                      headers=staff2).status_code == 403
    assert client.get("/api/v1/roles/grants", headers=staff1).status_code == 403


def test_a_grant_names_a_scope_that_exists(client, seeded, login, make_user):
    """Each kind of scope is checked by its owner: community and street here, partner by the
    catalog; an unknown one is 404 and nothing is granted."""
    admin = login("demo-admin")
    uid = make_user("scope-checked")
    for role, scope in (("staff", {"community_id": 999}), ("street_admin", {"street_id": 999}),
                        ("partner_member", {"partner_id": 999})):
        resp = client.post("/api/v1/roles/grants", headers=admin,
                           json={"user_id": uid, "role": role, **scope})
        assert resp.status_code == 404, (role, resp.get_json())
    listed = client.get("/api/v1/roles/grants", headers=admin).get_json()["items"]
    assert not [g for g in listed if g["user_id"] == uid]


def test_grant_role_leaves_who_may_grant_to_its_caller(app, seeded, make_user):
    """`auth.service.grant_role` is the one way to grant a role; who may grant it is decided
    by its caller (the route: admins and staff of the community; the mall: its merchant's
    staff), so it refuses nothing on the actor's account. It still checks the scope."""
    from app.auth.models import User
    from app.auth.service import grant_role
    from app.errors import NotFound
    from app.extensions import db

    uid = make_user("granted-by-a-caller")
    with app.app_context():
        staff = db.session.scalar(sa.select(User).where(User.openid == "demo-staff-1"))
        grant = grant_role(staff, uid, "staff", {"community_id": 1})
        assert (grant.role, grant.community_id, grant.granted_by_id) == ("staff", 1, staff.id)
        with pytest.raises(NotFound):
            grant_role(staff, uid, "volunteer", {"community_id": 999})
        db.session.rollback()


def test_revoked_staff_loses_power_at_once(client, seeded, login, db):
    from app.auth.models import RoleGrant, User

    staff1 = login("demo-staff-1")
    assert client.get("/api/v1/household-bindings?community_id=1",
                      headers=staff1).status_code == 200
    uid = db.session.scalar(sa.select(User.id).where(User.openid == "demo-staff-1"))
    grant = db.session.scalar(sa.select(RoleGrant).where(RoleGrant.user_id == uid))
    resp = client.delete(f"/api/v1/roles/grants/{grant.id}", headers=login("demo-admin"))
    assert resp.status_code == 200
    assert client.get("/api/v1/household-bindings?community_id=1",
                      headers=staff1).status_code == 403


@pytest.mark.parametrize("path", ["/api/v1/communities/999", "/api/v1/households/999",
                                  "/api/v1/compounds/999/buildings"])
def test_missing_objects_are_404(client, seeded, login, path):
    resp = client.get(path, headers=login("demo-staff-1"))
    assert resp.status_code == 404


def test_only_admins_set_a_communitys_ceilings_and_each_change_is_audited(client, seeded, login,
                                                                          db):
    from app.audit.models import AuditEntry
    from app.auth.models import User

    path = "/api/v1/communities/1/limits"
    body = {"max_points_per_hour": 25, "manual_budget_minutes": 600}
    for who in ("demo-staff-1", "demo-staff-2", "demo-resident-1"):
        assert client.patch(path, json=body, headers=login(who)).status_code == 403
    admin = login("demo-admin")
    before = client.get("/api/v1/communities/1", headers=admin).get_json()
    assert (before["max_points_per_hour"], before["manual_budget_minutes"]) == (30, 1200)
    resp = client.patch(path, json=body, headers=admin)
    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["max_points_per_hour"],
            resp.get_json()["manual_budget_minutes"]) == (25, 600)
    # Partial: the field not sent stays.
    resp = client.patch(path, json={"manual_budget_minutes": 900}, headers=admin)
    assert (resp.get_json()["max_points_per_hour"],
            resp.get_json()["manual_budget_minutes"]) == (25, 900)
    assert client.patch(path, json={"manual_budget_minutes": 900},
                        headers=admin).status_code == 200  # no change, nothing audited
    # Never above the platform's ceiling, never negative, never empty.
    resp = client.patch(path, json={"max_points_per_hour": 61}, headers=admin)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "points_ceiling_exceeded"
    assert client.patch(path, json={"manual_budget_minutes": -1},
                        headers=admin).status_code == 422
    assert client.patch(path, json={}, headers=admin).status_code == 422
    assert client.patch("/api/v1/communities/99/limits", json=body,
                        headers=admin).status_code == 404
    admin_id = db.session.scalar(sa.select(User.id).where(User.openid == "demo-admin"))
    entries = [(e.action, e.actor_id, e.target_type, e.target_id, e.details) for e in
               db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "config")
                                  .order_by(AuditEntry.id))]
    assert entries == [
        ("config", admin_id, "community", 1, {"changes": {"max_points_per_hour": [30, 25],
                                                          "manual_budget_minutes": [1200, 600]}}),
        ("config", admin_id, "community", 1, {"changes": {"manual_budget_minutes": [600, 900]}})]
    assert client.get("/api/v1/communities/2", headers=admin).get_json()[
        "max_points_per_hour"] == 30


def test_category_points_per_hour_stay_within_the_platform_ceiling(client, seeded, login,
                                                                   app, monkeypatch):
    admin = login("demo-admin")
    body = {"code": "night_care", "name": "夜间陪护", "payer": "community",
            "points_per_hour": 1000}
    resp = client.post("/api/v1/categories", json=body, headers=admin)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "points_ceiling_exceeded"
    assert resp.get_json()["error"]["details"]["max_points_per_hour"] == 60
    created = client.post("/api/v1/categories", json=dict(body, points_per_hour=60),
                          headers=admin)
    assert created.status_code == 201, created.get_json()
    category = created.get_json()["id"]
    resp = client.patch(f"/api/v1/categories/{category}", json=dict(body, points_per_hour=61),
                        headers=admin)
    assert resp.status_code == 422
    with monkeypatch.context() as m:
        m.setitem(app.config, "MAX_POINTS_PER_HOUR", 100)
        resp = client.patch(f"/api/v1/categories/{category}",
                            json=dict(body, points_per_hour=100), headers=admin)
        assert resp.status_code == 200 and resp.get_json()["points_per_hour"] == 100


def test_staff_set_a_buildings_gcj02_position_for_navigation(client, seeded, login):
    staff1, staff2 = login("demo-staff-1"), login("demo-staff-2")
    compound = client.get("/api/v1/communities/1/compounds", headers=staff1).get_json()["items"][0]
    building = client.get(f"/api/v1/compounds/{compound['id']}/buildings",
                          headers=staff1).get_json()["items"][0]
    assert building["lat"] is None and building["lng"] is None
    url = f"/api/v1/buildings/{building['id']}"
    moved = client.patch(url, json={"lat": 29.3372, "lng": 105.2926}, headers=staff1)
    assert moved.status_code == 200
    assert (moved.get_json()["lat"], moved.get_json()["lng"]) == (29.3372, 105.2926)
    assert client.patch(url, json={"lat": 29.3372, "lng": 105.2926},
                        headers=staff2).status_code == 403
    for half in ({"lat": 29.3}, {"lng": 105.2}, {"lat": 29.3, "lng": None}, {"lat": 91, "lng": 1}):
        resp = client.patch(url, json=half, headers=staff1)
        assert resp.status_code == 422, half
    cleared = client.patch(url, json={"lat": None, "lng": None}, headers=staff1).get_json()
    assert cleared["lat"] is None and cleared["lng"] is None



def test_staff_record_a_households_floor_area_exactly(client, seeded, login, db):
    from app.audit.models import AuditEntry
    from app.community.models import Household

    staff, other = login("demo-staff-1"), login("demo-staff-2")
    hh = _household_in(client, staff, 1)
    listed = client.get("/api/v1/buildings/1/households", headers=staff).get_json()["items"]
    assert listed[0]["area_m2"] == "89.50"   # seed-demo sets every area
    before = next(h["area_m2"] for h in listed if h["id"] == hh)
    path = f"/api/v1/households/{hh}"
    for bad in (0, -1, 89.555, "abc", 100000):
        resp = client.patch(path, json={"area_m2": bad}, headers=staff)
        assert resp.status_code == 422, (bad, resp.get_json())
    assert client.patch(path, json={"area_m2": 88.8}, headers=other).status_code == 404
    assert client.patch(path, json={"area_m2": 88.8},
                        headers=login("demo-resident-1")).status_code == 403
    resp = client.patch(path, json={"area_m2": 88.8}, headers=staff)
    assert resp.status_code == 200 and resp.get_json()["area_m2"] == "88.80"
    assert client.patch(path, json={}, headers=staff).get_json()["area_m2"] == "88.80"
    assert client.patch(path, json={"area_m2": "0.07"}, headers=staff).get_json()[
        "area_m2"] == "0.07"
    db.session.expire_all()
    assert db.session.get(Household, hh).area_m2 == Decimal("0.07")
    raw = db.session.execute(sa.text("SELECT area_m2 FROM households WHERE id = :id"),
                             {"id": hh}).scalar()
    assert raw == 7   # stored as an integer of 0.01 m²
    assert client.patch(path, json={"area_m2": None}, headers=staff).get_json()[
        "area_m2"] is None
    changes = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.target_type == "household", AuditEntry.target_id == hh,
        AuditEntry.action == "config").order_by(AuditEntry.id)).all()
    assert [c.details["area_m2"] for c in changes] == [
        [before, "88.80"], ["88.80", "0.07"], ["0.07", None]]
