"""社情民意 tests: the demo communities (without the demo's own reports), a grid worker for the
grid of 观湖花园 1栋 granted by staff through the API, a street admin, and helpers that go
through the API."""
import uuid

import pytest
import sqlalchemy as sa

from tests.files.conftest import image_bytes, post_file

GARDEN = ("观湖花园", "1栋")  # 观湖第一网格: has a grid worker here
COURTYARD = ("老粮站院落", "1栋")  # 观湖第二网格: no grid worker, so the community's staff


class Fb:
    def __init__(self, app, client, login, make_user):
        self.app, self.client, self._login, self.make_user = app, client, login, make_user
        self._headers = {}
        from app.community.models import Building, Community, Compound, Street
        from app.extensions import db

        with app.app_context():
            def building(compound, name):
                return db.session.scalar(
                    sa.select(Building).join(Compound, Compound.id == Building.compound_id)
                    .where(Compound.name == compound, Building.name == name))

            garden, courtyard = building(*GARDEN), building(*COURTYARD)
            self.garden, self.garden_grid = garden.id, garden.grid_id
            self.courtyard, self.courtyard_grid = courtyard.id, courtyard.grid_id
            self.c1 = garden.compound.community_id
            self.c2 = db.session.scalar(sa.select(Community.id).where(
                Community.name == "昌达街社区"))
            self.other_building = building("昌达苑", "A栋").id
            self.street = db.session.scalar(sa.select(Street.id).where(
                Street.name == "古湖街道"))
        self.grid_worker = self.make_user("grid-1")
        self.post("/roles/grants", "demo-staff-1", {
            "user_id": self.grid_worker, "role": "grid_worker", "grid_id": self.garden_grid},
            expect=201)
        self.make_user("street-1", roles=[("street_admin", {"street_id": self.street})])

    # -- plumbing ---------------------------------------------------------------------------
    def h(self, who):
        if who not in self._headers:
            self._headers[who] = self._login(who)
        return self._headers[who]

    def post(self, path, who, body=None, expect=None):
        resp = self.client.post(f"/api/v1{path}", json=body if body is not None else {},
                                headers=self.h(who))
        if expect is not None:
            assert resp.status_code == expect, (path, who, resp.get_json())
        return resp

    def get(self, path, who, expect=200, **query):
        resp = self.client.get(f"/api/v1{path}", headers=self.h(who), query_string=query)
        assert resp.status_code == expect, (path, who, resp.get_json())
        return resp.get_json()

    # -- reports ----------------------------------------------------------------------------
    def create(self, who="demo-resident-1", expect=201, where="garden", **over):
        body = {"community_id": self.c1, "category": "sanitation",
                "text": "1栋楼道堆放杂物，影响通行", **over}
        if where == "garden":
            body.setdefault("building_id", self.garden)
        elif where == "courtyard":
            body.setdefault("building_id", self.courtyard)
        resp = self.post("/feedback", who, body, expect)
        return resp.get_json()

    def do(self, fid, action, who, body=None, expect=200):
        path = action.replace("_", "-")
        return self.post(f"/feedback/{fid}/{path}", who, body or {}, expect).get_json()

    def view(self, fid, who="demo-staff-1"):
        return self.get(f"/feedback/{fid}", who)

    def events(self, fid, who="demo-staff-1"):
        return self.get(f"/feedback/{fid}/events", who)["items"]

    def to_state(self, state, who="demo-resident-1", where="garden", **over):
        """A fresh report in `state`, reached through the API."""
        handler = "grid-1" if where == "garden" else "demo-staff-1"
        fid = self.create(who, where=where, **over)["id"]
        if state == "open":
            return fid
        if state == "transferred":
            self.do(fid, "transfer", handler, {"reason": "需要街道协调"})
            return fid
        if state == "closed_unresolved":
            self.do(fid, "close_unresolved", "demo-staff-1", {"reason": "暂不具备条件"})
            return fid
        if state == "merged":
            into = self.create("demo-resident-2", where=where, text="同一个问题")["id"]
            self.do(fid, "merge", "demo-staff-1", {"into_id": into})
            return fid
        self.do(fid, "accept", handler)
        if state == "accepted":
            return fid
        self.do(fid, "resolve", handler, {"reply": "已清理完毕"})
        if state == "resolved":
            return fid
        if state == "reopened":
            self.do(fid, "reopen", who, {"reason": "没有清理干净"})
            return fid
        if state == "closed":
            self.do(fid, "rate", who, {"score": 5})
            return fid
        raise ValueError(state)

    def photo(self, who="demo-resident-1") -> int:
        resp = post_file(self.client, self.h(who), image_bytes())
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["id"]

    def set(self, fid, **values):
        """Move a report's stored times (ageing and deadlines)."""
        from app.extensions import db
        from app.feedback.models import Feedback

        with self.app.app_context():
            db.session.execute(sa.update(Feedback).where(Feedback.id == fid).values(**values))
            db.session.commit()

    def row(self, fid):
        from app.extensions import db
        from app.feedback.models import Feedback

        with self.app.app_context():
            report = db.session.get(Feedback, fid)
            db.session.expunge(report)
            return report

    def inbox(self, who):
        return [n for n in self.get("/notifications", who, limit=100)["items"]]

    def user_id(self, openid):
        from app.auth.models import User
        from app.extensions import db

        with self.app.app_context():
            return db.session.scalar(sa.select(User.id).where(User.openid == openid))

    def bind(self, openid, like="demo-resident-1"):
        """A new user bound (approved) to the household of `like`."""
        from app.auth.models import User
        from app.community.models import HouseholdBinding
        from app.extensions import db

        with self.app.app_context():
            model = db.session.scalar(sa.select(HouseholdBinding).join(
                User, User.id == HouseholdBinding.user_id).where(
                User.openid == like, HouseholdBinding.status == "approved"))
            user = User(openid=openid, nickname=openid)
            db.session.add(user)
            db.session.flush()
            db.session.add(HouseholdBinding(
                user_id=user.id, household_id=model.household_id,
                community_id=model.community_id, status="approved"))
            db.session.commit()
            return user.id

    def key(self):
        return {"Idempotency-Key": f"fb-{uuid.uuid4().hex}"}


@pytest.fixture
def fb(app, client, login, make_user):
    from app.demo import seed
    from app.extensions import db

    with app.app_context():
        seed(skip=("orders", "feedback", "stats"))
        db.session.commit()
    return Fb(app, client, login, make_user)
