"""Builders of test worlds, shared by every test package.

Three kinds of world, one set of parts:
- a world of its own (`Actors` + `places()`): streets, communities, compounds and households
  built by hand, people created by name on first use and logged in through the API
  (volunteering, mediation, evaluations, organisations, consultations and the packages built on
  them);
- the demo world (`seed_demo` + `Flow`): the demo communities and identities, driven through
  the API (orders, files, feedback);
- the ledger world (`Bank`): users with points granted through the time bank's service, and
  tokens issued directly (time bank, mall).

Every builder writes through the app's models or services in its own app context and commits,
so that what a test then does through the API sees it.
"""
import io
import uuid
from contextlib import contextmanager

import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

GPS = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}


# -- files -----------------------------------------------------------------------------------
def image_bytes(fmt="JPEG", size=(120, 80), mode="RGB", color=(200, 30, 30), exif=None,
                **save) -> bytes:
    buf = io.BytesIO()
    img = Image.new(mode, size, color if mode != "1" else 0)
    if exif is not None:
        save["exif"] = exif
    img.save(buf, fmt, **save)
    return buf.getvalue()


def phone_photo(size=(120, 80)) -> bytes:
    """A JPEG as a phone takes it: maker, orientation 6 (turned 90°) and a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 6
    exif[0x8825] = GPS
    return image_bytes("JPEG", size=size, exif=exif)


def pdf_bytes(body: bytes = b"") -> bytes:
    return (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + body +
            b"\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Root 1 0 R >>\n"
            b"startxref\n9\n%%EOF\n")


def post_file(client, headers, data: bytes, filename="photo.jpg", field="file"):
    """POST /files with a multipart body built in memory (the test client would spool a large
    body to a temporary file it never closes)."""
    boundary, body = encode_multipart({field: FileStorage(io.BytesIO(data), filename)})
    return client.post("/api/v1/files", headers=headers or {}, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


# -- places ----------------------------------------------------------------------------------
class Register:
    """Adds places to the register in one session; each call flushes and returns the id, so
    ids follow the order of the calls."""

    def __init__(self, session):
        self.session = session

    def add(self, row):
        self.session.add(row)
        self.session.flush()
        return row.id

    def street(self, name="古湖街道") -> int:
        from app.community.models import Street

        return self.add(Street(name=name))

    def community(self, street_id, name) -> int:
        from app.community.models import Community

        return self.add(Community(street_id=street_id, name=name))

    def grid(self, community_id, name) -> int:
        from app.community.models import Grid

        return self.add(Grid(community_id=community_id, name=name))

    def compound(self, community_id, name, kind="formal") -> int:
        from app.community.models import Compound

        return self.add(Compound(community_id=community_id, name=name, kind=kind))

    def building(self, compound_id, name="1栋", **extra) -> int:
        from app.community.models import Building

        return self.add(Building(compound_id=compound_id, name=name, **extra))

    def household(self, building_id, unit, room, area_m2=None) -> int:
        from app.community.models import Household

        return self.add(Household(building_id=building_id, unit=unit, room=room,
                                  area_m2=area_m2))

    def households(self, building_id, unit, rooms) -> list[int]:
        return [self.household(building_id, unit, str(room)) for room in rooms]


# -- a world of its own ---------------------------------------------------------------------
class Actors:
    """People of a test world by name, their logins, and the API as them.

    With `creates_users` (the default) a name is a user created on first use; in the demo
    world names are the demo openids, which exist already.
    """

    creates_users = True

    def __init__(self, app, client, login, make_user):
        self.app, self.client, self._login, self.make_user = app, client, login, make_user
        self._headers = {}
        self.users = {}

    # -- people -------------------------------------------------------------------------------
    def user(self, name, roles=(), phone=None):
        if name not in self.users:
            self.users[name] = self.make_user(name, roles=roles, phone=phone)
        return self.users[name]

    def h(self, name):
        if self.creates_users:
            self.user(name)
        if name not in self._headers:
            self._headers[name] = self._login(name)
        return self._headers[name]

    def forget_logins(self):
        """Log in afresh (after a frozen clock jumped further than a token lives)."""
        self._headers.clear()

    def bind(self, name, household_id, community_id, status="approved", **extra):
        """`name` (created if need be) bound to a household; the user's id."""
        from app.community.models import HouseholdBinding
        from app.extensions import db

        uid = self.user(name)
        with self.app.app_context():
            db.session.add(HouseholdBinding(user_id=uid, household_id=household_id,
                                            community_id=community_id, status=status, **extra))
            db.session.commit()
        return uid

    def bind_like(self, openid, like="demo-resident-1") -> int:
        """A new user bound (approved) to the household of `like`; its id."""
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

    def user_id(self, openid):
        from app.auth.models import User

        return self.db_value(sa.select(User.id).where(User.openid == openid))

    # -- places -------------------------------------------------------------------------------
    @contextmanager
    def places(self):
        """A `Register` in one transaction, committed at the end of the block."""
        from app.extensions import db

        with self.app.app_context():
            yield Register(db.session)
            db.session.commit()

    # -- HTTP ---------------------------------------------------------------------------------
    def send(self, method, path, who, body=None, expect=None, headers=None, query=None):
        """The response to `method path` sent by `who`; with `expect`, its status is checked."""
        resp = self.client.open(f"/api/v1{path}", method=method, json=body,
                                query_string=query,
                                headers={**self.h(who), **(headers or {})})
        if expect is not None:
            assert resp.status_code == expect, (method, path, who, resp.get_json())
        return resp

    def call(self, method, path, who, body=None, expect=None, headers=None):
        """As `send`, the response's JSON."""
        return self.send(method, path, who, body, expect, headers).get_json()

    def post(self, path, who, body=None, expect=None, headers=None):
        return self.send("POST", path, who, body if body is not None else {}, expect, headers)

    def get(self, path, who, expect=200, **query):
        return self.send("GET", path, who, None, expect, query=query or None).get_json()

    def upload(self, who, kind="jpeg") -> int:
        """An uploaded file of `who` (a JPEG photo or a PDF); its id."""
        data, name = (pdf_bytes(), "minutes.pdf") if kind == "pdf" else (image_bytes(),
                                                                           "photo.jpg")
        resp = post_file(self.client, self.h(who), data, name)
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["id"]

    # -- the database -------------------------------------------------------------------------
    def db_value(self, stmt):
        from app.extensions import db

        with self.app.app_context():
            return db.session.execute(stmt).scalar()

    def db_exec(self, stmt):
        from app.extensions import db

        with self.app.app_context():
            db.session.execute(stmt)
            db.session.commit()


# -- the demo world --------------------------------------------------------------------------
def seed_demo(app, skip=("orders", "feedback", "stats")):
    """The demo data without the demo requests, 社情民意 reports and the figures' 13 months of
    history (by default), so each test owns every request and report it sees and every message
    in its inboxes."""
    from app.demo import seed
    from app.extensions import db

    with app.app_context():
        seed(skip=skip)
        db.session.commit()


class Flow(Actors):
    """Drives service requests through the API as the demo identities."""

    creates_users = False

    def __init__(self, client, login, app, make_user=None):
        super().__init__(app, client, login, make_user)

    def keyed(self, who):
        """Headers for an order: creating one requires a fresh Idempotency-Key."""
        return {**self.h(who), "Idempotency-Key": f"flow-{uuid.uuid4().hex}"}

    def category(self, code):
        from app.catalog.models import ServiceCategory

        return self.db_value(sa.select(ServiceCategory.id).where(ServiceCategory.code == code))

    def household(self, who):
        me = self.client.get("/api/v1/me", headers=self.h(who)).get_json()
        return me["households"][0]["household_id"]

    def create(self, code="appliance_repair", who="demo-resident-1", description="空调不制冷",
               expect=201):
        resp = self.client.post("/api/v1/requests", headers=self.keyed(who), json={
            "category_id": self.category(code), "household_id": self.household(who),
            "description": description})
        assert resp.status_code == expect, resp.get_json()
        return resp.get_json()

    def do(self, rid, action, who, body=None, expect=200):
        resp = self.client.post(f"/api/v1/requests/{rid}/{action}", headers=self.h(who),
                                json=body or {})
        assert resp.status_code == expect, (action, who, resp.get_json())
        return resp.get_json()

    def get(self, rid, who="demo-staff-1"):
        """A request as `who` sees it (not `Actors.get`: a flow reads requests by id)."""
        return self.client.get(f"/api/v1/requests/{rid}", headers=self.h(who)).get_json()

    def events(self, rid, who="demo-staff-1"):
        return self.client.get(f"/api/v1/requests/{rid}/events",
                               headers=self.h(who)).get_json()["items"]

    def partner_id(self, name_part="家电"):
        from app.catalog.models import Partner

        return self.db_value(sa.select(Partner.id).where(Partner.name.contains(name_part)))

    def balance(self, who):
        return self.client.get("/api/v1/timebank/account",
                               headers=self.h(who)).get_json()["balance"]

    def to_state(self, state, code="appliance_repair"):
        """A fresh request in `state`, reached through the API."""
        rid = self.create(code)["id"]
        p = self.partner_id("家电" if code in ("appliance_repair", "plumbing") else "助老")
        member = "demo-partner-1" if code in ("appliance_repair", "plumbing") \
            else "demo-partner-2"
        if state == "submitted":
            return rid
        if state == "pooled":
            self.do(rid, "dispatch", "demo-staff-1", {"pool": True})
            return rid
        if state == "cancelled":
            self.do(rid, "cancel", "demo-resident-1", {"reason": "不需要了"})
            return rid
        self.do(rid, "dispatch", "demo-staff-1", {"partner_id": p})
        if state == "dispatched":
            return rid
        self.do(rid, "accept", member)
        if state == "accepted":
            return rid
        self.do(rid, "start", member)
        if state == "in_service":
            return rid
        self.do(rid, "complete", member, {"minutes": 90, "note": "已更换电容"})
        if state == "completed":
            return rid
        if state == "confirmed":
            self.do(rid, "confirm", "demo-resident-1", {"rating": 5})
            return rid
        if state == "disputed":
            self.do(rid, "dispute", "demo-resident-1", {"reason": "还是不制冷"})
            return rid
        raise ValueError(state)


# -- the ledger world ------------------------------------------------------------------------
class Bank:
    """Builds ledger fixtures through the service layer (never by writing balances)."""

    def __init__(self, app):
        self.app = app
        self._communities: dict[str, int] = {}
        self._n = 0

    def _session(self):
        from app.extensions import db

        return db.session

    def community(self, name: str = "测试社区") -> int:
        if name not in self._communities:
            from app.community.models import Street

            with self.app.app_context():
                s = self._session()
                places = Register(s)
                street = s.scalar(sa.select(Street.id).where(Street.name == "测试街道"))
                if street is None:
                    street = places.street("测试街道")
                self._communities[name] = places.community(street, name)
                s.commit()
        return self._communities[name]

    def user(self, openid: str | None = None, points: int = 0, roles=()) -> int:
        from app.auth.models import RoleGrant, User
        from app.timebank import service

        self._n += 1
        openid = openid or f"tb-user-{self._n}"
        community_id = self.community()
        with self.app.app_context():
            s = self._session()
            user = User(openid=openid, nickname=f"用户{self._n}")
            s.add(user)
            s.flush()
            for role, scope in roles:
                s.add(RoleGrant(user_id=user.id, role=role, **scope))
            if points:
                service.grant_from_community(community_id=community_id, user_id=user.id,
                                             points=points, key=f"test:grant:{user.id}")
            s.commit()
            return user.id

    def headers(self, user_id: int) -> dict:
        from app.auth.models import User
        from app.auth.tokens import issue_token

        with self.app.app_context():
            token, _ = issue_token(self._session().get(User, user_id))
            self._session().commit()
        return {"Authorization": f"Bearer {token}"}

    def balance(self, user_id: int) -> int:
        from app.timebank import service

        with self.app.app_context():
            return service.balance(user_id)

    def scalar(self, stmt):
        with self.app.app_context():
            return self._session().scalar(stmt)

    def count(self, model, *where) -> int:
        return self.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    def verify(self) -> dict:
        from app.timebank.verify import verify

        with self.app.app_context():
            return verify()
