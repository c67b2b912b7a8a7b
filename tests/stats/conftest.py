"""A hand-counted world for the figures: the demo's communities and people only (no domain's
own demo records), then records written in their final state on chosen dates of 2024 and
2025, with traps beside each counted record (the wrong state, the wrong community, a few
minutes past midnight in Asia/Shanghai). Every expected figure below is counted by hand from
the records written here; the period is 2025 (`FROM`..`TO`)."""
import secrets
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
import sqlalchemy as sa

from app.common.timeutil import SHANGHAI
from app.demo import SEEDED as ALL_DOMAINS  # skipping them all leaves the base data only

FROM, TO = "2025-01-01", "2025-12-31"

# Counted by hand from the records below, for 观湖社区 over 2025.
EXPECTED = {
    "services_done": 3,  # 3 confirmed in 2025 (one via disputed → confirmed); not the
    #                      cancelled one, not the one confirmed 2026-01-01 00:10 +08:00
    "households_served": 2,  # those 3 were for 2 households
    "problems_solved": 2,  # closed after resolved; not closed_unresolved, not other community
    "disputes": 3,  # opened in 2025 (2024 has 5)
    "disputes_change_yoy": -40.0,  # (3 − 5) / 5
    "volunteer_minutes_verified": 150,  # 90 + 60; the pending 45 and the rejected 30 do not
    "volunteer_minutes_manual": 40,
    "activities_held": 2,  # shifts ended in 2025 of 2 activities (one has 2 shifts)
    "points_issued": 35,  # 25 + 10 out of the issuing account in 2025 (2024's 100 is not)
    "points_redeemed": 12,  # one voucher used in 2025; an issued one is not
    "points_outstanding": 111,  # the residents' balances at the end of 2025: 100 (2024) + 25
    #                             − 12 − 12 (both vouchers were paid) for one, 10 the other
    "party_members_registered": 1,  # approved in 2025; the rejected and pending ones are not
    "consultations_passed": 1,  # the failed one is not
    "elevators_in_service": 1,  # the one still in works is not
    "projects_done": 1,  # the dropped one is not
}
# 昌达街社区 adds, for the street: one service, its household, one problem, one dispute.
STREET_EXTRA = {"services_done": 1, "households_served": 1, "problems_solved": 1,
                "disputes": 1, "disputes_change_yoy": 20.0}


def sh(y, m, d, hh=10, mm=0) -> datetime:
    """A moment in Asia/Shanghai, as UTC."""
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).astimezone(UTC)


@contextmanager
def ledger_at(at: datetime):
    with mock.patch("app.timebank.ledger.utcnow", lambda: at):
        yield


class World:
    def __init__(self, app, records: bool = True):
        from app.auth.models import User
        from app.community.models import Community, Household, Street
        from app.demo import seed
        from app.extensions import db

        with app.app_context():
            seed(skip=ALL_DOMAINS)
            db.session.commit()
            one = db.session.scalar
            self.c1 = one(sa.select(Community.id).where(Community.name == "观湖社区"))
            self.c2 = one(sa.select(Community.id).where(Community.name == "昌达街社区"))
            self.street = one(sa.select(Street.id).where(Street.name == "古湖街道"))
            self.staff = one(sa.select(User.id).where(User.openid == "demo-staff-1"))
            self.resident = one(sa.select(User.id).where(User.openid == "demo-resident-1"))
            self.resident2 = one(sa.select(User.id).where(User.openid == "demo-resident-2"))
            self.volunteer = one(sa.select(User.id).where(User.openid == "demo-volunteer-1"))
            hh = list(db.session.scalars(sa.select(Household.id).order_by(Household.id)))
            self.h1, self.h2, self.h3 = hh[0], hh[1], hh[2]
            self.h_other = hh[-1]
            if records:
                self._build(db)
                db.session.commit()

    def _build(self, db):
        from app.catalog.models import ServiceCategory
        from app.consultations.models import Consultation
        from app.elevators.models import ElevatorProject
        from app.feedback.models import Feedback
        from app.mall.models import MallItem, Merchant, Voucher
        from app.mediation.models import MediationCase
        from app.orders.models import RequestEvent, ServiceRequest
        from app.party.models import PartyRegistration
        from app.projects.models import CommitteeMember, Meeting, Project
        from app.timebank import service as timebank
        from app.volunteering.models import Activity, Attendance, Shift

        add = db.session.add
        cat = ServiceCategory(code="repair", name="家电维修")
        add(cat)
        db.session.flush()

        def request(community, household, status, closed=None, via="completed"):
            r = ServiceRequest(community_id=community, household_id=household,
                               resident_id=self.resident, category_id=cat.id,
                               description="空调不制冷", status=status, payer="community",
                               points_per_hour=10, max_minutes=120,
                               created_at=sh(2024, 12, 1), updated_at=sh(2024, 12, 1))
            add(r)
            db.session.flush()
            if closed:
                add(RequestEvent(request_id=r.id, action="confirm", from_status=via,
                                 to_status="confirmed", actor_role="resident", at=closed))

        request(self.c1, self.h1, "confirmed", sh(2025, 1, 1, 0, 5))  # first minutes of 2025
        request(self.c1, self.h1, "confirmed", sh(2025, 6, 3))
        request(self.c1, self.h2, "confirmed", sh(2025, 12, 31, 23, 50), via="disputed")
        request(self.c1, self.h2, "confirmed", sh(2026, 1, 1, 0, 10))  # 2026 in Shanghai
        request(self.c1, self.h3, "confirmed", sh(2024, 12, 31, 23, 55))
        request(self.c1, self.h3, "cancelled")
        request(self.c2, self.h_other, "confirmed", sh(2025, 3, 3))

        def feedback(community, status, resolved, closed):
            add(Feedback(community_id=community, author_id=self.resident,
                         reporter_role="resident", category="facility", text="路灯坏了",
                         status=status, created_at=sh(2025, 1, 1), updated_at=sh(2025, 1, 1),
                         accept_due_at=sh(2025, 1, 2), resolve_due_at=sh(2025, 1, 8),
                         resolved_at=resolved, closed_at=closed))

        feedback(self.c1, "closed", sh(2025, 2, 1), sh(2025, 2, 3))
        feedback(self.c1, "closed", sh(2025, 12, 30), sh(2025, 12, 31, 23, 59))
        feedback(self.c1, "closed", sh(2025, 12, 30), sh(2026, 1, 1, 0, 1))
        feedback(self.c1, "closed_unresolved", None, sh(2025, 5, 5))
        feedback(self.c1, "resolved", sh(2025, 5, 5), None)
        feedback(self.c2, "closed", sh(2025, 4, 1), sh(2025, 4, 2))

        for y, n in ((2025, 3), (2024, 5)):
            for i in range(n):
                add(MediationCase(community_id=self.c1, kind="neighbour", summary="噪音",
                                  opened_by_id=self.staff, opened_at=sh(y, 3 + i, 1)))
        add(MediationCase(community_id=self.c2, kind="neighbour", summary="噪音",
                          opened_by_id=self.staff, opened_at=sh(2025, 3, 1)))

        timebank.set_budget(self.c1, 10_000)
        a1 = Activity(community_id=self.c1, title="清洁家园", created_by_id=self.staff)
        a2 = Activity(community_id=self.c1, title="敬老助餐", created_by_id=self.staff)
        a3 = Activity(community_id=self.c1, title="跨年活动", created_by_id=self.staff)
        add(a1), add(a2), add(a3)
        db.session.flush()

        def shift(activity, start):
            s = Shift(activity_id=activity.id, starts_at=start, ends_at=start + timedelta(hours=2),
                      capacity=5, location_name="服务站", lat=29.3, lng=105.2, radius_m=200,
                      points_per_hour=10, secret=secrets.token_hex(8))
            add(s)
            db.session.flush()
            return s

        s1 = shift(a1, sh(2025, 4, 1, 9))
        s2 = shift(a1, sh(2025, 5, 1, 9))
        s3 = shift(a2, sh(2025, 7, 1, 9))
        shift(a3, sh(2025, 12, 31, 23))  # ends 2026-01-01 01:00 in Shanghai: not 2025

        def attendance(s, user, status, minutes, reviewed, manual=False):
            add(Attendance(shift_id=s.id, user_id=user, community_id=self.c1, status=status,
                           manual=manual, minutes=minutes, reviewed_at=reviewed))

        attendance(s1, self.resident, "credited", 90, sh(2025, 4, 2))
        attendance(s3, self.resident2, "credited", 60, sh(2025, 7, 2))
        attendance(s3, self.volunteer, "pending", 45, None)
        attendance(s3, self.staff, "rejected", 30, sh(2025, 7, 2))
        attendance(s1, self.resident2, "credited", 40, sh(2025, 4, 3), manual=True)
        attendance(s2, self.resident, "credited", 50, sh(2024, 4, 3), manual=True)

        # Points: 100 in 2024, 25 + 10 in 2025 (to the two residents of 观湖社区), one
        # voucher of 12 used in 2025, one issued and not used; a grant in 2026.
        with ledger_at(sh(2024, 6, 1)):
            timebank.grant_from_community(community_id=self.c1, user_id=self.resident,
                                          points=100, key="t:1")
        with ledger_at(sh(2025, 4, 2)):
            timebank.credit_shift(community_id=self.c1, user_id=self.resident, points=25,
                                  key="t:2", ref="shift")
        with ledger_at(sh(2025, 7, 2)):
            timebank.credit_shift(community_id=self.c1, user_id=self.resident2, points=10,
                                  key="t:3", ref="shift")
        merchant = Merchant(name="观湖超市", community_id=self.c1)
        add(merchant)
        db.session.flush()
        item = MallItem(merchant_id=merchant.id, title="洗衣液", kind="goods", price_points=12,
                        stock=10, published=True)
        add(item)
        db.session.flush()
        for status, at in (("used", sh(2025, 8, 1)), ("issued", sh(2025, 9, 1))):
            add(Voucher(code=secrets.token_hex(6), item_id=item.id, merchant_id=merchant.id,
                        user_id=self.resident, price_points=12, status=status, issued_at=at,
                        expires_at=at + timedelta(days=30),
                        used_at=at if status == "used" else None))
            with ledger_at(at):
                timebank.pay_merchant(user_id=self.resident, merchant_id=merchant.id,
                                      amount=12, key=f"v:{status}", ref="voucher")
        with ledger_at(sh(2026, 1, 5)):
            timebank.grant_from_community(community_id=self.c1, user_id=self.resident,
                                          points=7, key="t:4")

        for status, decided in (("approved", sh(2025, 6, 1)), ("rejected", sh(2025, 6, 2)),
                                ("pending", None)):
            user = {"approved": self.resident, "rejected": self.resident2,
                    "pending": self.volunteer}[status]
            add(PartyRegistration(user_id=user, community_id=self.c1, unit_name="区教育局",
                                  roles="volunteer", status=status, decided_at=decided))

        from app.community.models import Building, Compound

        compound = db.session.scalar(sa.select(Compound).where(
            Compound.community_id == self.c1, Compound.name == "观湖花园"))
        building = db.session.scalar(sa.select(Building).where(
            Building.compound_id == compound.id).order_by(Building.id))
        consultations = []
        for result, closed in (("passed", sh(2025, 3, 10)), ("failed", sh(2025, 4, 10))):
            c = Consultation(community_id=self.c1, compound_id=compound.id, title="加装电梯",
                             rule_kind="share_of_all", threshold_pct=80,
                             opens_at=closed - timedelta(days=7), closes_at=closed,
                             status="closed", created_by_id=self.staff, roll_hash="0" * 64,
                             receipts_hash="0" * 64, closed_at=closed, result=result)
            add(c)
            db.session.flush()
            consultations.append(c)
        for unit, stage, at in (("1", "in_service", sh(2025, 9, 9)), ("2", "works",
                                                                       sh(2025, 9, 9))):
            add(ElevatorProject(community_id=self.c1, building_id=building.id, unit=unit,
                                stage=stage, consultation_id=consultations[0].id,
                                created_by_id=self.staff, stage_at=at))

        member = CommitteeMember(community_id=self.c1, name="陈建华", unit="党支部",
                                 kind="compound_party", joined_on=date(2024, 1, 1),
                                 created_by_id=self.staff)
        meeting = Meeting(community_id=self.c1, title="联席会议", held_at=sh(2025, 1, 5),
                          year=2025, quarter=1, created_by_id=self.staff)
        add(member), add(meeting)
        db.session.flush()
        for status, finished, reason in (("done", sh(2025, 10, 1), ""),
                                         ("dropped", sh(2025, 10, 2), "资金不足"),
                                         ("in_progress", None, "")):
            add(Project(community_id=self.c1, meeting_id=meeting.id, title="修雨棚",
                        owner_member_id=member.id, due_on=date(2025, 12, 1), status=status,
                        finished_at=finished, drop_reason=reason, created_by_id=self.staff))


@pytest.fixture
def world(app):
    return World(app)


@pytest.fixture
def base(app):
    """The demo's communities and people, without records."""
    return World(app, records=False)


@pytest.fixture
def people(make_user, base):
    """Readers of the figures and those who may not read them (no records: for the checks
    of who may read what)."""
    world = base
    make_user("street-1", roles=[("street_admin", {"street_id": world.street})])
    make_user("org-1", roles=[("org_dept", {})])
    make_user("staff-2", roles=[("staff", {"community_id": world.c2})])
    make_user("nobody")
    return world
