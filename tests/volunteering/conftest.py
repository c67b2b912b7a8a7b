"""A small world for volunteering tests: two communities, their staff, a few volunteers, and a
helper that drives activities, shifts and check-ins through the API."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import Actors

# 观湖志愿V站, where the demo and most tests put their shifts.
SITE = (29.3401, 105.2893)
# Metres per degree of latitude on the sphere used by the geofence.
M_PER_DEG_LAT = 6_371_008.8 * 3.141592653589793 / 180
# A fixed instant (10:00 in Shanghai) that time-frozen tests start from.
T0 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def north_of(lat_lng, metres):
    return lat_lng[0] + metres / M_PER_DEG_LAT, lat_lng[1]


class World(Actors):
    def __init__(self, app, client, login, make_user):
        super().__init__(app, client, login, make_user)
        with self.places() as p:
            street = p.street("古湖街道")
            self.c1, self.c2 = p.community(street, "观湖社区"), p.community(street, "昌达街社区")
            self.grid1 = p.grid(self.c1, "观湖第一网格")
            self.grid2 = p.grid(self.c2, "昌达第一网格")
            compound = p.compound(self.c1, "老粮站院落", "old_courtyard")
            compound2 = p.compound(self.c2, "昌达苑")
            b1, b2 = p.building(compound, "1栋"), p.building(compound2, "A栋")
            self.home1 = p.household(b1, "", "3")
            self.home2 = p.household(b2, "2", "502")
        self.user("staff1", [("staff", {"community_id": self.c1})])
        self.user("staff1b", [("staff", {"community_id": self.c1})])
        self.user("staff2", [("staff", {"community_id": self.c2})])

    # -- API helpers -------------------------------------------------------------------
    def activity(self, shifts, community=None, auto_approve=False, who="staff1", **extra):
        body = {"community_id": community or self.c1, "title": "便民服务日",
                "auto_approve": auto_approve, "shifts": shifts, **extra}
        resp = self.client.post("/api/v1/activities", json=body, headers=self.h(who))
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    def shift(self, start, minutes=120, capacity=5, code_required=True, auto_approve=False,
              radius_m=200, points_per_hour=10, roles=(), community=None):
        """One activity with one shift starting at `start` (aware datetime), created by staff
        of its community; the shift dict."""
        spec = {"starts_at": start.isoformat(),
                "ends_at": (start + timedelta(minutes=minutes)).isoformat(),
                "capacity": capacity, "location_name": "观湖志愿V站", "lat": SITE[0],
                "lng": SITE[1], "radius_m": radius_m, "points_per_hour": points_per_hour,
                "code_required": code_required, "required_roles": list(roles)}
        who = "staff2" if community == self.c2 else "staff1"
        return self.activity([spec], community=community, auto_approve=auto_approve,
                             who=who)["shifts"][0]

    def past_shift(self, start, minutes=120, signups=(), **kw):
        """A shift that ran at `start` (in the past), with `signups` confirmed on it: created
        and signed up ahead of time, then moved to `start`, as shifts are never created
        back-dated."""
        from app.common.timeutil import utcnow
        from app.extensions import db
        from app.volunteering.models import Shift

        now = utcnow()
        # Ahead of now by as much as `start` is behind it: past shifts that do not overlap
        # are created without overlapping either.
        shift = self.shift(now + (now - start) + timedelta(days=1), minutes=minutes, **kw)
        for who in signups:
            self.signup(shift["id"], who)
        with self.app.app_context():
            db.session.execute(sa.update(Shift).where(Shift.id == shift["id"]).values(
                starts_at=start, ends_at=start + timedelta(minutes=minutes)))
            db.session.commit()
        return shift

    def signup(self, shift_id, who, expect=201):
        return self.post(f"/shifts/{shift_id}/signup", who, expect=expect).get_json()

    def code(self, shift_id, who="staff1"):
        return self.get(f"/shifts/{shift_id}/checkin-code", who)["code"]

    def checkin(self, shift_id, who, at=SITE, code="auto", expect=None):
        body = {"lat": at[0], "lng": at[1]}
        if code == "auto":
            code = self.code(shift_id)
        if code is not None:
            body["code"] = code
        return self.post(f"/shifts/{shift_id}/checkin", who, body, expect)

    def checkout(self, shift_id, who, at=SITE, code="auto", expect=None):
        body = {"lat": at[0], "lng": at[1]}
        if code == "auto":
            code = self.code(shift_id)
        if code is not None:
            body["code"] = code
        return self.post(f"/shifts/{shift_id}/checkout", who, body, expect)

    def attendance(self, attendance_id):
        from app.extensions import db
        from app.volunteering.models import Attendance

        with self.app.app_context():
            att = db.session.get(Attendance, attendance_id)
            db.session.expunge(att)
            return att

    def balance(self, name):
        from app.extensions import db
        from app.timebank import service as timebank

        with self.app.app_context():
            value = timebank.balance(self.users[name])
            db.session.rollback()
            return value

    def shift_credits(self, attendance_id):
        """Ledger transfers whose cause is this attendance."""
        from app.timebank.models import Transfer

        return self.db_value(sa.select(sa.func.count()).select_from(Transfer).where(
            Transfer.ref == f"attendance:{attendance_id}"))


@pytest.fixture
def world(app, client, login, make_user):
    return World(app, client, login, make_user)
