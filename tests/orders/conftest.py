import uuid

import pytest
import sqlalchemy as sa


class Flow:
    """Drives requests through the API as the demo identities."""

    def __init__(self, client, login, app):
        self.client, self._login, self.app = client, login, app
        self._headers = {}

    def h(self, who):
        if who not in self._headers:
            self._headers[who] = self._login(who)
        return self._headers[who]

    def keyed(self, who):
        """Headers for an order: creating one requires a fresh Idempotency-Key."""
        return {**self.h(who), "Idempotency-Key": f"flow-{uuid.uuid4().hex}"}

    def category(self, code):
        from app.catalog.models import ServiceCategory
        from app.extensions import db

        with self.app.app_context():
            return db.session.scalar(sa.select(ServiceCategory).where(
                ServiceCategory.code == code)).id

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
        return self.client.get(f"/api/v1/requests/{rid}", headers=self.h(who)).get_json()

    def events(self, rid, who="demo-staff-1"):
        return self.client.get(f"/api/v1/requests/{rid}/events",
                               headers=self.h(who)).get_json()["items"]

    def partner_id(self, name_part="家电"):
        from app.catalog.models import Partner
        from app.extensions import db

        with self.app.app_context():
            return db.session.scalar(sa.select(Partner.id).where(
                Partner.name.contains(name_part)))

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


@pytest.fixture
def flow(client, login, app):
    """Demo data without the demo requests and 社情民意 reports, so each test owns every
    request it sees and every message in its inboxes."""
    from app.demo import seed
    from app.extensions import db

    with app.app_context():
        seed(skip=("orders", "feedback", "stats"))
        db.session.commit()
    return Flow(client, login, app)
