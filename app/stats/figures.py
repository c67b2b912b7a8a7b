"""Each figure as one query over the records of some communities, by the date its record closed.

A `Measure` names the value (a count or a sum), the column holding the date the record closed,
and the filters that make a record count. The same measure gives the period's total
(`total`) and the monthly series (`monthly`, grouped by the Asia/Shanghai month in the same
query). Periods are half-open UTC instants [lo, hi) built from Asia/Shanghai dates, `to`
included. The rules of what counts come from the domains where they have one: problems solved
from the feedback domain (`SOLVED`), year on year from mediation (`change_yoy`).
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from app.common.timeutil import SHANGHAI, utcnow
from app.community.models import HouseholdBinding
from app.consultations.models import Consultation
from app.elevators.models import ElevatorProject
from app.extensions import db
from app.feedback.models import Feedback
from app.feedback.queries import SOLVED
from app.mall.models import Merchant, Voucher
from app.mediation.models import MediationCase
from app.mediation.service import change_yoy, year_earlier
from app.orders.models import RequestEvent, ServiceRequest
from app.party.models import PartyRegistration
from app.projects.models import Project
from app.timebank.models import Account, Posting
from app.volunteering.models import Activity, Attendance, Shift


@dataclass(frozen=True)
class Measure:
    label: str  # Chinese name, with its unit in the workbook
    unit: str
    area: str  # the workbook sheet it belongs to
    value: Callable[[], sa.ColumnElement]
    when: Callable[[], sa.ColumnElement]
    base: Callable[[sa.Select, list[int]], sa.Select]  # FROM, joins and filters

    def select(self, ids: list[int], lo: datetime, hi: datetime, *columns) -> sa.Select:
        when = self.when()
        stmt = sa.select(*columns, sa.func.coalesce(self.value(), 0))
        return self.base(stmt, ids).where(when >= lo, when < hi)


def _services(stmt, ids):
    """`confirmed` is final: a request reaches it once, so its event counts it once."""
    return (stmt.select_from(RequestEvent)
            .join(ServiceRequest, ServiceRequest.id == RequestEvent.request_id)
            .where(RequestEvent.to_status == "confirmed", ServiceRequest.community_id.in_(ids)))


def _credited(stmt, ids):
    return stmt.select_from(Attendance).where(Attendance.community_id.in_(ids),
                                              Attendance.status == "credited")


def _minutes(manual: bool):
    return lambda: sa.func.sum(sa.case((Attendance.manual.is_(manual), Attendance.minutes),
                                       else_=0))


MEASURES: dict[str, Measure] = {
    "services_done": Measure(
        "完成服务", "单", "服务", lambda: sa.func.count(RequestEvent.id),
        lambda: RequestEvent.at, _services),
    "households_served": Measure(
        "服务住户", "户", "服务", lambda: sa.func.count(sa.distinct(ServiceRequest.household_id)),
        lambda: RequestEvent.at, _services),
    "problems_solved": Measure(
        "解决问题", "件", "社情民意与调解", lambda: sa.func.count(Feedback.id),
        lambda: Feedback.closed_at,
        lambda s, ids: s.select_from(Feedback).where(Feedback.community_id.in_(ids), *SOLVED)),
    "disputes": Measure(
        "受理纠纷", "件", "社情民意与调解", lambda: sa.func.count(MediationCase.id),
        lambda: MediationCase.opened_at,
        lambda s, ids: s.select_from(MediationCase).where(MediationCase.community_id.in_(ids))),
    "volunteer_minutes_verified": Measure(
        "志愿时长（现场核验）", "分钟", "志愿服务", _minutes(False),
        lambda: Attendance.reviewed_at, _credited),
    "volunteer_minutes_manual": Measure(
        "志愿时长（补录）", "分钟", "志愿服务", _minutes(True),
        lambda: Attendance.reviewed_at, _credited),
    "activities_held": Measure(
        "开展活动", "场", "志愿服务", lambda: sa.func.count(sa.distinct(Shift.activity_id)),
        lambda: Shift.ends_at,
        lambda s, ids: s.select_from(Shift).join(Activity, Activity.id == Shift.activity_id)
        .where(Activity.community_id.in_(ids))),
    "points_issued": Measure(
        "发放积分（净额）", "分", "积分", lambda: -sa.func.sum(Posting.amount),
        lambda: Posting.created_at,
        lambda s, ids: s.select_from(Posting).join(Account, Account.id == Posting.account_id)
        .where(Account.kind == "community", Account.community_id.in_(ids))),
    "points_redeemed": Measure(
        "兑换核销积分", "分", "积分", lambda: sa.func.sum(Voucher.price_points),
        lambda: Voucher.used_at,
        lambda s, ids: s.select_from(Voucher).where(
            Voucher.status == "used",
            Voucher.merchant_id.in_(sa.select(Merchant.id).where(
                Merchant.community_id.in_(ids))))),
    "party_members_registered": Measure(
        "党员报到", "人", "党建与治理", lambda: sa.func.count(PartyRegistration.id),
        lambda: PartyRegistration.decided_at,
        lambda s, ids: s.select_from(PartyRegistration).where(
            PartyRegistration.community_id.in_(ids), PartyRegistration.status == "approved")),
    "consultations_passed": Measure(
        "协商通过", "项", "党建与治理", lambda: sa.func.count(Consultation.id),
        lambda: Consultation.closed_at,
        lambda s, ids: s.select_from(Consultation).where(
            Consultation.community_id.in_(ids), Consultation.status == "closed",
            Consultation.result == "passed")),
    "elevators_in_service": Measure(
        "电梯投用", "部", "党建与治理", lambda: sa.func.count(ElevatorProject.id),
        lambda: ElevatorProject.stage_at,
        lambda s, ids: s.select_from(ElevatorProject).where(
            ElevatorProject.community_id.in_(ids), ElevatorProject.stage == "in_service")),
    "projects_done": Measure(
        "项目完成", "个", "党建与治理", lambda: sa.func.count(Project.id),
        lambda: Project.finished_at,
        lambda s, ids: s.select_from(Project).where(
            Project.community_id.in_(ids), Project.status == "done")),
}

# Figures that are not one measure over the period: their labels, units and areas.
DERIVED = {
    "disputes_change_yoy": ("纠纷同比变化", "%", "社情民意与调解"),
    "points_outstanding": ("居民持有积分（期末）", "分", "积分"),
}
# The contract's order.
FIGURE_NAMES = ("services_done", "problems_solved", "disputes", "disputes_change_yoy",
                "volunteer_minutes_verified", "volunteer_minutes_manual", "activities_held",
                "points_issued", "points_redeemed", "points_outstanding",
                "party_members_registered", "consultations_passed", "elevators_in_service",
                "projects_done", "households_served")
SERIES_METRICS = tuple(name for name in FIGURE_NAMES if name in MEASURES)


def label(name: str) -> tuple[str, str, str]:
    m = MEASURES.get(name)
    return (m.label, m.unit, m.area) if m else DERIVED[name]


# -- dates -------------------------------------------------------------------------------------
def day_start(day: date) -> datetime:
    """Midnight in Asia/Shanghai of `day`, as an aware UTC datetime."""
    return datetime.combine(day, time.min, tzinfo=SHANGHAI).astimezone(UTC)


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in Asia/Shanghai: `end` included; never past
    now (a shift that ends later today has not been held yet)."""
    return day_start(start), min(day_start(end + timedelta(days=1)), utcnow())


def months(start: date, end: date) -> list[str]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _month_of(column) -> sa.ColumnElement:
    """'YYYY-MM' of an instant, in Asia/Shanghai (a fixed +08:00, no summer time since 1991)."""
    if db.engine.dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone("Asia/Shanghai", column), "YYYY-MM")
    return sa.func.strftime("%Y-%m", column, "+8 hours")


# -- the queries -------------------------------------------------------------------------------
def total(name: str, ids: list[int], start: date, end: date) -> int:
    lo, hi = bounds(start, end)
    return int(db.session.scalar(MEASURES[name].select(ids, lo, hi)) or 0)


def totals(ids: list[int], start: date, end: date) -> dict[str, int]:
    """Every measure over the period: those over the same records (services and households
    served; minutes verified and made up) in one statement, each other in its own."""
    lo, hi = bounds(start, end)
    groups: dict[tuple, list[str]] = {}
    for name, m in MEASURES.items():
        groups.setdefault((m.base, str(m.when())), []).append(name)
    out = {}
    for names in groups.values():
        first = MEASURES[names[0]]
        stmt = first.select(ids, lo, hi).with_only_columns(
            *(sa.func.coalesce(MEASURES[n].value(), 0) for n in names))
        row = db.session.execute(stmt).one()
        out.update({n: int(v or 0) for n, v in zip(names, row, strict=True)})
    return out


def monthly(name: str, ids: list[int], start: date, end: date) -> list[dict]:
    """One item per month of the period, each the measure over the days of that month inside
    the period; months without records are 0."""
    measure = MEASURES[name]
    lo, hi = bounds(start, end)
    month = _month_of(measure.when()).label("month")
    rows = dict(db.session.execute(measure.select(ids, lo, hi, month).group_by(month)).all())
    return [{"month": key, "value": int(rows.get(key) or 0)} for key in months(start, end)]


def outstanding(ids: list[int], end: date) -> int:
    """Points held by the residents of the communities (an approved household binding) at the
    end of `end`: their accounts' balances now (kept with every posting, checked by `flask
    timebank verify`), less what their postings since then moved."""
    _, hi = bounds(end, end)
    residents = sa.select(HouseholdBinding.user_id).where(
        HouseholdBinding.community_id.in_(ids), HouseholdBinding.status == "approved")
    accounts = sa.select(Account.id).where(Account.kind == "user",
                                           Account.user_id.in_(residents))
    now = sa.select(sa.func.coalesce(sa.func.sum(Account.balance), 0)).where(
        Account.id.in_(accounts)).scalar_subquery()
    since = sa.select(sa.func.coalesce(sa.func.sum(Posting.amount), 0)).where(
        Posting.created_at >= hi, Posting.account_id.in_(accounts)).scalar_subquery()
    return int(db.session.scalar(sa.select(now - since)) or 0)


def disputes_yoy(ids: list[int], start: date, end: date, disputes: int):
    """(change in percent or None, reason or None): mediation's rule, over these communities."""
    previous = total("disputes", ids, year_earlier(start), year_earlier(end))
    return change_yoy(disputes, previous)


def all_figures(ids: list[int], start: date, end: date) -> tuple[dict, dict]:
    """(figures, unavailable): every figure of the contract for the communities and period."""
    figures: dict = totals(ids, start, end)
    unavailable: dict = {}
    figures["disputes_change_yoy"], reason = disputes_yoy(ids, start, end, figures["disputes"])
    if reason:
        unavailable["disputes_change_yoy"] = reason
    figures["points_outstanding"] = outstanding(ids, end)
    return {name: figures[name] for name in FIGURE_NAMES}, unavailable
