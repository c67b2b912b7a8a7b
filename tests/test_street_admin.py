"""The street admin (街道管理员): a role scoped by street, granted by admins."""
import sqlalchemy as sa


def _street_id(app, community_id=1):
    from app.community.models import Community
    from app.extensions import db

    with app.app_context():
        return db.session.get(Community, community_id).street_id


def test_admin_grants_street_admin_scoped_by_street(client, seeded, login, make_user, app):
    admin, staff = login("demo-admin"), login("demo-staff-1")
    street = _street_id(app)
    uid = make_user("street-chief")
    body = {"user_id": uid, "role": "street_admin", "street_id": street}
    assert client.post("/api/v1/roles/grants", json=body, headers=staff).status_code == 403
    for bad in ({"community_id": 1}, {"street_id": street, "community_id": 1}, {}):
        resp = client.post("/api/v1/roles/grants", headers=admin,
                           json={"user_id": uid, "role": "street_admin", **bad})
        assert resp.status_code == 422, (bad, resp.get_json())
    resp = client.post("/api/v1/roles/grants", headers=admin,
                       json={**body, "street_id": 999})
    assert resp.status_code == 404
    made = client.post("/api/v1/roles/grants", json=body, headers=admin)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["street_id"] == street
    me = client.get("/api/v1/me", headers=login("street-chief")).get_json()
    assert {"role": "street_admin", "street_id": street} in me["roles"]


def test_street_scope_helper(app, seeded, make_user):
    from app.auth.models import User
    from app.auth.permissions import has_street_scope, street_ids
    from app.community.models import Street
    from app.extensions import db

    street = _street_id(app)
    uid = make_user("street-chief", roles=[("street_admin", {"street_id": street})])
    with app.app_context():
        other = Street(name="另一个街道")
        db.session.add(other)
        db.session.commit()
        chief = db.session.get(User, uid)
        assert street_ids(chief) == {street}
        assert has_street_scope(chief, street) and not has_street_scope(chief, other.id)
        admin = db.session.scalar(sa.select(User).where(User.openid == "demo-admin"))
        assert has_street_scope(admin, other.id)
        staff = db.session.scalar(sa.select(User).where(User.openid == "demo-staff-1"))
        assert not has_street_scope(staff, street)
