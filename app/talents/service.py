"""银发人才库 and secretary candidates: rules and writes (the ledger is in ledger.py).

Who does what:
- see talents, candidates and the ledger: staff of the community, street admins of its street,
  the organisation department (`org_dept`) and admins; anyone else gets 404 for a record and
  403 for a list;
- file talents, put candidates forward, record checklist items, keep the ledger: staff of the
  community and the organisation department (the ledger: staff of the community);
- verify a candidate: the organisation department only (admins pass every role check);
- appoint: the organisation department or staff of the body's community, through
  `organisations.service.add_seat`, so the seat, its term and the roles that follow seats are
  organisations' own. A candidate with any negative-list item marked `hit` is never appointed
  (409 `negative_list`), whatever their status.

Services flush and never commit.
"""
import logging
from datetime import date, datetime

import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import has_role, has_street_scope, is_admin, require, street_ids
from app.common.timeutil import SHANGHAI
from app.community.models import Community
from app.community.service import get_community
from app.errors import Conflict, NotFound, Unprocessable
from app.extensions import db
from app.organisations import service as organisations
from app.organisations.models import OrgBody
from app.talents.models import (
    CHECK_ITEMS,
    NEGATIVE_ITEMS,
    POSITIVE_ITEMS,
    Candidate,
    CandidateCheck,
    Talent,
    TalentTag,
)

log = logging.getLogger(__name__)


def current_year(now: datetime) -> int:
    """Ages are counted from the birth year against the year in Asia/Shanghai."""
    return now.astimezone(SHANGHAI).year


# -- who may see and do what ---------------------------------------------------------------
def overseer(user: User) -> bool:
    """Admins and the organisation department see every community's pool and ledger."""
    return is_admin(user) or has_role(user, "org_dept")


def visible_community_ids(user: User) -> set[int] | None:
    """Communities whose pool and ledger the user may read; None for all."""
    if overseer(user):
        return None
    ids = {g.community_id for g in user.grants if g.role == "staff" and g.community_id}
    streets = street_ids(user)
    if streets:
        ids |= set(db.session.scalars(sa.select(Community.id).where(
            Community.street_id.in_(streets))))
    return ids


def may_see(user: User, community_id: int) -> bool:
    if overseer(user) or has_role(user, "staff", community_id=community_id):
        return True
    community = db.session.get(Community, community_id)
    return community is not None and has_street_scope(user, community.street_id)


def may_keep(user: User, community_id: int) -> bool:
    """File talents, put candidates forward, record checks: staff there, or 组织部."""
    return has_role(user, "staff", community_id=community_id) or has_role(user, "org_dept")


def may_unmask(user: User, community_id: int) -> bool:
    """Who needs a talent's full phone: staff of the community (to call) and 组织部."""
    return has_role(user, "staff", community_id=community_id) or has_role(user, "org_dept")


def require_any_reader(user: User) -> None:
    ids = visible_community_ids(user)
    require(ids is None or bool(ids))


# -- talents ---------------------------------------------------------------------------------
def _tags(kind: str, values: list[str]) -> list[TalentTag]:
    seen, out = set(), []
    for value in values:
        value = value.strip()
        if value and value not in seen:
            seen.add(value)
            out.append(TalentTag(kind=kind, value=value))
    return out


def create_talent(user: User, data: dict, now: datetime) -> Talent:
    community_id = data["community_id"]
    get_community(community_id)
    require(may_keep(user, community_id))
    if data["birth_year"] > current_year(now):
        raise Unprocessable(details={"fields": {"birth_year": ["出生年份不能晚于今年"]}})
    user_id = data.get("user_id")
    if user_id is not None and db.session.get(User, user_id) is None:
        raise Unprocessable(details={"fields": {"user_id": ["用户不存在"]}})
    talent = Talent(
        community_id=community_id, user_id=user_id, name=data["name"].strip(),
        phone=(data.get("phone") or "").strip(), birth_year=data["birth_year"],
        former_field=data["former_field"].strip(), former_unit=data.get("former_unit", ""),
        party_member=data.get("party_member", True),
        health_note=data.get("health_note", ""),
        availability_note=data.get("availability_note", ""),
        created_by_id=user.id, created_at=now,
        tags=_tags("expertise", data.get("expertise", [])) + _tags("willing",
                                                                  data.get("willing", [])))
    db.session.add(talent)
    db.session.flush()
    log.info("talent filed id=%s community=%s by=%s", talent.id, community_id, user.id)
    return talent


EDITABLE = ("name", "phone", "birth_year", "former_field", "former_unit", "party_member",
            "health_note", "availability_note")


def update_talent(user: User, talent_id: int, changes: dict, now: datetime) -> Talent:
    """Staff of the community (or 组织部) keep a profile up to date; tags given are replaced."""
    talent = get_talent(user, talent_id)
    require(may_keep(user, talent.community_id))
    if changes.get("birth_year", 0) > current_year(now):
        raise Unprocessable(details={"fields": {"birth_year": ["出生年份不能晚于今年"]}})
    for key in EDITABLE:
        if key in changes:
            value = changes[key]
            setattr(talent, key, value.strip() if isinstance(value, str) else value)
    for kind in ("expertise", "willing"):
        if kind in changes:
            talent.tags = [t for t in talent.tags if t.kind != kind]
            db.session.flush()
            talent.tags.extend(_tags(kind, changes[kind]))
    db.session.flush()
    log.info("talent updated id=%s fields=%s by=%s", talent.id, ",".join(sorted(changes)),
             user.id)
    return talent


def get_talent(user: User, talent_id: int) -> Talent:
    talent = db.session.get(Talent, talent_id)
    if talent is None or not may_see(user, talent.community_id):
        raise NotFound(message="人才档案不存在")
    return talent


def talent_stmt(user: User, args: dict, now: datetime) -> sa.Select:
    """The talents the user may see, filtered by community, field, expertise, willingness and
    age (from the birth year, against this year in Asia/Shanghai)."""
    require_any_reader(user)
    stmt = sa.select(Talent)
    community_id = args.get("community_id")
    if community_id is not None:
        get_community(community_id)
        require(may_see(user, community_id))
        stmt = stmt.where(Talent.community_id == community_id)
    else:
        ids = visible_community_ids(user)
        if ids is not None:
            stmt = stmt.where(Talent.community_id.in_(ids))
    if args.get("field"):
        stmt = stmt.where(Talent.former_field == args["field"])
    for kind in ("expertise", "willing"):
        if args.get(kind):
            stmt = stmt.where(Talent.id.in_(sa.select(TalentTag.talent_id).where(
                TalentTag.kind == kind, TalentTag.value == args[kind])))
    year = current_year(now)
    if args.get("age_max") is not None:
        stmt = stmt.where(Talent.birth_year >= year - args["age_max"])
    if args.get("age_min") is not None:
        stmt = stmt.where(Talent.birth_year <= year - args["age_min"])
    if args.get("q"):
        stmt = stmt.where(Talent.name.contains(args["q"], autoescape=True))
    return stmt


# -- candidates ------------------------------------------------------------------------------
def get_party_org(user: User, body_id: int) -> OrgBody:
    """A compound party organisation the user may see through the pool's rules, else 404."""
    body = db.session.get(OrgBody, body_id)
    if body is None or body.kind != "compound_party" or not (
            may_see(user, body.community_id)
            or any(may_see(user, c) for c in organisations.body_communities(body))):
        raise NotFound(message="小区党组织不存在")
    return body


def get_candidate(user: User, body_id: int, candidate_id: int) -> Candidate:
    body = get_party_org(user, body_id)
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None or candidate.body_id != body.id:
        raise NotFound(message="候选人不存在")
    return candidate


def _candidate_to_keep(user: User, body_id: int, candidate_id: int) -> Candidate:
    candidate = get_candidate(user, body_id, candidate_id)
    body = db.session.get(OrgBody, candidate.body_id)
    require(may_keep(user, body.community_id))
    return candidate


LIVE = ("nominated", "verified")


def nominate(user: User, body_id: int, data: dict, now: datetime) -> Candidate:
    """A self-nomination or a recommendation by the person's unit party organisation."""
    body = get_party_org(user, body_id)
    require(may_keep(user, body.community_id))
    if body.dissolved_at is not None:
        raise Conflict("body_dissolved", "该组织已解散")
    talent_id, user_id = data.get("talent_id"), data.get("user_id")
    if (talent_id is None) == (user_id is None):
        raise Unprocessable(details={"fields": {"talent_id": ["请填写人才档案或用户，二选一"]}})
    name = (data.get("name") or "").strip()
    if talent_id is not None:
        talent = db.session.get(Talent, talent_id)
        if talent is None or talent.community_id not in organisations.body_communities(body):
            raise Unprocessable(details={"fields": {"talent_id": ["不是本社区人才库中的档案"]}})
        user_id, name = talent.user_id, talent.name
    else:
        person = db.session.get(User, user_id)
        if person is None:
            raise Unprocessable(details={"fields": {"user_id": ["用户不存在"]}})
        name = name or person.nickname
    if not name:
        raise Unprocessable(details={"fields": {"name": ["请填写姓名"]}})
    recommended_by = (data.get("recommended_by") or "").strip()
    if data["source"] == "unit" and not recommended_by:
        raise Unprocessable(details={"fields": {"recommended_by": ["单位推荐须填写推荐的党组织"]}})
    same = sa.or_(Candidate.talent_id == talent_id, Candidate.user_id == user_id) \
        if talent_id is not None and user_id is not None else (
            Candidate.talent_id == talent_id if talent_id is not None
            else Candidate.user_id == user_id)
    live = db.session.scalar(sa.select(Candidate.id).where(
        Candidate.body_id == body.id, Candidate.status.in_(LIVE), same))
    if live:
        raise Conflict("candidate_exists", "此人已是该组织的候选人",
                       details={"candidate_id": live})
    candidate = Candidate(body_id=body.id, talent_id=talent_id, user_id=user_id, name=name,
                          source=data["source"], recommended_by=recommended_by,
                          position=data.get("position", "head"), status="nominated",
                          note=data.get("note", ""), created_by_id=user.id, created_at=now)
    db.session.add(candidate)
    db.session.flush()
    log.info("candidate id=%s body=%s source=%s by=%s", candidate.id, body.id,
             candidate.source, user.id)
    return candidate


def record_checks(user: User, body_id: int, candidate_id: int, items: list[dict],
                  now: datetime) -> Candidate:
    """Record checklist items: a positive standard `met`/`not_met`, a negative list
    `clear`/`hit`. Recording an item again replaces its result, checker and time."""
    candidate = _candidate_to_keep(user, body_id, candidate_id)
    if candidate.status not in LIVE:
        raise Conflict("candidate_closed", "候选人已任命或已否决，不能再登记审查")
    problems = {}
    for i, entry in enumerate(items):
        allowed = ("clear", "hit") if entry["item"] in NEGATIVE_ITEMS else ("met", "not_met")
        if entry["result"] not in allowed:
            problems[str(i)] = [f"{CHECK_ITEMS[entry['item']]}的结果只能是{'/'.join(allowed)}"]
    if problems:
        raise Unprocessable(details={"fields": {"items": problems}})
    existing = {c.item: c for c in candidate.checks}
    for entry in items:
        check = existing.get(entry["item"])
        if check is None:
            check = CandidateCheck(candidate_id=candidate.id, item=entry["item"])
            db.session.add(check)
            existing[entry["item"]] = check
        check.result, check.note = entry["result"], entry.get("note", "")
        check.checked_by_id, check.checked_at = user.id, now
    db.session.flush()
    db.session.expire(candidate, ["checks"])
    log.info("candidate checks id=%s items=%s by=%s", candidate.id,
             ",".join(e["item"] for e in items), user.id)
    return candidate


def negative_hits(candidate: Candidate) -> list[str]:
    return [c.item for c in candidate.checks if c.item in NEGATIVE_ITEMS and c.result == "hit"]


def _refuse_negative(candidate: Candidate) -> None:
    hits = negative_hits(candidate)
    if hits:
        raise Conflict("negative_list", "候选人触及负面清单，不能任用",
                       details={"items": hits, "names": [CHECK_ITEMS[i] for i in hits]})


def _move(candidate: Candidate, frm: tuple[str, ...], to: str, **values) -> None:
    """One conditional UPDATE, so two racing steps cannot both win."""
    done = db.session.execute(
        sa.update(Candidate).where(Candidate.id == candidate.id, Candidate.status.in_(frm))
        .values(status=to, **values).execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Conflict("candidate_state", "候选人当前状态不允许此操作",
                       details={"status": candidate.status})
    db.session.refresh(candidate)


def verify(user: User, body_id: int, candidate_id: int, approve: bool, note: str,
           now: datetime) -> Candidate:
    """组织部 verifies (every item recorded, every standard met, no negative item) or
    rejects a nominated candidate."""
    candidate = get_candidate(user, body_id, candidate_id)
    require(has_role(user, "org_dept"))
    if approve:
        _refuse_negative(candidate)
        recorded = {c.item: c.result for c in candidate.checks}
        missing = [i for i in CHECK_ITEMS if i not in recorded]
        if missing:
            raise Conflict("checks_incomplete", "审查项目尚未全部登记",
                           details={"items": missing})
        unmet = [i for i in POSITIVE_ITEMS if recorded[i] != "met"]
        if unmet:
            raise Conflict("standards_not_met", "候选人未达到全部正面标准",
                           details={"items": unmet})
        _move(candidate, ("nominated",), "verified", verified_by_id=user.id, verified_at=now,
              verify_note=note)
    else:
        _move(candidate, LIVE, "rejected", verified_by_id=user.id, verified_at=now,
              verify_note=note)
    log.info("candidate status=%s id=%s by=%s", candidate.status, candidate.id, user.id)
    return candidate


def appoint(user: User, body_id: int, candidate_id: int, data: dict, now: datetime) -> Candidate:
    """The verified candidate takes a seat in the compound party organisation."""
    candidate = get_candidate(user, body_id, candidate_id)
    body = db.session.get(OrgBody, candidate.body_id)
    require(has_role(user, "org_dept") or has_role(user, "staff",
                                                   community_id=body.community_id))
    _refuse_negative(candidate)
    if candidate.status != "verified":
        raise Conflict("not_verified", "候选人尚未经组织部审核通过",
                       details={"status": candidate.status})
    seat = organisations.add_seat(user, body.id, {
        "user_id": candidate.user_id, "name": candidate.name, "role": candidate.position,
        "title": data.get("title", ""), "term_start": data.get("term_start"),
        "term_end": data.get("term_end")}, now)
    _move(candidate, ("verified",), "appointed", seat_id=seat.id, appointed_by_id=user.id,
          appointed_at=now)
    log.info("candidate appointed id=%s seat=%s by=%s", candidate.id, seat.id, user.id)
    return candidate


def candidates_stmt(user: User, body_id: int, status: str | None) -> sa.Select:
    body = get_party_org(user, body_id)
    stmt = sa.select(Candidate).where(Candidate.body_id == body.id)
    if status:
        stmt = stmt.where(Candidate.status == status)
    return stmt


def age_of(birth_year: int, today: date) -> int:
    return today.year - birth_year

