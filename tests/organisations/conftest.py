"""A small world for the governance domains: two communities of one street, 观湖社区 with a
formal compound, an old courtyard and scattered buildings, 昌达街社区 with one compound;
bound residents of each, staff, the street, 组织部, an admin; helpers that go through the API."""
import pytest
import sqlalchemy as sa

from app.common.timeutil import utcnow
from tests.factories import Actors


class World(Actors):
    def __init__(self, app, client, login, make_user):
        super().__init__(app, client, login, make_user)
        self.homes, self.compounds, self.community_of = {}, {}, {}
        with self.places() as p:
            self.street, self.other_street = p.street("古湖街道"), p.street("另一街道")
            self.c1 = p.community(self.street, "观湖社区")
            self.c2 = p.community(self.street, "昌达街社区")
            specs = {"garden": (self.c1, "观湖花园", "formal"),
                     "courtyard": (self.c1, "老粮站院落", "old_courtyard"),
                     "scattered": (self.c1, "滨河零散楼栋", "scattered"),
                     "c2garden": (self.c2, "昌达苑", "formal")}
            for key, (community, name, kind) in specs.items():
                self.compounds[key] = p.compound(community, name, kind)
                self.community_of[key] = community
                building = p.building(self.compounds[key], "1栋")
                self.homes[key] = p.households(building, "1", range(101, 107))
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
    def resident(self, name, compound, index, status="approved"):
        return self.bind(name, self.homes[compound][index], self.community_of[compound],
                         status=status)

    # -- HTTP: every helper answers the response's JSON -----------------------------------
    def post(self, path, who, body=None, expect=None, headers=None):
        return self.call("POST", path, who, body if body is not None else {}, expect, headers)

    def put(self, path, who, body, expect=None):
        return self.call("PUT", path, who, body, expect)

    def delete(self, path, who, expect=None):
        return self.call("DELETE", path, who, None, expect)

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

    def file_status(self, who, url_or_id):
        """The status of reading a file: by id with a Bearer token, or by a signed url."""
        if isinstance(url_or_id, int):
            return self.client.get(f"/api/v1/files/{url_or_id}", headers=self.h(who)).status_code
        return self.client.get(url_or_id).status_code

    def roles(self, who):
        return [r for r in self.get("/me", who)["roles"]
                if r["role"] in ("owners_committee", "property")]

    def now(self):
        return utcnow()


@pytest.fixture
def world(app, client, login, make_user):
    return World(app, client, login, make_user)


__all__ = ["World", "sa"]
