"""Thirteen months of history for the figures (`flask seed-demo`, after every other domain):
services confirmed, problems solved, disputes (two years of them, so that year on year has a
base: fewer this year than last), volunteer hours verified and made up, activities, points
issued and redeemed, party members registered, consultations passed, elevators put into
service and projects done, in 观湖社区 and, fewer, in 昌达街社区. (No dispute falls in the
last 35 days or the same days a year earlier: those are the mediation demo's.)

History is written as records already in their final state, dated in the past; points move
through the ledger (back-dated, so its hash chain and balances stay whole), only on the
accounts of the history's own residents (志愿者01…12), whose accounts hold nothing else.
Idempotent: once the first history resident exists, nothing is added.
"""
import secrets
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.catalog.models import Partner, ServiceCategory
from app.common.timeutil import SHANGHAI, utcnow
from app.community.models import Building, Community, Compound, Household, HouseholdBinding
from app.consultations.models import Consultation
from app.elevators.models import ElevatorProject
from app.extensions import db
from app.feedback.models import Feedback
from app.mall.models import MallItem, Merchant, Voucher
from app.mediation.models import MediationCase
from app.mediation.service import year_earlier
from app.orders.models import RequestEvent, ServiceRequest
from app.party.models import PartyRegistration
from app.projects.models import CommitteeMember, Meeting, Project
from app.talents.models import LedgerEntry
from app.timebank import ledger
from app.timebank import service as timebank
from app.volunteering.models import Activity, Attendance, Shift

HOME, OTHER = "观湖社区", "昌达街社区"
RESIDENTS = 12  # history residents 志愿者01…12 of 观湖社区
MONTHS = 13
# Disputes opened per month: this year 3 a month (36), the year before 59 → −39 %.
DISPUTES_THIS_YEAR = 3
DISPUTES_LAST_YEAR = [5] * 11 + [4]


def _month_start(months_ago: int, today: date) -> date:
    y, m = today.year, today.month - months_ago
    while m < 1:
        y, m = y - 1, m + 12
    return date(y, m, 1)


def _at(day: date, hour: int, day_of_month: int) -> datetime:
    """An instant on `day_of_month` of the month of `day`, at `hour` in Asia/Shanghai, in UTC."""
    return datetime(day.year, day.month, day_of_month, hour, tzinfo=SHANGHAI).astimezone(UTC)


@contextmanager
def _ledger_clock(at: datetime):
    """The ledger stamps its own time: for history, it is given the history's."""
    real = ledger.utcnow
    ledger.utcnow = lambda: at
    try:
        yield
    finally:
        ledger.utcnow = real


def _one(model, **keys):
    return db.session.scalar(sa.select(model).filter_by(**keys).limit(1))


def _add(obj):
    db.session.add(obj)
    return obj


def seed() -> None:
    if _one(User, openid="demo-history-01") is not None:
        return
    home = _one(Community, name=HOME)
    other = _one(Community, name=OTHER)
    if home is None:
        return
    staff = _one(User, openid="demo-staff-1")
    today = utcnow().astimezone(SHANGHAI).date()
    households = list(db.session.scalars(
        sa.select(Household).join(Building).join(Compound)
        .where(Compound.community_id == home.id).order_by(Household.id)))
    other_households = list(db.session.scalars(
        sa.select(Household).join(Building).join(Compound)
        .where(Compound.community_id == other.id).order_by(Household.id))) if other else []
    residents = []
    for i in range(1, RESIDENTS + 1):
        user = _add(User(openid=f"demo-history-{i:02d}", nickname=f"志愿者{i:02d}"))
        db.session.flush()
        hh = households[i % len(households)]
        _add(HouseholdBinding(user_id=user.id, household_id=hh.id, community_id=home.id,
                              relation="family", status="approved", decided_by_id=staff.id,
                              decided_at=_at(_month_start(MONTHS + 1, today), 9, 1),
                              requested_at=_at(_month_start(MONTHS + 1, today), 9, 1)))
        residents.append((user, hh))
    db.session.flush()

    for k in range(1, MONTHS + 1):
        month = _month_start(k, today)
        _services(home, residents, month, 5 + k % 4)
        if other_households:
            _services(other, [(staff, hh) for hh in other_households], month, 2)
        _feedback(home, residents, month, 4 + k % 3)
        _volunteering(home, staff, residents, month, k)
        _vouchers(home, residents, month, k)
        if k <= RESIDENTS:
            user = residents[k - 1][0]
            _add(PartyRegistration(user_id=user.id, community_id=home.id,
                                   unit_name=f"区属单位{k:02d}", roles="volunteer",
                                   status="approved", created_at=_at(month, 9, 3),
                                   decided_by_id=staff.id, decided_at=_at(month, 15, 5)))
            # ... and the grid's survey found them too, so the ledger holds no mismatch for them
            hh = residents[k - 1][1]
            _add(LedgerEntry(community_id=home.id, compound_id=hh.building.compound_id,
                             household_id=hh.id, user_id=user.id, name=user.nickname,
                             source="grid", created_by_id=staff.id, created_at=_at(month, 9, 3)))
    for k in range(1, 2 * 12 + 1):
        month = _month_start(k, today)
        n = DISPUTES_THIS_YEAR if k <= 12 else DISPUTES_LAST_YEAR[k - 13]
        for j in range(n):
            opened = _at(month, 10, 4 + j * 5)
            if _near(opened, today):
                continue
            _add(MediationCase(community_id=home.id, kind="neighbour",
                               summary=f"邻里噪音纠纷（历史记录 {month:%Y-%m} 第{j + 1}件）",
                               status="closed", outcome="agreed", opened_by_id=staff.id,
                               opened_at=opened, closed_by_id=staff.id,
                               closed_at=opened + timedelta(days=3), close_note="双方达成协议"))
    _governance(home, staff, today)
    db.session.flush()


def _near(moment: datetime, today: date) -> bool:
    """Within the last 35 days, or the same days a year earlier: left to the mediation demo's
    own two cases, so that its walk-through's last-30-days figures stay its own."""
    day = moment.astimezone(SHANGHAI).date()
    return any(timedelta(0) <= end - day <= timedelta(days=35)
               for end in (today, year_earlier(today)))


def _services(community, residents, month: date, n: int) -> None:
    category = db.session.scalar(sa.select(ServiceCategory).order_by(ServiceCategory.id))
    partner = db.session.scalar(sa.select(Partner).order_by(Partner.id))
    for j in range(n):
        user, hh = residents[j % len(residents)]
        created = _at(month, 9, 2 + j * 2)
        done = created + timedelta(days=1)
        req = _add(ServiceRequest(
            community_id=community.id, household_id=hh.id, resident_id=user.id,
            category_id=category.id, description=f"{category.name}（历史记录 {month:%Y-%m}）",
            status="confirmed", partner_id=partner.id if partner else None, payer="community",
            points_per_hour=category.points_per_hour, max_minutes=category.max_minutes,
            minutes=60, rating=5, points_settled=category.points_per_hour,
            dispatched_at=created, accepted_at=created, created_at=created, updated_at=done))
        db.session.flush()
        _add(RequestEvent(request_id=req.id, action="confirm", from_status="completed",
                          to_status="confirmed", actor_id=user.id, actor_role="resident",
                          at=done))


def _feedback(community, residents, month: date, n: int) -> None:
    for j in range(n):
        user, _ = residents[(j + 3) % len(residents)]
        created = _at(month, 9, 3 + j * 3)
        _add(Feedback(
            community_id=community.id, author_id=user.id, reporter_role="resident",
            category="facility", text=f"楼道灯不亮（历史记录 {month:%Y-%m}）", status="closed",
            created_at=created, updated_at=created + timedelta(days=3),
            accept_due_at=created + timedelta(hours=24),
            resolve_due_at=created + timedelta(days=7), responded_at=created
            + timedelta(hours=2), accepted_at=created + timedelta(hours=2),
            resolved_at=created + timedelta(days=1), reply="已更换灯泡",
            closed_at=created + timedelta(days=2), rating=5,
            rated_at=created + timedelta(days=2)))


def _volunteering(community, staff, residents, month: date, k: int) -> None:
    activity = _add(Activity(community_id=community.id, title=f"社区志愿服务日（{month:%Y年%m月}）",
                             description="历史记录", created_by_id=staff.id,
                             created_at=_at(month, 9, 1)))
    db.session.flush()
    starts = _at(month, 9, 15)
    shift = _add(Shift(activity_id=activity.id, starts_at=starts,
                       ends_at=starts + timedelta(hours=2), capacity=10, signed_up=4,
                       location_name="观湖社区党群服务站", lat=29.3392, lng=105.2881, radius_m=200,
                       points_per_hour=10, secret=secrets.token_hex(16),
                       closed_at=starts + timedelta(hours=2)))
    db.session.flush()
    reviewed = starts + timedelta(days=1)
    for j in range(4):
        user, _ = residents[(k + j) % len(residents)]
        _add(Attendance(shift_id=shift.id, user_id=user.id, community_id=community.id,
                        status="credited", checked_in_at=starts, in_proof="code",
                        checked_out_at=starts + timedelta(hours=2), out_proof="code",
                        in_code_ok=True, out_code_ok=True, minutes=120, points=20,
                        reviewed_by_id=staff.id, reviewed_at=reviewed,
                        created_at=starts))
        with _ledger_clock(reviewed):
            timebank.credit_shift(community_id=community.id, user_id=user.id, points=20,
                                  key=f"demo:history:shift:{shift.id}:{user.id}",
                                  ref=f"shift:{shift.id}", memo="志愿服务（历史记录）",
                                  minutes=120)
    user, _ = residents[(k + 5) % len(residents)]
    _add(Attendance(shift_id=shift.id, user_id=user.id, community_id=community.id,
                    status="credited", manual=True, reason="现场签到失败，补录",
                    recorded_by_id=staff.id, minutes=60, points=10, reviewed_by_id=staff.id,
                    reviewed_at=reviewed, created_at=reviewed))
    with _ledger_clock(reviewed):
        timebank.credit_shift(community_id=community.id, user_id=user.id, points=10,
                              key=f"demo:history:manual:{shift.id}:{user.id}",
                              ref=f"shift:{shift.id}", memo="志愿服务补录（历史记录）", minutes=60)


def _vouchers(community, residents, month: date, k: int) -> None:
    merchant = _one(Merchant, community_id=community.id)
    item = _one(MallItem, merchant_id=merchant.id) if merchant else None
    if item is None:
        return
    for j in range(2):
        user, _ = residents[(k + j) % len(residents)]
        at = _at(month, 16, 20 + j)
        price = min(item.price_points, 20)
        voucher = _add(Voucher(code=secrets.token_hex(8).upper(), item_id=item.id,
                               merchant_id=merchant.id, user_id=user.id, price_points=price,
                               status="used", issued_at=at, expires_at=at + timedelta(days=30),
                               used_at=at + timedelta(hours=1), used_by_id=user.id))
        db.session.flush()
        with _ledger_clock(at):
            timebank.pay_merchant(user_id=user.id, merchant_id=merchant.id, amount=price,
                                  key=f"voucher:{voucher.id}:redeem", ref=f"voucher:{voucher.id}",
                                  memo=f"{item.title[:40]}（历史记录）")


def _governance(community, staff, today: date) -> None:
    """Consultations passed (months 11, 7, 3 ago), two of them for elevators put into service
    (months 6 and 2 ago), and projects done (months 10, 8, 4, 1 ago)."""
    garden = _one(Compound, community_id=community.id, name="观湖花园")
    buildings = list(db.session.scalars(sa.select(Building).where(
        Building.compound_id == garden.id).order_by(Building.id))) if garden else []
    taken = set(db.session.execute(sa.select(ElevatorProject.building_id,
                                             ElevatorProject.unit)).all())
    free = [(b, u) for b in reversed(buildings) for u in ("2", "1") if (b.id, u) not in taken]
    for k, elevator_k in ((11, 6), (7, 2), (3, None)):
        month = _month_start(k, today)
        opens = _at(month, 9, 5)
        building, unit = free.pop(0) if elevator_k and free else (None, None)
        c = _add(Consultation(
            community_id=community.id, compound_id=garden.id,
            building_id=building.id if building else None, unit=unit,
            title=(f"{building.name}{unit}单元加装电梯（历史记录）" if building
                   else "观湖花园停车位调整（历史记录）"),
            rule_kind="share_of_all", threshold_pct=80,
            origin="elevator" if building else None, opens_at=opens,
            closes_at=opens + timedelta(days=7), status="closed", created_by_id=staff.id,
            created_at=opens, opened_at=opens, roll_hash="0" * 64, eligible_count=4,
            eligible_area=0, closed_at=opens + timedelta(days=7), result="passed",
            voted_count=4, voted_area=0, agree_count=4, agree_area=0, disagree_count=0,
            disagree_area=0, abstain_count=0, abstain_area=0, receipts_hash="0" * 64))
        db.session.flush()
        if building:
            _add(ElevatorProject(community_id=community.id, building_id=building.id, unit=unit,
                                 stage="in_service", consultation_id=c.id,
                                 budget_fen=60_000_000, created_by_id=staff.id,
                                 created_at=opens,
                                 stage_at=_at(_month_start(elevator_k, today), 10, 12)))
    meeting = _one(Meeting, community_id=community.id)
    owner = _one(CommitteeMember, community_id=community.id)
    if meeting is None or owner is None:
        return
    for k in (10, 8, 4, 1):
        month = _month_start(k, today)
        _add(Project(community_id=community.id, meeting_id=meeting.id,
                     title=f"小区公共设施修缮（{month:%Y年%m月}，历史记录）",
                     owner_member_id=owner.id, due_on=_month_start(k - 1, today) if k > 1
                     else month, status="done", percent=100, result="已完成修缮",
                     created_by_id=staff.id, created_at=_at(month, 9, 1),
                     started_at=_at(month, 9, 2), finished_at=_at(month, 17, 18),
                     finished_by_id=staff.id))
