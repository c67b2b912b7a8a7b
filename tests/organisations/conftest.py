"""A small world for the governance domains: two communities of one street, 观湖社区 with a
formal compound, an old courtyard and scattered buildings, 昌达街社区 with one compound;
bound residents of each, staff, the street, 组织部, an admin; helpers that go through the API."""
import pytest
import sqlalchemy as sa

from app.common.timeutil import utcnow


class World:
    def __init__(self, app, client, login, make_user):
        self.app, self.client, self._login, self.make_user = app, client, login, make_user
        self._headers = {}
        self.users = {}
        self.homes = {}
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
            specs = {"garden": (c1, "观湖花园", "formal"),
                     "courtyard": (c1, "老粮站院落", "old_courtyard"),
                     "scattered": (c1, "滨河零散楼栋", "scattered"),
                     "c2garden": (c2, "昌达苑", "formal")}
            compounds = {}
            for key, (community, name, kind) in specs.items():
                compound = Compound(community_id=community.id, name=name, kind=kind)
                db.session.add(compound)
                db.session.flush()
                building = Building(compound_id=compound.id, name="1栋")
                db.session.add(building)
                db.session.flush()
                homes = [Household(building_id=building.id, unit="1", room=str(r))
                         for r in range(101, 107)]
                db.session.add_all(homes)
                db.session.flush()
                compounds[key] = compound.id
                self.homes[key] = [h.id for h in homes]
            db.session.commit()
            self.street, self.other_street = street.id, other.id
            self.c1, self.c2 = c1.id, c2.id
            self.compounds = compounds
        self.user("staff1", [("staff", {"community_id": self.c1})])
        self.user("staff2", [("staff", {"community_id": self.c2})])
        self.user("street1", [("street_admin", {"street_id": self.street})])
        self.user("street_other", [("street_admin", {"street_id": self.other_street})])
        self.user("orgdept", [("org_dept", {})])
        self.user("admin", [("admin", {})])
        self.resident("r_garden", "garden", 0)
        self.resident("r_garden2", "garden", 1)
        self.resident("r_courtyard", "courtyard", 0)
        self.resident("r_c2", "c2garden", 0)
        self.resident("r_pending", "garden", 2, status="pending")
        self.user("outsider")

    # -- people ---------------------------------------------------------------------------
    def user(self, name, roles=(), phone=None):
        if name not in self.users:
            self.users[name] = self.make_user(name, roles=roles, phone=phone)
        return self.users[name]

    def resident(self, name, compound, index, status="approved"):
        from app.community.models import Compound, HouseholdBinding
        from app.extensions import db

        uid = self.user(name)
        with self.app.app_context():
            community_id = db.session.get(Compound, self.compounds[compound]).community_id
            db.session.add(HouseholdBinding(
                user_id=uid, household_id=self.homes[compound][index],
                community_id=community_id, status=status))
            db.session.commit()
        return uid

    def h(self, name):
        self.user(name)
        if name not in self._headers:
            self._headers[name] = self._login(name)
        return self._headers[name]

    # -- HTTP -----------------------------------------------------------------------------
    def call(self, method, path, who, body=None, expect=None, headers=None):
        resp = self.client.open(f"/api/v1{path}", method=method,
                                json=body if method != "GET" else None,
                                headers={**self.h(who), **(headers or {})})
        if expect is not None:
            assert resp.status_code == expect, (method, path, resp.get_json())
        return resp.get_json()

    def post(self, path, who, body=None, expect=None, headers=None):
        return self.call("POST", path, who, body if body is not None else {}, expect, headers)

    def put(self, path, who, body, expect=None):
        return self.call("PUT", path, who, body, expect)

    def delete(self, path, who, expect=None):
        return self.call("DELETE", path, who, None, expect)

    def get(self, path, who, expect=200):
        return self.call("GET", path, who, None, expect)

    # -- bodies and seats ------------------------------------------------------------------
    def body(self, kind, compounds=("garden",), who="staff1", expect=201, formation=None,
             name=None, community=None):
        body = {"kind": kind, "name": name or f"{kind}-{len(compounds)}",
                "community_id": community or self.c1,
                "compound_ids": [self.compounds[c] for c in compounds]}
        if formation is not None:
            body["formation"] = formation
        elif kind == "compound_party":
            body["formation"] = "single" if len(compounds) == 1 else "joint"
        return self.post("/org-bodies", who, body, expect)

    def seat(self, body_id, person, role="member", who="staff1", expect=201, named_only=False,
             **extra):
        """`person` gets a seat; a user of that name unless `named_only` (a name alone)."""
        body = {"name": person, "role": role, **extra}
        if not named_only:
            body["user_id"] = self.user(person)
        return self.post(f"/org-bodies/{body_id}/seats", who, body, expect)

    def three_bodies(self, compound="garden"):
        """A party organisation, an owners' committee and a property company on the compound."""
        return (self.body("compound_party", (compound,))["id"],
                self.body("owners_committee", (compound,))["id"],
                self.body("property_company", (compound,))["id"])

    def upload(self, who, kind="jpeg"):
        """An uploaded file of `who` (a JPEG photo or a PDF); its id."""
        from tests.files.conftest import image_bytes, pdf_bytes, post_file

        data, name = (pdf_bytes(), "minutes.pdf") if kind == "pdf" else (image_bytes(),
                                                                           "photo.jpg")
        resp = post_file(self.client, self.h(who), data, name)
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["id"]

    def file_status(self, who, url_or_id):
        """The status of reading a file: by id with a Bearer token, or by a signed url."""
        if isinstance(url_or_id, int):
            return self.client.get(f"/api/v1/files/{url_or_id}", headers=self.h(who)).status_code
        return self.client.get(url_or_id).status_code

    def roles(self, who):
        return [r for r in self.get("/me", who)["roles"]
                if r["role"] in ("owners_committee", "property")]

    def db_value(self, stmt):
        from app.extensions import db

        with self.app.app_context():
            return db.session.execute(stmt).scalar()

    def db_exec(self, stmt):
        from app.extensions import db

        with self.app.app_context():
            db.session.execute(stmt)
            db.session.commit()

    def now(self):
        return utcnow()


@pytest.fixture
def world(app, client, login, make_user):
    return World(app, client, login, make_user)


__all__ = ["World", "sa"]
