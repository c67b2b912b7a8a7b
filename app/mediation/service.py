"""Mediation cases: who opens and works them, what each viewer sees, earlier related cases,
the overdue flag, outcome rules, the follow-up visit and the figures per community.

Who does what:
- open a case: staff of the community, or its mediators (role `mediator`, granted when a 双报到
  registration with that role is approved, or by staff);
- record sessions, close, record the follow-up and the teams that helped: staff of the
  community or the case's own mediators (those named on the case or on one of its sessions);
- read: those, the community's other mediators and the street's `street_admin`; anyone else
  gets 404. Parties' names, phones and addresses are shown in full only to the community's
  staff and the case's mediators; every other viewer sees them masked, and the parties' names
  and phones are masked inside the case's texts too.

Services flush and never commit; the write boundary commits once per request.
"""
import base64
import logging
import re
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from app.auth.models import RoleGrant, User
from app.auth.permissions import has_role, has_street_scope, is_admin, require, scope_ids
from app.common.masking import mask_name, mask_phone
from app.common.timeutil import SHANGHAI
from app.community.models import Community, Household
from app.community.service import get_community
from app.errors import Conflict, Forbidden, Unprocessable
from app.extensions import db
from app.mediation.models import (
    MediationCase,
    MediationCaseMediator,
    MediationDuty,
    MediationParty,
    MediationSession,
    MediationTeamHelp,
)
from app.sql import get_or_404
from app.volunteering.teams import get_team
from app.web.pagination import MAX_LIMIT

log = logging.getLogger(__name__)
RELATED_LIMIT = 20
# Earliest and latest dates the figures accept (a year earlier must still be a date).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
FOLLOW_UP_AFTER_DAYS = 7  # default visit: a week after the last duty falls due


# -- who may do what --------------------------------------------------------------------------
def _holds(user: User, role: str, community_id: int) -> bool:
    """The user's own grant (an admin does not become a mediator by passing role checks)."""
    return any(g.role == role and g.community_id == community_id for g in user.grants)


def case_mediator_ids(case_ids: list[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {cid: set() for cid in case_ids}
    if not case_ids:
        return out
    rows = db.session.execute(sa.select(MediationCaseMediator.case_id,
                                        MediationCaseMediator.user_id)
                              .where(MediationCaseMediator.case_id.in_(case_ids)))
    for case_id, user_id in rows:
        out[case_id].add(user_id)
    return out


def sees_in_full(user: User, case: MediationCase, mediators: set[int]) -> bool:
    return user.id in mediators or has_role(user, "staff", community_id=case.community_id)


def can_view(user: User, case: MediationCase, mediators: set[int]) -> bool:
    if sees_in_full(user, case, mediators) or _holds(user, "mediator", case.community_id):
        return True
    street_id = db.session.scalar(sa.select(Community.street_id).where(
        Community.id == case.community_id))
    return has_street_scope(user, street_id)


def get_case(case_id: int, user: User) -> tuple[MediationCase, set[int]]:
    """The case and its mediators' ids, or 404 (also to those who may not see it)."""
    case = get_or_404(MediationCase, case_id, "调解案件不存在")
    mediators = case_mediator_ids([case.id])[case.id]
    require(can_view(user, case, mediators), hide=True)
    return case, mediators


def _case_to_work(case_id: int, user: User) -> tuple[MediationCase, set[int]]:
    case, mediators = get_case(case_id, user)
    require(sees_in_full(user, case, mediators))
    return case, mediators


def _check_mediators(community_id: int, user_ids: set[int]) -> None:
    """Mediators named on a case are the community's mediators or staff."""
    if not user_ids:
        return
    ok = set(db.session.scalars(sa.select(RoleGrant.user_id).where(
        RoleGrant.user_id.in_(user_ids), RoleGrant.role.in_(("mediator", "staff")),
        RoleGrant.community_id == community_id, RoleGrant.revoked_at.is_(None))))
    missing = sorted(user_ids - ok)
    if missing:
        raise Unprocessable(details={"fields": {"mediator_ids": [
            f"不是该社区的调解员：{', '.join(str(m) for m in missing)}"]}})


def _add_mediators(case: MediationCase, user_ids: set[int], current: set[int],
                   now: datetime) -> None:
    for uid in sorted(user_ids - current):
        db.session.add(MediationCaseMediator(case_id=case.id, user_id=uid, added_at=now))
    current |= user_ids


# -- opening, sessions, closing, follow-up, teams --------------------------------------------
def _address_key(address: str) -> str:
    return re.sub(r"\s+", "", address)


def open_case(user: User, data: dict, now: datetime) -> MediationCase:
    community_id = data["community_id"]
    get_community(community_id)
    require(has_role(user, "staff", community_id=community_id)
            or _holds(user, "mediator", community_id))
    households = {}
    for i, party in enumerate(data["parties"]):
        if party.get("household_id") is None:
            continue
        household = db.session.get(Household, party["household_id"])
        if household is None or household.community_id != community_id:
            raise Unprocessable(details={"fields": {"parties": {
                str(i): {"household_id": ["住户不属于该社区"]}}}})
        households[i] = household
    address = data.get("address", "").strip()
    if not address and households:
        address = households[min(households)].address
    case = MediationCase(community_id=community_id, kind=data["kind"],
                         summary=data["summary"], address=address,
                         address_key=_address_key(address), status="open",
                         opened_by_id=user.id, opened_at=now)
    db.session.add(case)
    db.session.flush()
    for i, party in enumerate(data["parties"]):
        db.session.add(MediationParty(case_id=case.id, position=i, name=party["name"].strip(),
                                      phone=party.get("phone") or None,
                                      household_id=party.get("household_id")))
    mediators = set(data.get("mediator_ids") or [])
    if _holds(user, "mediator", community_id):
        mediators.add(user.id)
    _check_mediators(community_id, mediators)
    _add_mediators(case, mediators, set(), now)
    db.session.flush()
    db.session.refresh(case)
    log.info("mediation case opened id=%s community=%s by=%s", case.id, community_id, user.id)
    return case


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def day_start(day: date) -> datetime:
    """Midnight in Asia/Shanghai of `day`, as an aware UTC datetime."""
    return datetime.combine(day, time.min, tzinfo=SHANGHAI).astimezone(UTC)


def _require_open(case: MediationCase) -> None:
    if case.status != "open":
        raise Conflict("case_closed", "案件已结案", details={"outcome": case.outcome})


def add_session(user: User, case_id: int, data: dict, now: datetime) -> MediationSession:
    case, mediators = _case_to_work(case_id, user)
    _require_open(case)
    at = data["at"]
    if local_day(at) < local_day(case.opened_at) or at > now + timedelta(days=365):
        raise Unprocessable(details={"fields": {"at": ["调解时间须在立案之后、一年之内"]}})
    named = set(data["mediator_ids"])
    _check_mediators(case.community_id, named)
    session = MediationSession(case_id=case.id, at=at, notes=data.get("notes", ""),
                               recorded_by_id=user.id, created_at=now)
    session.mediators = list(db.session.scalars(sa.select(User).where(User.id.in_(named))))
    db.session.add(session)
    _add_mediators(case, named, mediators, now)
    db.session.flush()
    log.info("mediation session id=%s case=%s by=%s", session.id, case.id, user.id)
    return session


def close_case(user: User, case_id: int, data: dict, now: datetime) -> MediationCase:
    """Close with an outcome. `agreed` needs a session held and the agreement's duties (each
    naming a party of the case, how and by when), and schedules the follow-up visit; `failed`
    and `referred` carry no agreement, and `referred` names where the case went."""
    case, _ = _case_to_work(case_id, user)
    _require_open(case)
    outcome = data["outcome"]
    duties = data.get("duties") or []
    errors: dict = {}
    follow_up_on = None
    if outcome == "agreed":
        held = db.session.scalar(sa.select(sa.func.count(MediationSession.id)).where(
            MediationSession.case_id == case.id))
        if not held:
            raise Conflict("no_session", "尚无调解记录，不能以达成协议结案")
        party_ids = {p.id for p in case.parties}
        opened = local_day(case.opened_at)
        strangers = {str(i): {"party_id": ["不是本案当事人"]}
                     for i, d in enumerate(duties) if d["party_id"] not in party_ids}
        if not duties:
            errors["duties"] = ["达成协议须写明各方义务"]
        elif strangers:
            errors["duties"] = strangers
        elif any(d["due_on"] < opened for d in duties):
            errors["duties"] = ["履行期限不能早于立案日期"]
        else:
            follow_up_on = data.get("follow_up_on") or (
                max(d["due_on"] for d in duties) + timedelta(days=FOLLOW_UP_AFTER_DAYS))
            if follow_up_on < local_day(now):
                errors["follow_up_on"] = ["回访日期不能早于今天"]
    else:
        for key in ("duties", "agreement_file_id", "follow_up_on"):
            if data.get(key):
                errors[key] = ["仅达成协议的案件可填写"]
        if outcome == "referred" and not data.get("referred_to", "").strip():
            errors["referred_to"] = ["请填写移交的单位"]
    if errors:
        raise Unprocessable(details={"fields": errors})
    done = db.session.execute(
        sa.update(MediationCase)
        .where(MediationCase.id == case.id, MediationCase.status == "open")
        .values(status="closed", outcome=outcome, closed_by_id=user.id, closed_at=now,
                close_note=data.get("note", ""),
                referred_to=data.get("referred_to", "").strip() if outcome == "referred" else "",
                agreement_file_id=data.get("agreement_file_id") if outcome == "agreed" else None,
                follow_up_on=follow_up_on)
        .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Conflict("case_closed", "案件已结案")
    for duty in duties:
        db.session.add(MediationDuty(case_id=case.id, party_id=duty["party_id"],
                                     duty=duty["duty"], method=duty.get("method", ""),
                                     due_on=duty["due_on"]))
    db.session.flush()
    db.session.refresh(case)
    log.info("mediation case closed id=%s outcome=%s by=%s", case.id, outcome, user.id)
    return case


def record_follow_up(user: User, case_id: int, data: dict, now: datetime) -> MediationCase:
    """The result of the follow-up visit (回访): is the agreement kept? Once per case."""
    case, _ = _case_to_work(case_id, user)
    if case.outcome != "agreed":
        raise Conflict("no_agreement", "只有达成协议的案件需要回访")
    done = db.session.execute(
        sa.update(MediationCase)
        .where(MediationCase.id == case.id, MediationCase.follow_up_result.is_(None))
        .values(follow_up_result=data["result"], follow_up_note=data.get("note", ""),
                follow_up_at=now, follow_up_by_id=user.id)
        .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Conflict("follow_up_recorded", "回访结果已记录")
    db.session.refresh(case)
    return case


def add_team_help(user: User, case_id: int, data: dict, now: datetime) -> MediationTeamHelp:
    case, _ = _case_to_work(case_id, user)
    team = get_team(data["team_id"])
    if team.community_id != case.community_id:
        raise Unprocessable(details={"fields": {"team_id": ["队伍不属于该社区"]}})
    if db.session.scalar(sa.select(MediationTeamHelp.id).where(
            MediationTeamHelp.case_id == case.id, MediationTeamHelp.team_id == team.id)):
        raise Conflict("already_recorded", "已记录该队伍参与本案")
    help_ = MediationTeamHelp(case_id=case.id, team_id=team.id, note=data.get("note", ""),
                              recorded_by_id=user.id, recorded_at=now)
    db.session.add(help_)
    db.session.flush()
    return help_


# -- earlier cases at the same address or between the same households -----------------------
def related_cases(case: MediationCase) -> list[dict]:
    """Earlier cases of the community at the same address, or between the same households
    (the same set of households, or at least two households in common)."""
    earlier = sa.and_(MediationCase.community_id == case.community_id,
                      MediationCase.id != case.id,
                      sa.or_(MediationCase.opened_at < case.opened_at,
                             sa.and_(MediationCase.opened_at == case.opened_at,
                                     MediationCase.id < case.id)))
    reasons: dict[int, list[str]] = {}
    if case.address_key:
        for cid in db.session.scalars(sa.select(MediationCase.id).where(
                earlier, MediationCase.address_key == case.address_key)):
            reasons.setdefault(cid, []).append("address")
    mine = {p.household_id for p in case.parties if p.household_id}
    if mine:
        rows = db.session.execute(
            sa.select(MediationParty.case_id, MediationParty.household_id)
            .join(MediationCase, MediationCase.id == MediationParty.case_id)
            .where(earlier, MediationParty.case_id.in_(
                sa.select(MediationParty.case_id).where(
                    MediationParty.household_id.in_(mine))),
                MediationParty.household_id.is_not(None)))
        theirs: dict[int, set[int]] = {}
        for cid, hid in rows:
            theirs.setdefault(cid, set()).add(hid)
        for cid, hids in theirs.items():
            if hids == mine or len(hids & mine) >= 2:
                reasons.setdefault(cid, []).append("households")
    if not reasons:
        return []
    cases = db.session.scalars(sa.select(MediationCase).where(
        MediationCase.id.in_(reasons)).order_by(MediationCase.opened_at.desc(),
                                                 MediationCase.id.desc())
        .limit(RELATED_LIMIT))
    return [{"id": c.id, "kind": c.kind, "status": c.status, "outcome": c.outcome,
             "opened_at": c.opened_at, "closed_at": c.closed_at, "match": reasons[c.id]}
            for c in cases]


# -- what a viewer sees -------------------------------------------------------------------------
def overdue_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=current_app.config["MEDIATION_OVERDUE_DAYS"])


def is_overdue(case: MediationCase, now: datetime) -> bool:
    return case.status == "open" and case.opened_at < overdue_cutoff(now)


def _mask_address(address: str) -> str:
    if not address:
        return address
    keep = max(1, len(address) // 2)
    return address[:keep] + "****"


def _redactor(case: MediationCase):
    """Masks the parties' names and phones wherever they appear in the case's texts."""
    pairs = []
    for p in case.parties:
        if len(p.name) >= 2:
            pairs.append((p.name, mask_name(p.name)))
        if p.phone:
            pairs.append((p.phone, mask_phone(p.phone)))
    pairs.sort(key=lambda pair: -len(pair[0]))

    def redact(text: str | None) -> str | None:
        for plain, masked in pairs:
            if text:
                text = text.replace(plain, masked)
        return text

    return redact


def _party_view(party: MediationParty, full: bool) -> dict:
    household = party.household
    address = None
    if household is not None:
        address = household.address if full else household.address_masked
    return {"id": party.id, "name": party.name if full else mask_name(party.name),
            "phone": party.phone if full else mask_phone(party.phone),
            "household_id": party.household_id, "address": address}


def case_view(case: MediationCase, viewer: User, mediators: set[int], now: datetime,
              detail: bool = False) -> dict:
    full = sees_in_full(viewer, case, mediators)
    shown = (lambda text: text) if full else _redactor(case)
    follow_up = None
    if case.follow_up_on is not None:
        follow_up = {"due_on": case.follow_up_on, "result": case.follow_up_result,
                     "note": shown(case.follow_up_note), "recorded_at": case.follow_up_at,
                     "due": case.follow_up_result is None and case.follow_up_on <= local_day(now)}
    out = {
        "id": case.id, "community_id": case.community_id, "kind": case.kind,
        "summary": shown(case.summary), "status": case.status, "outcome": case.outcome,
        "address": case.address if full else _mask_address(case.address),
        "parties": [_party_view(p, full) for p in case.parties],
        "mediator_ids": sorted(mediators), "masked": not full,
        "opened_by_id": case.opened_by_id, "opened_at": case.opened_at,
        "closed_at": case.closed_at, "overdue": is_overdue(case, now),
        "referred_to": case.referred_to or None, "close_note": shown(case.close_note),
        "agreement_file_id": case.agreement_file_id,
        "duties": [{"id": d.id, "party_id": d.party_id, "duty": shown(d.duty),
                    "method": shown(d.method), "due_on": d.due_on} for d in case.duties],
        "follow_up": follow_up,
    }
    if detail:
        sessions = db.session.scalars(sa.select(MediationSession).where(
            MediationSession.case_id == case.id).order_by(MediationSession.at,
                                                           MediationSession.id))
        out["sessions"] = [session_view(s, shown) for s in sessions]
        helps = db.session.scalars(sa.select(MediationTeamHelp).where(
            MediationTeamHelp.case_id == case.id).order_by(MediationTeamHelp.id))
        out["teams"] = [team_help_view(h) for h in helps]
        out["related"] = related_cases(case)
    return out


def session_view(session: MediationSession, shown=None) -> dict:
    shown = shown or (lambda text: text)
    return {"id": session.id, "case_id": session.case_id, "at": session.at,
            "notes": shown(session.notes),
            "mediators": [{"id": u.id, "nickname": u.nickname} for u in session.mediators],
            "recorded_by_id": session.recorded_by_id}


def team_help_view(help_: MediationTeamHelp) -> dict:
    return {"team_id": help_.team_id, "name": help_.team.name, "kind": help_.team.kind,
            "note": help_.note, "recorded_at": help_.recorded_at}


# -- lists: overdue first -----------------------------------------------------------------------
def list_stmt(user: User, scope: str, community_id: int | None, status: str | None):
    stmt = sa.select(MediationCase)
    if scope == "mine":
        stmt = stmt.where(MediationCase.id.in_(sa.select(MediationCaseMediator.case_id).where(
            MediationCaseMediator.user_id == user.id)))
        if community_id is not None:
            stmt = stmt.where(MediationCase.community_id == community_id)
    else:
        if community_id is None:
            mine = (scope_ids(user, "staff", "community_id")
                    | scope_ids(user, "mediator", "community_id"))
            if len(mine) != 1:
                raise Unprocessable(details={"fields": {"community_id": ["请指定社区"]}})
            community_id = next(iter(mine))
        community = get_community(community_id)
        if not (has_role(user, "staff", community_id=community_id)
                or _holds(user, "mediator", community_id)
                or has_street_scope(user, community.street_id)):
            raise Forbidden()
        stmt = stmt.where(MediationCase.community_id == community_id)
    if status:
        stmt = stmt.where(MediationCase.status == status)
    return stmt


def _encode(rank: int, ident: int) -> str:
    return base64.urlsafe_b64encode(f"{rank}:{ident}".encode()).decode().rstrip("=")


def _decode(cursor: str | None) -> tuple[int, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        rank, ident = raw.split(":")
        if rank not in ("0", "1") or not ident.isdigit() or len(ident) > 10:
            raise ValueError(raw)
        return int(rank), int(ident)
    except (ValueError, UnicodeDecodeError):
        raise Unprocessable(details={"fields": {"cursor": ["无效的游标"]}}) from None


def page(stmt, args: dict, now: datetime) -> tuple[list[MediationCase], str | None]:
    """Overdue cases first, then the rest; newest first within each group."""
    limit = min(int(args.get("limit") or 20), MAX_LIMIT)
    overdue = sa.and_(MediationCase.status == "open",
                      MediationCase.opened_at < overdue_cutoff(now))
    rank = sa.case((overdue, 0), else_=1)
    cursor = _decode(args.get("cursor"))
    if cursor:
        stmt = stmt.where(sa.or_(rank > cursor[0],
                                 sa.and_(rank == cursor[0], MediationCase.id < cursor[1])))
    rows = list(db.session.scalars(stmt.order_by(rank, MediationCase.id.desc())
                                   .limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = None
    if more and rows:
        nxt = _encode(0 if is_overdue(rows[-1], now) else 1, rows[-1].id)
    return rows, nxt


# -- figures --------------------------------------------------------------------------------------
def year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


NO_BASE = "去年同期没有调解案件，无法计算同比"


def change_yoy(opened: int, previous: int) -> tuple[float | None, str | None]:
    """Year-on-year change of cases opened, in percent to one decimal; None with the reason
    when a year earlier had none (no base to compare with)."""
    if not previous:
        return None, NO_BASE
    return round((opened - previous) * 100 / previous, 1), None


def _counts(community_id: int, start: date, end: date) -> dict:
    lo, hi = day_start(start), day_start(end + timedelta(days=1))
    opened = db.session.scalar(sa.select(sa.func.count(MediationCase.id)).where(
        MediationCase.community_id == community_id, MediationCase.opened_at >= lo,
        MediationCase.opened_at < hi))
    closed = dict(db.session.execute(
        sa.select(MediationCase.outcome, sa.func.count(MediationCase.id)).where(
            MediationCase.community_id == community_id, MediationCase.status == "closed",
            MediationCase.closed_at >= lo, MediationCase.closed_at < hi)
        .group_by(MediationCase.outcome)).all())
    with_teams = db.session.scalar(sa.select(sa.func.count(MediationCase.id)).where(
        MediationCase.community_id == community_id, MediationCase.outcome == "agreed",
        MediationCase.closed_at >= lo, MediationCase.closed_at < hi,
        MediationCase.id.in_(sa.select(MediationTeamHelp.case_id))))
    return {"opened": int(opened or 0), "agreed": int(closed.get("agreed", 0)),
            "failed": int(closed.get("failed", 0)), "referred": int(closed.get("referred", 0)),
            "agreed_with_teams": int(with_teams or 0)}


def stats(user: User, community_id: int, start: date, end: date) -> dict:
    """Cases opened in [start, end] (Asia/Shanghai dates, `end` included); cases closed in it
    as agreed, failed or referred; and `opened` against the same dates a year earlier."""
    community = get_community(community_id)
    require(has_role(user, "staff", community_id=community_id)
            or _holds(user, "mediator", community_id)
            or has_street_scope(user, community.street_id) or is_admin(user)
            or has_role(user, "org_dept"))
    if end < start:
        raise Unprocessable(details={"fields": {"to": ["结束日期不能早于开始日期"]}})
    now_counts = _counts(community_id, start, end)
    prev_start, prev_end = year_earlier(start), year_earlier(end)
    previous = _counts(community_id, prev_start, prev_end)["opened"]
    change, reason = change_yoy(now_counts["opened"], previous)
    return {"community_id": community_id, "from": start, "to": end, **now_counts,
            "disputes": now_counts["opened"],
            "previous_year": {"from": prev_start, "to": prev_end},
            "previous_year_opened": previous, "change_pct": change, "change_reason": reason}
