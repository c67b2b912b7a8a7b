"""A small register for consultation tests.

Community c1 has compound A: building A1 with unit 1 (five households, rooms 101–105) and unit 2
(five households, 201–205), and building A2 (three households, no units). Community c2 has
compound B with one building. Every household of A1 has an area; A2's have none.

People: `staff1` (c1), `staff2` (c2), `street1` (the street of both), an owner `o-<room>` for
each household of A1 (but 105, which stays unbound: it votes on paper or not at all), a second
owner `o2-101` of 101, a family member `fam-101` of 101, an owner `a2-1` of A2's first
household and `outsider` bound in c2.
"""
import io
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.common.timeutil import utcnow

# room -> area in m²: unit 1 totals 500.00 m², unit 2 500.00 m²
UNIT1 = {"101": "150.00", "102": "90.00", "103": "90.00", "104": "90.00", "105": "80.00"}
UNIT2 = {"201": "100.00", "202": "100.00", "203": "100.00", "204": "100.00", "205": "100.00"}


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (60, 40), (10, 120, 200)).save(buf, "JPEG")
    return buf.getvalue()


class World:
    def __init__(self, app, client, login, make_user):
        self.app, self.client, self._login, self.make_user = app, client, login, make_user
        self._headers = {}
        self.users = {}
        self.hh = {}
        from app.community.models import Building, Community, Compound, Household, Street
        from app.extensions import db

        with app.app_context():
            street = Street(name="古湖街道")
            db.session.add(street)
            db.session.flush()
            c1 = Community(street_id=street.id, name="观湖社区")
            c2 = Community(street_id=street.id, name="昌达街社区")
            db.session.add_all([c1, c2])
            db.session.flush()
            a = Compound(community_id=c1.id, name="观湖花园", kind="formal")
            b = Compound(community_id=c2.id, name="昌达苑", kind="formal")
            db.session.add_all([a, b])
            db.session.flush()
            a1 = Building(compound_id=a.id, name="1栋")
            a2 = Building(compound_id=a.id, name="2栋")
            b1 = Building(compound_id=b.id, name="A栋")
            db.session.add_all([a1, a2, b1])
            db.session.flush()
            for unit, rooms in (("1", UNIT1), ("2", UNIT2)):
                for room, area in rooms.items():
                    h = Household(building_id=a1.id, unit=unit, room=room,
                                  area_m2=Decimal(area))
                    db.session.add(h)
                    self.hh[room] = h
            for room in ("1", "2", "3"):
                h = Household(building_id=a2.id, unit="", room=room)
                db.session.add(h)
                self.hh[f"a2:{room}"] = h
            h = Household(building_id=b1.id, unit="1", room="101", area_m2=Decimal("80"))
            db.session.add(h)
            self.hh["b:101"] = h
            db.session.commit()
            self.c1, self.c2, self.street = c1.id, c2.id, street.id
            self.compound, self.other_compound = a.id, b.id
            self.a1, self.a2, self.b1 = a1.id, a2.id, b1.id
            self.hh = {k: h.id for k, h in self.hh.items()}
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
        from app.community.models import HouseholdBinding
        from app.extensions import db

        uid = self.user(name)
        with self.app.app_context():
            community = self.c2 if room.startswith("b:") else self.c1
            db.session.add(HouseholdBinding(user_id=uid, household_id=self.hh[room],
                                            community_id=community, relation=relation,
                                            status=status))
            db.session.commit()
        return uid

    def user(self, name, roles=()):
        if name not in self.users:
            self.users[name] = self.make_user(name, roles=roles)
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

    def upload(self, who="staff1") -> int:
        boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(jpeg()), "b.jpg")})
        resp = self.client.post("/api/v1/files", headers=self.h(who), data=body,
                                content_type=f"multipart/form-data; boundary={boundary}")
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["id"]

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

    def db_value(self, stmt):
        from app.extensions import db

        with self.app.app_context():
            return db.session.execute(stmt).scalar()

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
