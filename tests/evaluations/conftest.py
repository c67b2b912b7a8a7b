"""A small world for evaluation tests: a community with bound residents, a party member and a
partner (both residents too), another community, staff, the street and 组织部."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.common.timeutil import utcnow

RESIDENTS = [f"r{i}" for i in range(1, 8)]


class World:
    def __init__(self, app, client, login, make_user):
        self.app, self.client, self._login, self.make_user = app, client, login, make_user
        self._headers = {}
        self.users = {}
        from app.catalog.models import Partner
        from app.community.models import Building, Community, Compound, Household, Street
        from app.extensions import db

        with app.app_context():
            street, other = Street(name="古湖街道"), Street(name="另一街道")
            db.session.add_all([street, other])
            db.session.flush()
            c1 = Community(street_id=street.id, name="观湖社区")
            c2 = Community(street_id=street.id, name="昌达街社区")
            db.session.add_all([c1, c2])
            db.session.flush()
            homes = {}
            for community in (c1, c2):
                compound = Compound(community_id=community.id, name=f"{community.name}小区",
                                    kind="formal")
                db.session.add(compound)
                db.session.flush()
                building = Building(compound_id=compound.id, name="1栋")
                db.session.add(building)
                db.session.flush()
                homes[community.id] = []
                for room in range(101, 111):
                    home = Household(building_id=building.id, unit="1", room=str(room))
                    db.session.add(home)
                    homes[community.id].append(home)
            p1 = Partner(name="观湖家电维修合作社", kind="craftsman")
            p2 = Partner(name="昌达助老中心", kind="social_org")
            p1.communities, p2.communities = [c1], [c2]
            db.session.add_all([p1, p2])
            db.session.commit()
            self.street, self.other_street = street.id, other.id
            self.c1, self.c2, self.p1, self.p2 = c1.id, c2.id, p1.id, p2.id
            self.homes = {cid: [h.id for h in hs] for cid, hs in homes.items()}
        self.user("staff1", [("staff", {"community_id": self.c1})])
        self.user("staff2", [("staff", {"community_id": self.c2})])
        self.user("street1", [("street_admin", {"street_id": self.street})])
        self.user("street_other", [("street_admin", {"street_id": self.other_street})])
        self.user("orgdept", [("org_dept", {})])
        for i, name in enumerate(RESIDENTS):
            self.resident(name, self.c1, i)
        self.user("pm", [("party_member", {"community_id": self.c1})])
        self.resident("pm", self.c1, 7)
        self.user("pm_c2", [("party_member", {"community_id": self.c2})])
        self.user("pu", [("partner_member", {"partner_id": self.p1})])
        self.resident("pu", self.c1, 8)
        self.resident("r_c2", self.c2, 0)
        self.resident("r_pending", self.c1, 9, status="pending")

    def resident(self, name, community_id, index, status="approved"):
        from app.community.models import HouseholdBinding
        from app.extensions import db

        uid = self.user(name)
        with self.app.app_context():
            db.session.add(HouseholdBinding(
                user_id=uid, household_id=self.homes[community_id][index],
                community_id=community_id, status=status))
            db.session.commit()

    def user(self, name, roles=(), phone=None):
        if name not in self.users:
            self.users[name] = self.make_user(name, roles=roles, phone=phone)
        return self.users[name]

    def h(self, name):
        self.user(name)
        if name not in self._headers:
            self._headers[name] = self._login(name)
        return self._headers[name]

    def post(self, path, who, body=None, expect=None):
        resp = self.client.post(f"/api/v1{path}", json=body if body is not None else {},
                                headers=self.h(who))
        if expect is not None:
            assert resp.status_code == expect, (path, resp.get_json())
        return resp

    def get(self, path, who, expect=200):
        resp = self.client.get(f"/api/v1{path}", headers=self.h(who))
        assert resp.status_code == expect, (path, resp.get_json())
        return resp.get_json()

    def targets(self):
        return [{"kind": "party_member", "id": self.users["pm"]},
                {"kind": "partner", "id": self.p1}]

    def campaign(self, targets=None, who="staff1", expect=201, opens=None, closes=None,
                 **extra):
        now = utcnow()
        body = {"community_id": self.c1, "title": "2026年度评议",
                "opens_at": (opens or now - timedelta(hours=1)).isoformat(),
                "closes_at": (closes or now + timedelta(days=7)).isoformat(),
                "targets": targets if targets is not None else self.targets(), **extra}
        return self.post("/evaluations", who, body, expect).get_json()

    def target_id(self, campaign, kind):
        return next(t["id"] for t in campaign["targets"] if t["kind"] == kind)

    def score(self, campaign_id, who, target_id, score=5, expect=200, comment=None):
        body = {"target_id": target_id, "score": score}
        if comment is not None:
            body["comment"] = comment
        return self.post(f"/evaluations/{campaign_id}/scores", who, body, expect).get_json()

    def set_window(self, campaign_id, opens, closes):
        from app.evaluations.models import Campaign
        from app.extensions import db

        with self.app.app_context():
            db.session.execute(sa.update(Campaign).where(Campaign.id == campaign_id)
                               .values(opens_at=opens, closes_at=closes))
            db.session.commit()

    def close(self, campaign_id):
        now = utcnow()
        self.set_window(campaign_id, now - timedelta(days=8), now - timedelta(minutes=1))

    def db_value(self, stmt):
        from app.extensions import db

        with self.app.app_context():
            return db.session.execute(stmt).scalar()


@pytest.fixture
def world(app, client, login, make_user):
    return World(app, client, login, make_user)
