"""Compound bodies, seats and terms, cross-appointment, property class and 片区大物业.

Who does what:
- register a body, change its compounds, dissolve it, add and end seats: staff of the
  body's community (the organisation department too for compound party organisations); a
  compound joins or leaves a body through the staff of the compound's own community;
- set a compound's property class, group scattered compounds into a 片区大物业 area: staff of
  the compound's community;
- read bodies, seats, the three-in-one card and areas: anyone with a stake in the community —
  its bound residents, staff, seat holders, the street's `street_admin`, the organisation
  department and admins; anyone else gets 404.

Roles `owners_committee` and `property` (scoped by compound) follow the seats: a live seat on
the compound's owners' committee or self-management committee gives `owners_committee`, one on
its property company `property`; they are granted and revoked (audited) whenever seats or
coverage change, and `flask organisations sync-roles` (daily) applies terms that began or ended.

For other domains: `self_governing_body(compound_id)`, `property_company(compound_id)`,
`seat_sides(user_id, compound_id)`, `side_member_ids(compound_id, side)`.

Services flush and never commit.
"""
import logging
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.auth.models import SEAT_ROLES, RoleGrant, User
from app.auth.permissions import has_role, is_admin, require
from app.auth.service import record_grant, record_revoke
from app.common.timeutil import SHANGHAI, utcnow
from app.community.models import Community, Compound, HouseholdBinding
from app.community.service import get_community, get_compound
from app.errors import ApiError, Conflict, NotFound, Unprocessable
from app.extensions import db
from app.organisations.models import (
    BODY_NAMES,
    DEFAULT_TITLES,
    SLOTS,
    CompoundProfile,
    OrgBody,
    OrgBodyCompound,
    OrgSeat,
    PropertyArea,
)
from app.wechat.content import require_clean

log = logging.getLogger(__name__)
# The side of a compound's trust-property account each body kind sits on (see seat_sides).
SIDES = {"owners_committee": "owners_committee", "self_management": "owners_committee",
         "property_company": "property"}
SINGLE_COMPOUND_KINDS = ("owners_committee", "supervisory_board", "self_management")
CARD_SLOTS = ("party", "self_governing", "supervisory", "property")


class SlotTaken(ApiError):
    status, code, message = 409, "slot_taken", "该小区已有同类组织，请先解散或移出原组织"


def local_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(SHANGHAI).date()


# -- who may see and do what ---------------------------------------------------------------
def visible_community_ids(user: User) -> set[int] | None:
    """The communities whose bodies the user may read; None for all (admin, 组织部)."""
    if is_admin(user) or has_role(user, "org_dept"):
        return None
    ids = {g.community_id for g in user.grants if g.role == "staff" and g.community_id}
    streets = {g.street_id for g in user.grants if g.role == "street_admin" and g.street_id}
    if streets:
        ids |= set(db.session.scalars(sa.select(Community.id).where(
            Community.street_id.in_(streets))))
    ids |= set(db.session.scalars(sa.select(HouseholdBinding.community_id).where(
        HouseholdBinding.user_id == user.id, HouseholdBinding.status == "approved")))
    ids |= set(db.session.scalars(
        sa.select(OrgBody.community_id).join(OrgSeat, OrgSeat.body_id == OrgBody.id)
        .where(OrgSeat.user_id == user.id)))
    return ids


def can_view_community(user: User, community_id: int) -> bool:
    ids = visible_community_ids(user)
    return ids is None or community_id in ids


def body_communities(body: OrgBody) -> set[int]:
    out = {body.community_id}
    if body.compound_ids:
        out |= set(db.session.scalars(sa.select(Compound.community_id).where(
            Compound.id.in_(body.compound_ids))))
    return out


def can_view_body(user: User, body: OrgBody) -> bool:
    ids = visible_community_ids(user)
    return ids is None or bool(body_communities(body) & ids)


def _may_manage(user: User, community_id: int, kind: str | None = None) -> bool:
    return has_role(user, "staff", community_id=community_id) or (
        kind == "compound_party" and has_role(user, "org_dept"))


def get_body(body_id: int, user: User) -> OrgBody:
    body = db.session.get(OrgBody, body_id)
    if body is None or not can_view_body(user, body):
        raise NotFound(message="组织不存在")
    return body


def _body_to_manage(body_id: int, user: User) -> OrgBody:
    body = get_body(body_id, user)
    require(_may_manage(user, body.community_id, body.kind))
    if body.dissolved_at is not None:
        raise Conflict("body_dissolved", "该组织已解散")
    return body


def compound_for(user: User, compound_id: int) -> Compound:
    """The compound, or 404 to those with no stake in its community."""
    compound = get_compound(compound_id)
    require(can_view_community(user, compound.community_id), hide=True)
    return compound


# -- bodies ------------------------------------------------------------------------------------
def _check_formation(kind: str, formation: str | None, count: int) -> None:
    if kind == "compound_party":
        if formation is None:
            raise Unprocessable(details={"fields": {"formation": ["小区党组织须填写组建方式"]}})
        if formation == "single" and count != 1:
            raise Unprocessable(details={"fields": {"compound_ids": [
                "单独建的党组织覆盖且只覆盖一个小区"]}})
        if formation in ("joint", "area") and count < 2:
            raise Unprocessable(details={"fields": {"compound_ids": [
                "联合建、连片建的党组织覆盖两个及以上小区"]}})
    elif formation is not None:
        raise Unprocessable(details={"fields": {"formation": ["仅小区党组织有组建方式"]}})
    if kind in SINGLE_COMPOUND_KINDS and count != 1:
        raise Unprocessable(details={"fields": {"compound_ids": [
            f"{BODY_NAMES[kind]}对应且只对应一个小区"]}})


def _cover(body: OrgBody, compound_id: int, now: datetime) -> None:
    """The body takes its slot on the compound; 409 `slot_taken` when another holds it."""
    slot = SLOTS[body.kind]
    holder = db.session.scalar(sa.select(OrgBodyCompound.body_id).where(
        OrgBodyCompound.compound_id == compound_id, OrgBodyCompound.slot == slot,
        OrgBodyCompound.ended_at.is_(None)))
    if holder == body.id:
        raise Conflict("already_covered", "该组织已覆盖此小区")
    if holder is not None:
        raise SlotTaken(details={"compound_id": compound_id, "body_id": holder})
    try:
        with db.session.begin_nested():
            db.session.add(OrgBodyCompound(body_id=body.id, compound_id=compound_id, slot=slot,
                                           started_at=now))
    except IntegrityError:
        raise SlotTaken(details={"compound_id": compound_id}) from None


def _uncover(body: OrgBody, compound_id: int, now: datetime) -> bool:
    return bool(db.session.execute(
        sa.update(OrgBodyCompound)
        .where(OrgBodyCompound.body_id == body.id, OrgBodyCompound.compound_id == compound_id,
               OrgBodyCompound.ended_at.is_(None))
        .values(ended_at=now).execution_options(synchronize_session=False)).rowcount)


def create_body(user: User, data: dict, now: datetime) -> OrgBody:
    community_id, kind = data["community_id"], data["kind"]
    get_community(community_id)
    require(_may_manage(user, community_id, kind))
    compound_ids = list(dict.fromkeys(data.get("compound_ids") or []))
    _check_formation(kind, data.get("formation"), len(compound_ids))
    for i, compound_id in enumerate(compound_ids):
        compound = db.session.get(Compound, compound_id)
        if compound is None or compound.community_id != community_id:
            raise Unprocessable(details={"fields": {"compound_ids": {
                str(i): ["小区不属于该社区"]}}})
    require_clean({"name": data["name"]}, user.openid)
    body = OrgBody(kind=kind, name=data["name"].strip(), community_id=community_id,
                   formation=data.get("formation"), created_by_id=user.id, created_at=now)
    db.session.add(body)
    db.session.flush()
    for compound_id in compound_ids:
        _cover(body, compound_id, now)
    db.session.flush()
    db.session.refresh(body)
    log.info("org body id=%s kind=%s community=%s by=%s", body.id, kind, community_id, user.id)
    return body


def add_compound(user: User, body_id: int, compound_id: int, now: datetime) -> OrgBody:
    """A compound joins a body, through the staff of the compound's community. Property
    companies may manage compounds of several communities; other bodies stay in their own."""
    body = db.session.get(OrgBody, body_id)
    compound = get_compound(compound_id)
    # A property company is a business known to the staff who bring it to their compound;
    # other bodies stay hidden from outsiders.
    if body is None or not (body.kind == "property_company" or can_view_body(user, body)):
        raise NotFound(message="组织不存在")
    require(_may_manage(user, compound.community_id, body.kind))
    if body.dissolved_at is not None:
        raise Conflict("body_dissolved", "该组织已解散")
    if body.kind != "property_company" and compound.community_id != body.community_id:
        raise Unprocessable(details={"fields": {"compound_id": ["小区不属于该组织所在社区"]}})
    count = len(body.compound_ids) + 1
    if body.kind in SINGLE_COMPOUND_KINDS or body.formation == "single":
        _check_formation(body.kind, body.formation, count)
    _cover(body, compound_id, now)
    db.session.flush()
    db.session.refresh(body)
    _sync_body_members(body, user.id, now)
    return body


def remove_compound(user: User, body_id: int, compound_id: int, now: datetime) -> OrgBody:
    body = get_body(body_id, user)
    compound = get_compound(compound_id)
    require(_may_manage(user, compound.community_id, body.kind))
    if not _uncover(body, compound_id, now):
        raise NotFound(message="该组织未覆盖此小区")
    profile = db.session.get(CompoundProfile, compound_id)
    if profile is not None and profile.area is not None and profile.area.company_id == body.id:
        profile.area_id = None
    db.session.flush()
    db.session.refresh(body)
    _sync_body_members(body, user.id, now)
    return body


def dissolve_body(user: User, body_id: int, reason: str, now: datetime) -> OrgBody:
    body = _body_to_manage(body_id, user)
    require_clean({"reason": reason}, user.openid)
    done = db.session.execute(
        sa.update(OrgBody).where(OrgBody.id == body.id, OrgBody.dissolved_at.is_(None))
        .values(dissolved_at=now, dissolved_by_id=user.id, dissolve_reason=reason)
        .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Conflict("body_dissolved", "该组织已解散")
    members = _member_user_ids(body.id)
    db.session.execute(sa.update(OrgBodyCompound).where(
        OrgBodyCompound.body_id == body.id, OrgBodyCompound.ended_at.is_(None))
        .values(ended_at=now).execution_options(synchronize_session=False))
    db.session.flush()
    db.session.refresh(body)
    for user_id in members:
        sync_user_roles(user_id, user.id, local_today(now))
    log.info("org body dissolved id=%s by=%s", body.id, user.id)
    return body


def list_bodies_stmt(user: User, community_id: int | None, kind: str | None,
                     compound_id: int | None, include_dissolved: bool):
    stmt = sa.select(OrgBody)
    if compound_id is not None:
        compound = compound_for(user, compound_id)
        stmt = stmt.where(OrgBody.id.in_(sa.select(OrgBodyCompound.body_id).where(
            OrgBodyCompound.compound_id == compound.id, OrgBodyCompound.ended_at.is_(None))))
    elif community_id is not None:
        get_community(community_id)
        require(can_view_community(user, community_id), hide=True)
        stmt = stmt.where(OrgBody.community_id == community_id)
    else:
        ids = visible_community_ids(user)
        if ids is not None:
            stmt = stmt.where(OrgBody.community_id.in_(ids))
    if kind:
        stmt = stmt.where(OrgBody.kind == kind)
    if not include_dissolved:
        stmt = stmt.where(OrgBody.dissolved_at.is_(None))
    return stmt


# -- seats -------------------------------------------------------------------------------------
def _seat_live(seat: OrgSeat, day: date) -> bool:
    return seat.body.dissolved_at is None and seat.active_on(day)


def add_seat(user: User, body_id: int, data: dict, now: datetime) -> OrgSeat:
    body = _body_to_manage(body_id, user)
    today = local_today(now)
    term_start = data.get("term_start") or today
    term_end = data.get("term_end")
    if term_end is not None and term_end < term_start:
        raise Unprocessable(details={"fields": {"term_end": ["任期结束不能早于开始"]}})
    user_id = data.get("user_id")
    if user_id is not None:
        if db.session.get(User, user_id) is None:
            raise Unprocessable(details={"fields": {"user_id": ["用户不存在"]}})
        overlapping = db.session.scalar(sa.select(OrgSeat.id).where(
            OrgSeat.body_id == body.id, OrgSeat.user_id == user_id,
            sa.or_(OrgSeat.term_end.is_(None), OrgSeat.term_end >= term_start),
            sa.or_(OrgSeat.left_on.is_(None), OrgSeat.left_on > term_start),
            *([OrgSeat.term_start <= term_end] if term_end is not None else [])))
        if overlapping:
            raise Conflict("seat_exists", "此人在该组织已有同期任职",
                           details={"seat_id": overlapping})
    role = data["role"]
    title = (data.get("title") or "").strip() or DEFAULT_TITLES[body.kind][role]
    name = data["name"].strip()
    require_clean({"name": name, "title": title}, user.openid)
    seat = OrgSeat(body_id=body.id, user_id=user_id, name=name, role=role, title=title,
                   term_start=term_start, term_end=term_end, created_by_id=user.id,
                   created_at=now)
    db.session.add(seat)
    db.session.flush()
    if user_id is not None:
        sync_user_roles(user_id, user.id, today)
    log.info("seat id=%s body=%s user=%s by=%s", seat.id, body.id, user_id, user.id)
    return seat


def end_seat(user: User, body_id: int, seat_id: int, data: dict, now: datetime) -> OrgSeat:
    """The person leaves the body; `left_on` (default today) is their first day out."""
    body = _body_to_manage(body_id, user)
    seat = db.session.get(OrgSeat, seat_id)
    if seat is None or seat.body_id != body.id:
        raise NotFound(message="任职记录不存在")
    left_on = data.get("left_on") or local_today(now)
    if left_on < seat.term_start:
        raise Unprocessable(details={"fields": {"left_on": ["离任日期不能早于任期开始"]}})
    reason = data.get("reason", "").strip()
    require_clean({"reason": reason}, user.openid)
    done = db.session.execute(
        sa.update(OrgSeat).where(OrgSeat.id == seat.id, OrgSeat.left_on.is_(None))
        .values(left_on=left_on, left_reason=reason)
        .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Conflict("seat_ended", "该任职已结束")
    db.session.refresh(seat)
    if seat.user_id is not None:
        sync_user_roles(seat.user_id, user.id, local_today(now))
    return seat


def seats_of_bodies(body_ids: list[int], day: date | None,
                    include_past: bool = False) -> dict[int, list[OrgSeat]]:
    out: dict[int, list[OrgSeat]] = {bid: [] for bid in body_ids}
    if not body_ids:
        return out
    rows = db.session.scalars(sa.select(OrgSeat).where(OrgSeat.body_id.in_(body_ids))
                              .order_by(OrgSeat.body_id, OrgSeat.term_start, OrgSeat.id))
    for seat in rows:
        if include_past or seat.active_on(day):
            out[seat.body_id].append(seat)
    for seats in out.values():
        seats.sort(key=lambda s: ({"head": 0, "deputy": 1, "member": 2}[s.role], s.id))
    return out


def party_org_serving(body_id: int, community_id: int) -> OrgBody | None:
    """The live compound party organisation `body_id` if it serves `community_id` (registered
    by it or covering one of its compounds); None otherwise."""
    body = db.session.get(OrgBody, body_id)
    if body is None or body.kind != "compound_party" or body.dissolved_at is not None:
        return None
    return body if community_id in body_communities(body) else None


def seated_user_ids(body_id: int, day: date) -> set[int]:
    """Users holding a seat of the body in office on `day`."""
    return {seat.user_id for seat in seats_of_bodies([body_id], day)[body_id]
            if seat.user_id is not None}


def _member_user_ids(body_id: int) -> set[int]:
    return set(db.session.scalars(sa.select(OrgSeat.user_id).where(
        OrgSeat.body_id == body_id, OrgSeat.user_id.is_not(None))))


# -- roles that follow seats -----------------------------------------------------------------
def _live_seats(day: date, **where):
    """(seat, body kind, compound id) of seats in office on `day`, on live coverage."""
    stmt = (sa.select(OrgSeat, OrgBody.kind, OrgBodyCompound.compound_id)
            .join(OrgBody, OrgBody.id == OrgSeat.body_id)
            .join(OrgBodyCompound, sa.and_(OrgBodyCompound.body_id == OrgBody.id,
                                           OrgBodyCompound.ended_at.is_(None)))
            .where(OrgBody.dissolved_at.is_(None), OrgSeat.term_start <= day,
                   sa.or_(OrgSeat.term_end.is_(None), OrgSeat.term_end >= day),
                   sa.or_(OrgSeat.left_on.is_(None), OrgSeat.left_on > day)))
    for key, value in where.items():
        if key == "user_id":
            stmt = stmt.where(OrgSeat.user_id == value)
        elif key == "compound_id":
            stmt = stmt.where(OrgBodyCompound.compound_id == value)
    return db.session.execute(stmt).all()


def seat_roles_wanted(user_id: int, day: date) -> set[tuple[str, int]]:
    """(role, compound id) of every seat role the user's seats in office call for."""
    return {(SIDES[kind], compound_id) for _, kind, compound_id in
            _live_seats(day, user_id=user_id) if kind in SIDES}


def sync_user_roles(user_id: int, actor_id: int | None, day: date) -> tuple[int, int]:
    """Grant the seat roles the user's live seats call for and revoke the rest; audited.
    Returns (granted, revoked)."""
    wanted = seat_roles_wanted(user_id, day)
    held = db.session.scalars(sa.select(RoleGrant).where(
        RoleGrant.user_id == user_id, RoleGrant.role.in_(SEAT_ROLES),
        RoleGrant.revoked_at.is_(None))).all()
    have = {}
    revoked = 0
    for grant in held:
        key = (grant.role, grant.compound_id)
        if key in wanted and key not in have:
            have[key] = grant
            continue
        grant.revoked_at, grant.revoked_by_id = utcnow(), actor_id
        record_revoke(actor_id, grant, via="seat")
        revoked += 1
    granted = 0
    for role, compound_id in sorted(wanted - set(have)):
        grant = RoleGrant(user_id=user_id, role=role, compound_id=compound_id,
                          granted_by_id=actor_id)
        db.session.add(grant)
        db.session.flush()
        record_grant(actor_id, grant, via="seat")
        granted += 1
    if granted or revoked:
        db.session.flush()
        user = db.session.get(User, user_id)
        if user is not None:
            db.session.expire(user, ["grants"])
        log.info("seat roles user=%s granted=%s revoked=%s", user_id, granted, revoked)
    return granted, revoked


def _sync_body_members(body: OrgBody, actor_id: int, now: datetime) -> None:
    if body.kind in SIDES:
        for user_id in _member_user_ids(body.id):
            sync_user_roles(user_id, actor_id, local_today(now))


def users_to_sync() -> list[int]:
    """Everyone who has a seat or holds a seat role: the daily sync looks at each."""
    seated = sa.select(OrgSeat.user_id).where(OrgSeat.user_id.is_not(None))
    granted = sa.select(RoleGrant.user_id).where(RoleGrant.role.in_(SEAT_ROLES),
                                                 RoleGrant.revoked_at.is_(None))
    return sorted(set(db.session.scalars(seated)) | set(db.session.scalars(granted)))


# -- for other domains -------------------------------------------------------------------------
def body_in_slot(compound_id: int, slot: str) -> OrgBody | None:
    return db.session.scalar(
        sa.select(OrgBody).join(OrgBodyCompound, OrgBodyCompound.body_id == OrgBody.id)
        .where(OrgBodyCompound.compound_id == compound_id, OrgBodyCompound.slot == slot,
               OrgBodyCompound.ended_at.is_(None), OrgBody.dissolved_at.is_(None)))


def self_governing_body(compound_id: int) -> OrgBody | None:
    """The compound's owners' committee or self-management committee (自管委), or None."""
    return body_in_slot(compound_id, "self_governing")


def property_company(compound_id: int) -> OrgBody | None:
    return body_in_slot(compound_id, "property")


def seat_sides(user_id: int, compound_id: int, day: date | None = None) -> frozenset[str]:
    """The sides of the compound the user sits on today: `owners_committee` (a seat on its
    owners' committee or self-management committee) and/or `property` (its property company).
    A cross-appointed person gets both."""
    day = day or local_today()
    return frozenset(SIDES[kind] for _, kind, _ in
                     _live_seats(day, user_id=user_id, compound_id=compound_id)
                     if kind in SIDES)


def side_member_ids(compound_id: int, side: str, day: date | None = None) -> set[int]:
    """Users holding a live seat on that side of the compound (for notifications)."""
    day = day or local_today()
    return {seat.user_id for seat, kind, _ in _live_seats(day, compound_id=compound_id)
            if seat.user_id is not None and SIDES.get(kind) == side}


def seated_compound_ids(user_id: int, day: date | None = None) -> set[int]:
    """Compounds covered by a body on which the user holds a seat in office."""
    return {compound_id for _, _, compound_id in _live_seats(day or local_today(),
                                                              user_id=user_id)}


def compound_member_ids(compound_id: int, day: date | None = None) -> set[int]:
    """Users holding a live seat on any body of the compound."""
    day = day or local_today()
    return {seat.user_id for seat, _, _ in _live_seats(day, compound_id=compound_id)
            if seat.user_id is not None}


# -- cross-appointment ----------------------------------------------------------------------
def person_seats(viewer: User, user_id: int, include_past: bool, now: datetime) -> list[dict]:
    """A person's seats across bodies, as far as the viewer may see those bodies; 404 when
    the viewer may see none of them (and is not the person)."""
    if db.session.get(User, user_id) is None:
        raise NotFound(message="用户不存在")
    today = local_today(now)
    seats = db.session.scalars(sa.select(OrgSeat).where(OrgSeat.user_id == user_id)
                               .order_by(OrgSeat.term_start.desc(), OrgSeat.id.desc())).all()
    ids = None if viewer.id == user_id else visible_community_ids(viewer)
    visible = [s for s in seats if ids is None or body_communities(s.body) & ids]
    if ids is not None and not visible:
        raise NotFound(message="没有可查看的任职")
    shown = [s for s in visible if include_past or _seat_live(s, today)]
    return [seat_view(s, today, with_body=True) for s in shown]


def three_in_one(viewer: User, compound_id: int, now: datetime) -> dict:
    """The compound's party organisation, self-governing body, supervisory board and property
    company with their members in office, and the people who sit on more than one of them."""
    compound = compound_for(viewer, compound_id)
    today = local_today(now)
    bodies = {slot: body_in_slot(compound.id, slot) for slot in CARD_SLOTS}
    present = [b for b in bodies.values() if b is not None]
    seats = seats_of_bodies([b.id for b in present], today)
    people: dict[int, list[OrgSeat]] = {}
    for body in present:
        for seat in seats[body.id]:
            if seat.user_id is not None:
                people.setdefault(seat.user_id, []).append(seat)
    crossed = [{"user_id": uid, "name": held[0].name,
                "seats": [seat_view(s, today, with_body=True) for s in held]}
               for uid, held in sorted(people.items())
               if len({s.body_id for s in held}) > 1]
    profile = db.session.get(CompoundProfile, compound.id)
    return {
        "compound": {"id": compound.id, "name": compound.name, "kind": compound.kind,
                     "community_id": compound.community_id},
        "property_class": profile.property_class if profile else None,
        "area": area_brief(profile.area) if profile and profile.area else None,
        "bodies": {slot: body_view(b, today, seats[b.id]) if b else None
                   for slot, b in bodies.items()},
        "cross_appointed": crossed,
    }


# -- property class and 片区大物业 ---------------------------------------------------------------
def get_profile(viewer: User, compound_id: int) -> dict:
    compound = compound_for(viewer, compound_id)
    return profile_view(compound, db.session.get(CompoundProfile, compound.id))


def set_profile(user: User, compound_id: int, data: dict, now: datetime) -> dict:
    compound = get_compound(compound_id)
    require(has_role(user, "staff", community_id=compound.community_id))
    profile = db.session.get(CompoundProfile, compound.id)
    klass = data["property_class"]
    if profile is None:
        profile = CompoundProfile(compound_id=compound.id, property_class=klass,
                                  updated_by_id=user.id, updated_at=now)
        db.session.add(profile)
    else:
        if profile.area_id is not None and klass != "scattered":
            raise Conflict("in_property_area", "该小区属于片区大物业，请先移出片区",
                           details={"area_id": profile.area_id})
        profile.property_class, profile.updated_by_id, profile.updated_at = klass, user.id, now
    db.session.flush()
    return profile_view(compound, profile)


def create_area(user: User, data: dict, now: datetime) -> PropertyArea:
    community_id = data["community_id"]
    get_community(community_id)
    require(has_role(user, "staff", community_id=community_id))
    company = db.session.get(OrgBody, data["company_id"])
    if company is None or company.kind != "property_company" or \
            company.dissolved_at is not None or not can_view_body(user, company):
        raise Unprocessable(details={"fields": {"company_id": ["不是有效的物业公司"]}})
    require_clean({"name": data["name"]}, user.openid)
    area = PropertyArea(name=data["name"].strip(), community_id=community_id,
                        company_id=company.id, created_by_id=user.id, created_at=now)
    db.session.add(area)
    db.session.flush()
    return area


def get_area(area_id: int, user: User) -> PropertyArea:
    area = db.session.get(PropertyArea, area_id)
    if area is None or not (can_view_community(user, area.community_id)
                            or can_view_body(user, area.company)):
        raise NotFound(message="片区不存在")
    return area


def add_area_compound(user: User, area_id: int, compound_id: int, now: datetime) -> dict:
    """A scattered compound joins the area: the area's company now manages it."""
    area = get_area(area_id, user)
    compound = get_compound(compound_id)
    require(has_role(user, "staff", community_id=compound.community_id))
    profile = db.session.get(CompoundProfile, compound.id)
    if profile is None or profile.property_class != "scattered":
        raise Conflict("not_scattered", "只有零散楼栋可以纳入片区大物业")
    if profile.area_id == area.id:
        raise Conflict("already_in_area", "该小区已在此片区")
    if profile.area_id is not None:
        raise Conflict("in_property_area", "该小区已属于其他片区，请先移出",
                       details={"area_id": profile.area_id})
    if area.company.dissolved_at is not None:
        raise Conflict("body_dissolved", "片区的物业公司已解散")
    _cover(area.company, compound.id, now)
    profile.area_id, profile.updated_by_id, profile.updated_at = area.id, user.id, now
    db.session.flush()
    _sync_body_members(area.company, user.id, now)
    return area_view(area)


def remove_area_compound(user: User, area_id: int, compound_id: int, now: datetime) -> dict:
    area = get_area(area_id, user)
    compound = get_compound(compound_id)
    require(has_role(user, "staff", community_id=compound.community_id))
    profile = db.session.get(CompoundProfile, compound.id)
    if profile is None or profile.area_id != area.id:
        raise NotFound(message="该小区不在此片区")
    profile.area_id, profile.updated_by_id, profile.updated_at = None, user.id, now
    _uncover(area.company, compound.id, now)
    db.session.flush()
    _sync_body_members(area.company, user.id, now)
    return area_view(area)


def list_areas(user: User, community_id: int) -> list[dict]:
    get_community(community_id)
    require(can_view_community(user, community_id), hide=True)
    areas = db.session.scalars(sa.select(PropertyArea).where(
        PropertyArea.community_id == community_id).order_by(PropertyArea.id))
    return [area_view(a) for a in areas]


# -- views -------------------------------------------------------------------------------------
def seat_view(seat: OrgSeat, today: date, with_body: bool = False) -> dict:
    out = {"id": seat.id, "body_id": seat.body_id, "user_id": seat.user_id, "name": seat.name,
           "role": seat.role, "title": seat.title, "term_start": seat.term_start,
           "term_end": seat.term_end, "left_on": seat.left_on,
           "active": _seat_live(seat, today)}
    if with_body:
        out["body"] = {"id": seat.body.id, "kind": seat.body.kind, "name": seat.body.name,
                       "compound_ids": seat.body.compound_ids}
    return out


def body_view(body: OrgBody, today: date, seats: list[OrgSeat] | None = None) -> dict:
    if seats is None:
        seats = seats_of_bodies([body.id], today)[body.id]
    return {"id": body.id, "kind": body.kind, "name": body.name,
            "community_id": body.community_id, "formation": body.formation,
            "compound_ids": body.compound_ids, "dissolved_at": body.dissolved_at,
            "seats": [seat_view(s, today) for s in seats]}


def area_brief(area: PropertyArea) -> dict:
    return {"id": area.id, "name": area.name, "company_id": area.company_id,
            "company_name": area.company.name}


def area_view(area: PropertyArea) -> dict:
    compounds = db.session.scalars(
        sa.select(CompoundProfile.compound_id).where(CompoundProfile.area_id == area.id)
        .order_by(CompoundProfile.compound_id)).all()
    return {**area_brief(area), "community_id": area.community_id,
            "compound_ids": list(compounds)}


def profile_view(compound: Compound, profile: CompoundProfile | None) -> dict:
    company = property_company(compound.id)
    return {"compound_id": compound.id, "kind": compound.kind,
            "property_class": profile.property_class if profile else None,
            "area": area_brief(profile.area) if profile and profile.area else None,
            "property_company": {"id": company.id, "name": company.name} if company else None}
