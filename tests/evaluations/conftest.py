"""A small world for evaluation tests: a community with bound residents, a party member and a
partner (both residents too), another community, staff, the street and 组织部; compound party
organisations are registered through the API when a test needs them."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.common.timeutil import utcnow
from tests.factories import Actors

RESIDENTS = [f"r{i}" for i in range(1, 8)]


class World(Actors):
    def __init__(self, app, client, login, make_user):
        super().__init__(app, client, login, make_user)
        from app.catalog.models import Partner
        from app.community.models import Community

        with self.places() as p:
            self.street, self.other_street = p.street("古湖街道"), p.street("另一街道")
            names = {p.community(self.street, "观湖社区"): "观湖社区",
                     p.community(self.street, "昌达街社区"): "昌达街社区"}
            self.c1, self.c2 = names
            self.homes, self.compounds = {}, {}
            for cid, name in names.items():
                self.compounds[cid] = p.compound(cid, f"{name}小区")
                building = p.building(self.compounds[cid], "1栋")
                self.homes[cid] = p.households(building, "1", range(101, 111))
            c1, c2 = (p.session.get(Community, cid) for cid in (self.c1, self.c2))
            self.p1 = p.add(Partner(name="观湖家电维修合作社", kind="craftsman",
                                    communities=[c1]))
            self.p2 = p.add(Partner(name="昌达助老中心", kind="social_org", communities=[c2]))
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
        self.bind(name, self.homes[community_id][index], community_id, status=status)

    def party_org(self, community_id=None, name="观湖社区小区党支部", kind="compound_party",
                  seated=()):
        """A body (by default a compound party organisation) registered by the community's
        staff on its compound, with a seat for each user named in `seated`; its id."""
        community_id = community_id or self.c1
        who = "staff1" if community_id == self.c1 else "staff2"
        body = {"kind": kind, "name": name, "community_id": community_id,
                "compound_ids": [self.compounds[community_id]]}
        if kind == "compound_party":
            body["formation"] = "single"
        body_id = self.post("/org-bodies", who, body, 201).get_json()["id"]
        for person in seated:
            self.post(f"/org-bodies/{body_id}/seats", who, {
                "user_id": self.user(person), "name": person, "role": "member"}, 201)
        return body_id

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


@pytest.fixture
def world(app, client, login, make_user):
    return World(app, client, login, make_user)
