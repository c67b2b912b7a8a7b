"""A small register for consultation tests.

Community c1 has compound A: building A1 with unit 1 (five households, rooms 101–105) and unit 2
(five households, 201–205), and building A2 (three households, no units). Community c2 has
compound B with one building. Every household of A1 has an area; A2's have none.

People: `staff1` (c1), `staff2` (c2), `street1` (the street of both), an owner `o-<room>` for
each household of A1 (but 105, which stays unbound: it votes on paper or not at all), a second
owner `o2-101` of 101, a family member `fam-101` of 101, an owner `a2-1` of A2's first
household and `outsider` bound in c2.
"""
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.common.timeutil import utcnow
from tests.factories import Actors

# room -> area in m²: unit 1 totals 500.00 m², unit 2 500.00 m²
UNIT1 = {"101": "150.00", "102": "90.00", "103": "90.00", "104": "90.00", "105": "80.00"}
UNIT2 = {"201": "100.00", "202": "100.00", "203": "100.00", "204": "100.00", "205": "100.00"}


class World(Actors):
    def __init__(self, app, client, login, make_user):
        super().__init__(app, client, login, make_user)
        self.hh = {}
        with self.places() as p:
            self.street = p.street("古湖街道")
            self.c1 = p.community(self.street, "观湖社区")
            self.c2 = p.community(self.street, "昌达街社区")
            self.compound = p.compound(self.c1, "观湖花园")
            self.other_compound = p.compound(self.c2, "昌达苑")
            self.a1 = p.building(self.compound, "1栋")
            self.a2 = p.building(self.compound, "2栋")
            self.b1 = p.building(self.other_compound, "A栋")
            for unit, rooms in (("1", UNIT1), ("2", UNIT2)):
                for room, area in rooms.items():
                    self.hh[room] = p.household(self.a1, unit, room, Decimal(area))
            for room in ("1", "2", "3"):
                self.hh[f"a2:{room}"] = p.household(self.a2, "", room)
            self.hh["b:101"] = p.household(self.b1, "1", "101", Decimal("80"))
        self.user("staff1", [("staff", {"community_id": self.c1})])
        self.user("staff2", [("staff", {"community_id": self.c2})])
        self.user("street1", [("street_admin", {"street_id": self.street})])
        for room in ("101", "102", "103", "104"):
            self.bind(f"o-{room}", room)
        for room in ("201", "202", "203", "204", "205"):
            self.bind(f"o-{room}", room)
        self.bind("o2-101", "101")
        self.bind("fam-101", "101", relation="family")
        self.bind("a2-1", "a2:1")
        self.bind("outsider", "b:101")

    def bind(self, name, room, relation="owner", status="approved"):
        """`name` bound to the household of `room` (a key of `hh`)."""
        community = self.c2 if room.startswith("b:") else self.c1
        return super().bind(name, self.hh[room], community, status=status, relation=relation)

    def consult(self, scope=None, rule=None, who="staff1", expect=201, opens=None,
                closes=None, **extra):
        now = utcnow()
        body = {"scope": scope or {"building_id": self.a1, "unit": "1"},
                "title": "加装电梯意见征询", "body": "请各户表决",
                "opens_at": (opens or now - timedelta(minutes=1)).isoformat(),
                "closes_at": (closes or now + timedelta(days=7)).isoformat(), **extra}
        if rule is not None:
            body["rule"] = rule
        resp = self.post("/consultations", who, body, expect)
        return resp.get_json()

    def vote(self, cid, who, room, choice="agree", expect=200):
        return self.post(f"/consultations/{cid}/vote", who,
                         {"household_id": self.hh[room], "choice": choice}, expect).get_json()

    def paper(self, cid, room, choice="agree", who="staff1", expect=201, file_id=None):
        body = {"household_id": self.hh[room], "choice": choice,
                "file_id": file_id or self.upload(who)}
        return self.post(f"/consultations/{cid}/paper-votes", who, body, expect).get_json()

    def end_window(self, cid):
        """Move the window into the past (as if its time had come)."""
        from app.consultations.models import Consultation
        from app.extensions import db

        now = utcnow()
        with self.app.app_context():
            db.session.execute(sa.update(Consultation).where(Consultation.id == cid).values(
                opens_at=now - timedelta(days=8), closes_at=now - timedelta(seconds=1)))
            db.session.commit()

    def tick(self, now=None):
        from app.consultations import jobs

        with self.app.app_context():
            return jobs.tick(now)

    def close(self, cid, who="staff1", expect=200):
        self.end_window(cid)
        return self.post(f"/consultations/{cid}/close", who, {}, expect).get_json()

    def set_area(self, key, area):
        from app.community.models import Household
        from app.extensions import db

        with self.app.app_context():
            db.session.get(Household, self.hh[key]).area_m2 = \
                None if area is None else Decimal(area)
            db.session.commit()


@pytest.fixture
def world(app, client, login, make_user):
    return World(app, client, login, make_user)
