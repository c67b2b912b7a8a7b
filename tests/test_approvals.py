"""审核 inbox: counts per kind for a staff member's community, and the text held by the check."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

COUNTS = "/api/v1/approvals/counts"
HELD = "/api/v1/approvals/held-requests"


def _ids(app):
    from app.auth.models import User
    from app.community.models import Community, Household
    from app.extensions import db
    from app.volunteering.models import Shift

    with app.app_context():
        users = dict(db.session.execute(sa.select(User.openid, User.id)).all())
        c1 = db.session.scalar(sa.select(Community.id).where(Community.name == "观湖社区"))
        household = next(h.id for h in db.session.scalars(sa.select(Household))
                         if h.community_id == c1)
        shift = next(s for s in db.session.scalars(sa.select(Shift))
                     if s.activity.community_id == c1)
        return users, c1, household, shift.id


def test_counts_follow_what_waits_and_what_is_decided(app, client, seeded, login):
    from app.common.timeutil import utcnow
    from app.extensions import db
    from app.volunteering.models import Attendance, Signup

    users, c1, household, shift_id = _ids(app)
    staff = login("demo-staff-1")
    before = client.get(COUNTS, headers=staff).get_json()
    assert before["community_id"] == c1

    # One of each: a binding, held text, a party registration, an on-site attendance and a 补录.
    newcomer = login("newcomer-1")
    binding = client.post("/api/v1/household-bindings", headers=newcomer,
                          json={"household_id": household, "relation": "tenant"}).get_json()
    resident = login("demo-resident-1")
    me = client.get("/api/v1/me", headers=resident).get_json()
    categories = client.get("/api/v1/categories?limit=100", headers=resident).get_json()["items"]
    held = client.post("/api/v1/requests", headers={**resident, "Idempotency-Key": "held-1"}, json={
        "category_id": categories[0]["id"], "household_id": me["households"][0]["household_id"],
        "description": "帮忙修一下门锁 [wechat-down]"}).get_json()
    assert held["content_held"] is True
    reg = client.post("/api/v1/party/registrations", headers=login("demo-resident-2"), json={
        "community_id": c1, "unit_name": "区供电公司", "roles": ["volunteer"]}).get_json()
    with app.app_context():
        now = utcnow()
        db.session.add(Attendance(shift_id=shift_id, user_id=users["demo-resident-3"],
                                  community_id=c1, status="partial", minutes=30,
                                  checked_in_at=now - timedelta(minutes=30), checked_out_at=now))
        # A 补录 is only for a volunteer signed up for the shift.
        db.session.add(Signup(shift_id=shift_id, user_id=users["demo-resident-2"],
                              status="confirmed"))
        db.session.commit()
    manual = client.post("/api/v1/attendances/manual", headers=staff, json={
        "shift_id": shift_id, "user_id": users["demo-resident-2"], "minutes": 60,
        "reason": "手机没电，现场登记"})
    assert manual.status_code == 201, manual.get_json()

    after = client.get(COUNTS, headers=staff).get_json()
    for kind in ("bindings", "content", "party", "attendances", "manual"):
        assert after[kind] == before[kind] + 1, kind
    assert after["total"] == before["total"] + 5

    # The 补录 list and the on-site list are apart.
    only_manual = client.get(f"/api/v1/attendances?community_id={c1}&manual=true",
                             headers=staff).get_json()["items"]
    assert [a["reason"] for a in only_manual] == ["手机没电，现场登记"]
    on_site = client.get(f"/api/v1/attendances?community_id={c1}&manual=false&status=partial",
                         headers=staff).get_json()["items"]
    assert all(not a["manual"] for a in on_site) and on_site

    listed = client.get(HELD, headers=staff).get_json()["items"]
    assert [r["id"] for r in listed] == [held["id"]]
    assert listed[0]["description"].startswith("帮忙修一下门锁")

    # Decided: each count goes back down.
    assert client.post(f"/api/v1/household-bindings/{binding['id']}/reject", headers=staff,
                       json={"note": "房号有误，请核对后重新申请"}).status_code == 200
    assert client.post(f"/api/v1/requests/{held['id']}/content/approve",
                       headers=staff).status_code == 200
    assert client.post(f"/api/v1/party/registrations/{reg['id']}/approve", headers=staff,
                       json={}).status_code == 200
    # Four eyes: whoever entered the 补录 does not approve it.
    assert client.post(f"/api/v1/attendances/{manual.get_json()['id']}/approve",
                       headers=login("demo-admin"), json={}).status_code == 200
    final = client.get(COUNTS, headers=staff).get_json()
    assert (final["bindings"], final["content"], final["party"], final["manual"]) == (
        before["bindings"], before["content"], before["party"], before["manual"])
    assert client.get(HELD, headers=staff).get_json()["items"] == []


def test_only_staff_of_the_community_and_admins_who_say_which(app, client, seeded, login):
    _, c1, _, _ = _ids(app)
    assert client.get(COUNTS, headers=login("demo-resident-1")).status_code == 403
    assert client.get(f"{COUNTS}?community_id={c1}",
                      headers=login("demo-staff-2")).status_code == 403
    admin = login("demo-admin")
    resp = client.get(COUNTS, headers=admin)
    assert resp.status_code == 422
    assert "community_id" in resp.get_json()["error"]["details"]["fields"]
    assert client.get(f"{COUNTS}?community_id={c1}", headers=admin).status_code == 200
    assert client.get(f"{HELD}?community_id={c1}",
                      headers=login("demo-staff-2")).status_code == 403


@pytest.mark.parametrize("query", ["community_id=abc", "limit=0"])
def test_bad_arguments_are_422(client, seeded, login, query):
    assert client.get(f"{HELD}?{query}", headers=login("demo-staff-1")).status_code == 422
