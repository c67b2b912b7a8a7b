"""Party-member registration with the home community (双报到), 党员邻居 pairings and visits,
and the quarterly service summary that staff send to each member's employer unit.

Registrations are decided only by staff of their own community (others get 404: they may not
even learn it exists). Approval grants the community-scoped roles through the auth service
(party_member, and volunteer or mediator when registered as such) and places the member in a
grid and teams (volunteering's teams).

The summary's hours, shifts and no-shows come from volunteering's statistics, and the service
requests each member completed from the orders domain's read queries.
"""
import csv
import io
import logging
from datetime import datetime

import sqlalchemy as sa

from app.auth import service as auth_service
from app.auth.models import User
from app.auth.permissions import has_role, require
from app.common.masking import mask_phone
from app.common.spreadsheet import neutralise, table_xlsx
from app.community.models import Grid
from app.community.service import get_community, get_household
from app.errors import Conflict, NotFound, Unprocessable
from app.extensions import db
from app.orders.queries import completed_by_assignee
from app.party.models import Pairing, PartyRegistration, Visit
from app.sql import get_or_404
from app.volunteering.models import Team
from app.volunteering.stats import attendance_totals, no_show_counts, quarter_bounds
from app.volunteering.teams import join_team
from app.wechat.content import require_clean

log = logging.getLogger(__name__)
ROLE_LABELS = {"info_officer": "社情民意信息员", "mediator": "矛盾纠纷调解员",
               "volunteer": "志愿者"}
# Roles in the auth sense that an approved registration grants in its community: always
# party_member, and each registered role that is also an auth role (volunteer, mediator).
GRANTED = ("party_member",)
GRANTED_IF_REGISTERED = ("volunteer", "mediator")


def register(user: User, community_id: int, unit_name: str, roles: list[str],
             now: datetime) -> PartyRegistration:
    get_community(community_id)
    live = db.session.scalar(sa.select(PartyRegistration).where(
        PartyRegistration.user_id == user.id, PartyRegistration.community_id == community_id,
        PartyRegistration.status != "rejected"))
    if live:
        raise Conflict("registration_exists", "您已向该社区报到",
                       details={"registration_id": live.id, "status": live.status})
    require_clean({"unit_name": unit_name}, user.openid)
    reg = PartyRegistration(user_id=user.id, community_id=community_id, unit_name=unit_name,
                            roles=",".join(sorted(set(roles))), status="pending",
                            created_at=now)
    db.session.add(reg)
    db.session.flush()
    log.info("party registration id=%s user=%s community=%s", reg.id, user.id, community_id)
    return reg


def staff_registration(staff: User, registration_id: int) -> PartyRegistration:
    reg = get_or_404(PartyRegistration, registration_id, "报到申请不存在")
    require(has_role(staff, "staff", community_id=reg.community_id), hide=True)
    return reg


def decide(staff: User, registration_id: int, approve: bool, now: datetime, note: str = "",
           grid_id: int | None = None, team_ids: list[int] | None = None) -> PartyRegistration:
    reg = staff_registration(staff, registration_id)
    teams = _check_placement(reg.community_id, grid_id, team_ids or []) if approve else []
    done = db.session.execute(
        sa.update(PartyRegistration)
        .where(PartyRegistration.id == reg.id, PartyRegistration.status == "pending")
        .values(status="approved" if approve else "rejected", decided_by_id=staff.id,
                decided_at=now, note=note, grid_id=grid_id if approve else None)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(reg)
    if not done:
        raise Conflict("invalid_transition", "该申请已处理", details={"status": reg.status})
    if approve:
        member = reg.user
        wanted = list(GRANTED) + [r for r in GRANTED_IF_REGISTERED if r in reg.role_list]
        for role in wanted:
            held = any(g.role == role and g.community_id == reg.community_id
                       for g in member.grants)
            if not held:
                auth_service.grant_role(staff, member.id, role,
                                        {"community_id": reg.community_id})
        for team in teams:
            join_team(team, member.id, now)
    log.info("party registration decided id=%s status=%s by=%s", reg.id, reg.status, staff.id)
    return reg


def _check_placement(community_id: int, grid_id: int | None, team_ids: list[int]) -> list[Team]:
    if grid_id is not None:
        grid = db.session.get(Grid, grid_id)
        if grid is None or grid.community_id != community_id:
            raise Unprocessable(details={"fields": {"grid_id": ["网格不属于该社区"]}})
    teams = list(db.session.scalars(sa.select(Team).where(Team.id.in_(team_ids))))
    if len(teams) != len(set(team_ids)) or any(t.community_id != community_id for t in teams):
        raise Unprocessable(details={"fields": {"team_ids": ["队伍不属于该社区"]}})
    return teams


# -- 党员邻居: pairings and visits -----------------------------------------------------------
def create_pairing(staff: User, registration_id: int, household_id: int, reason: str,
                   now: datetime) -> Pairing:
    reg = staff_registration(staff, registration_id)
    if reg.status != "approved":
        raise Conflict("registration_not_approved", "党员报到尚未审核通过",
                       details={"status": reg.status})
    household = get_household(household_id)
    if household.community_id != reg.community_id:
        raise Unprocessable(details={"fields": {"household_id": ["住户不属于该社区"]}})
    live = db.session.scalar(sa.select(Pairing.id).where(
        Pairing.registration_id == reg.id, Pairing.household_id == household_id,
        Pairing.ended_at.is_(None)))
    if live:
        raise Conflict("pairing_exists", "已结对该住户", details={"pairing_id": live})
    pairing = Pairing(registration_id=reg.id, member_id=reg.user_id, household_id=household_id,
                      community_id=reg.community_id, reason=reason, created_by_id=staff.id,
                      created_at=now)
    db.session.add(pairing)
    db.session.flush()
    log.info("pairing created id=%s registration=%s by=%s", pairing.id, reg.id, staff.id)
    return pairing


def can_see_pairing(user: User, pairing: Pairing) -> bool:
    return pairing.member_id == user.id or has_role(user, "staff",
                                                   community_id=pairing.community_id)


def visible_pairing(user: User, pairing_id: int) -> Pairing:
    pairing = get_or_404(Pairing, pairing_id, "结对不存在")
    require(can_see_pairing(user, pairing), hide=True)
    return pairing


def end_pairing(staff: User, pairing_id: int, now: datetime) -> Pairing:
    pairing = get_or_404(Pairing, pairing_id, "结对不存在")
    require(has_role(staff, "staff", community_id=pairing.community_id), hide=True)
    if pairing.ended_at is not None:
        raise Conflict("pairing_ended", "该结对已结束")
    pairing.ended_at = now
    db.session.flush()
    return pairing


def log_visit(user: User, pairing_id: int, visited_at: datetime, minutes: int, note: str,
              now: datetime) -> Visit:
    """The paired member logs a visit; staff of the community may log one on their behalf."""
    pairing = visible_pairing(user, pairing_id)
    if pairing.ended_at is not None:
        raise Conflict("pairing_ended", "该结对已结束")
    if visited_at > now:
        raise Unprocessable(details={"fields": {"visited_at": ["走访时间不能晚于现在"]}})
    require_clean({"note": note}, user.openid)
    visit = Visit(pairing_id=pairing.id, visited_at=visited_at, minutes=minutes, note=note,
                  created_at=now)
    db.session.add(visit)
    db.session.flush()
    log.info("visit logged id=%s pairing=%s by=%s", visit.id, pairing.id, user.id)
    return visit


# -- quarterly summaries ----------------------------------------------------------------------
def summaries(community_id: int, year: int, quarter: int,
              registration_id: int | None = None) -> list[dict]:
    """One row per approved registration of the community: hours (verified and manual), shifts
    attended, no-shows, 党员邻居 visits and service requests handled in the quarter. Six
    queries whatever the number of members."""
    start, end = quarter_bounds(year, quarter)
    stmt = sa.select(PartyRegistration).where(PartyRegistration.community_id == community_id,
                                              PartyRegistration.status == "approved")
    if registration_id is not None:
        stmt = stmt.where(PartyRegistration.id == registration_id)
    regs = list(db.session.scalars(stmt.order_by(PartyRegistration.id)))
    user_ids = [r.user_id for r in regs]
    totals = attendance_totals(user_ids, None, start, end)
    no_shows = no_show_counts(user_ids, None, start, end)
    visit_rows = db.session.execute(
        sa.select(Pairing.registration_id, sa.func.count(Visit.id),
                  sa.func.coalesce(sa.func.sum(Visit.minutes), 0))
        .join(Visit, Visit.pairing_id == Pairing.id)
        .where(Pairing.registration_id.in_([r.id for r in regs]),
               Visit.visited_at >= start, Visit.visited_at < end)
        .group_by(Pairing.registration_id)).all()
    visits = {rid: (int(n), int(m)) for rid, n, m in visit_rows}
    handled = completed_by_assignee(user_ids, start, end)
    out = []
    for reg in regs:
        t = totals.get(reg.user_id, {})
        verified, manual = t.get("verified_minutes", 0), t.get("manual_minutes", 0)
        n_visits, visit_minutes = visits.get(reg.id, (0, 0))
        out.append({
            "registration_id": reg.id, "user_id": reg.user_id, "name": reg.user.nickname,
            "phone": mask_phone(reg.user.phone), "unit_name": reg.unit_name,
            "roles": reg.role_list, "year": year, "quarter": quarter,
            "verified_minutes": verified, "manual_minutes": manual,
            "hours": round((verified + manual) / 60, 1), "activities": t.get("activities", 0),
            "points": t.get("points", 0), "no_shows": no_shows.get(reg.user_id, 0),
            "visits": n_visits, "visit_minutes": visit_minutes,
            "requests_handled": handled.get(reg.user_id, 0),
        })
    return out


def member_summary(user: User, registration_id: int, year: int, quarter: int) -> dict:
    """The member's own summary of the quarter, for the member or staff of the community."""
    reg = get_or_404(PartyRegistration, registration_id, "报到申请不存在")
    require(reg.user_id == user.id or has_role(user, "staff", community_id=reg.community_id),
            hide=True)
    rows = summaries(reg.community_id, year, quarter, reg.id)
    if not rows:
        raise NotFound("registration_not_approved", "报到尚未审核通过")
    return rows[0]


CSV_HEADER = ["姓名", "手机号", "工作单位", "报到岗位", "年度", "季度", "志愿时长(小时)",
              "其中现场核验(分钟)", "其中补录(分钟)", "参与活动数", "缺席次数", "党员邻居走访次数",
              "走访时长(分钟)", "办结服务单数"]


_cell = neutralise  # spreadsheet formulas in user-typed text (CSV injection)


def _summary_row(r: dict) -> list:
    return [r["name"], r["phone"] or "", r["unit_name"],
            "、".join(ROLE_LABELS.get(x, x) for x in r["roles"]), r["year"], r["quarter"],
            r["hours"], r["verified_minutes"], r["manual_minutes"], r["activities"],
            r["no_shows"], r["visits"], r["visit_minutes"], r["requests_handled"]]


def summaries_csv(rows: list[dict]) -> str:
    """UTF-8 CSV with a byte-order mark so that Excel opens the Chinese text correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow([_cell(v) for v in _summary_row(r)])
    return "\ufeff" + buf.getvalue()


def summaries_xlsx(rows: list[dict]) -> bytes:
    """The same table as the CSV, as an Excel workbook (numbers stay numbers)."""
    return table_xlsx("党员季度服务汇总", CSV_HEADER, (_summary_row(r) for r in rows))
