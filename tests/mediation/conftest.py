"""A small world for mediation tests: two communities of one street, households, staff,
mediators, a street admin, a resident and a volunteer team; helpers that go through the API."""
import pytest

from tests.factories import Actors

PARTIES = [{"name": "张秀兰", "phone": "13911110001"}, {"name": "刘建国", "phone": "13922220002"}]


class World(Actors):
    def __init__(self, app, client, login, make_user):
        super().__init__(app, client, login, make_user)
        from app.volunteering.models import Team

        with self.places() as p:
            self.street, self.other_street = p.street("古湖街道"), p.street("另一街道")
            self.c1 = p.community(self.street, "观湖社区")
            self.c2 = p.community(self.street, "昌达街社区")
            compound, compound2 = p.compound(self.c1, "观湖花园"), p.compound(self.c2, "昌达苑")
            b1, b2 = p.building(compound, "1栋"), p.building(compound2, "A栋")
            self.h1, self.h2, self.h3 = p.households(b1, "1", ("101", "201", "301"))
            self.h_away = p.household(b2, "2", "502")
            self.team = p.add(Team(community_id=self.c1, kind="errand_team",
                                   name="观湖帮代办志愿队"))
            self.team2 = p.add(Team(community_id=self.c2, kind="errand_team",
                                    name="昌达帮代办志愿队"))
        self.user("staff1", [("staff", {"community_id": self.c1})])
        self.user("staff2", [("staff", {"community_id": self.c2})])
        self.user("med1", [("mediator", {"community_id": self.c1})])
        self.user("med2", [("mediator", {"community_id": self.c1})])
        self.user("med_c2", [("mediator", {"community_id": self.c2})])
        self.user("street1", [("street_admin", {"street_id": self.street})])
        self.user("street_other", [("street_admin", {"street_id": self.other_street})])
        self.user("resident")

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
