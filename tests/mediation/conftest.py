"""A small world for mediation tests: two communities of one street, households, staff,
mediators, a street admin, a resident and a volunteer team; helpers that go through the API."""
import pytest

PARTIES = [{"name": "张秀兰", "phone": "13911110001"}, {"name": "刘建国", "phone": "13922220002"}]


class World:
    def __init__(self, app, client, login, make_user):
        self.app, self.client, self._login, self.make_user = app, client, login, make_user
        self._headers = {}
        self.users = {}
        from app.community.models import Building, Community, Compound, Household, Street
        from app.extensions import db
        from app.volunteering.models import Team

        with app.app_context():
            street = Street(name="古湖街道")
            other_street = Street(name="另一街道")
            db.session.add_all([street, other_street])
            db.session.flush()
            c1 = Community(street_id=street.id, name="观湖社区")
            c2 = Community(street_id=street.id, name="昌达街社区")
            db.session.add_all([c1, c2])
            db.session.flush()
            compound = Compound(community_id=c1.id, name="观湖花园", kind="formal")
            compound2 = Compound(community_id=c2.id, name="昌达苑", kind="formal")
            db.session.add_all([compound, compound2])
            db.session.flush()
            b1 = Building(compound_id=compound.id, name="1栋")
            b2 = Building(compound_id=compound2.id, name="A栋")
            db.session.add_all([b1, b2])
            db.session.flush()
            homes = [Household(building_id=b1.id, unit="1", room=r)
                     for r in ("101", "201", "301")]
            away = Household(building_id=b2.id, unit="2", room="502")
            db.session.add_all([*homes, away])
            team = Team(community_id=c1.id, kind="errand_team", name="观湖帮代办志愿队")
            team2 = Team(community_id=c2.id, kind="errand_team", name="昌达帮代办志愿队")
            db.session.add_all([team, team2])
            db.session.commit()
            self.street, self.other_street = street.id, other_street.id
            self.c1, self.c2 = c1.id, c2.id
            self.h1, self.h2, self.h3 = (h.id for h in homes)
            self.h_away = away.id
            self.team, self.team2 = team.id, team2.id
        self.user("staff1", [("staff", {"community_id": self.c1})])
        self.user("staff2", [("staff", {"community_id": self.c2})])
        self.user("med1", [("mediator", {"community_id": self.c1})])
        self.user("med2", [("mediator", {"community_id": self.c1})])
        self.user("med_c2", [("mediator", {"community_id": self.c2})])
        self.user("street1", [("street_admin", {"street_id": self.street})])
        self.user("street_other", [("street_admin", {"street_id": self.other_street})])
        self.user("resident")

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

    def open(self, who="med1", parties=None, expect=201, **extra):
        body = {"community_id": self.c1, "kind": "neighbour",
                "summary": "张秀兰反映楼上刘建国家夜间噪音，电话13922220002",
                "parties": parties if parties is not None else
                [{**PARTIES[0], "household_id": self.h1}, {**PARTIES[1], "household_id": self.h2}],
                **extra}
        resp = self.post("/mediations", who, body, expect)
        return resp.get_json()

    def session(self, case_id, who="med1", mediators=None, expect=201, at=None):
        from app.common.timeutil import utcnow

        body = {"at": at or utcnow().isoformat(), "notes": "双方到场，刘建国同意晚十点后关闭音响",
                "mediator_ids": mediators or [self.users["med1"]]}
        return self.post(f"/mediations/{case_id}/sessions", who, body, expect).get_json()

    def set_opened(self, case_id, when):
        """Move a case's opening time (tests of dates and ageing)."""
        import sqlalchemy as sa

        from app.extensions import db
        from app.mediation.models import MediationCase

        with self.app.app_context():
            db.session.execute(sa.update(MediationCase).where(MediationCase.id == case_id)
                               .values(opened_at=when))
            db.session.commit()


@pytest.fixture
def world(app, client, login, make_user):
    return World(app, client, login, make_user)
