"""社情民意: reporting a problem, the handlers of each step, "me too" and merging duplicates.

Who reports: residents bound (approved) to a household of the community, and party members
registered with it as 社情民意信息员. A report is routed to the grid of its building when that
grid has a grid worker (网格员), else to the community's staff. Texts go through WeChat's content
check; photos are the reporter's own uploads (`POST /files`), attached in the same transaction.

Services flush and never commit; the write boundary (routes) or the job commits once.
"""
import logging
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.auth import service as auth_service
from app.auth.models import User
from app.common.timeutil import utcnow
from app.community.models import Building, Compound, Grid, HouseholdBinding
from app.community.service import get_community
from app.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.extensions import db
from app.feedback import machine
from app.feedback.models import CATEGORIES, Feedback, FeedbackEvent, FeedbackSupport
from app.files import service as files
from app.notifications.service import notify, notify_many
from app.party.models import PartyRegistration
from app.sql import insert_ignoring_conflict
from app.wechat.content import require_clean, screen

log = logging.getLogger(__name__)

RECORD = "feedback"  # the report's own photos
RESOLUTION = "feedback_resolution"  # photos of one resolution, attached to its event


def get_report(report_id: int, user: User | None = None) -> Feedback:
    """The report, or 404 — also when the user may not see it (existence does not leak)."""
    report = db.session.get(Feedback, report_id)
    if report is None or (user is not None and not machine.can_view(user, report)):
        raise NotFound(message="反映的问题不存在")
    return report


def categories() -> list[dict]:
    return [{"code": code, "name": name, "accept_hours": hours, "resolve_days": days}
            for code, (name, hours, days) in CATEGORIES.items()]


def category_name(code: str) -> str:
    return CATEGORIES[code][0]


# -- reporting ------------------------------------------------------------------------------
def reporter_role(user: User, community_id: int) -> str | None:
    """`resident` (bound to a household there), `info_officer` (a party member registered
    there as 社情民意信息员), or None: may not report in this community."""
    bound = db.session.scalar(sa.select(HouseholdBinding.id).where(
        HouseholdBinding.user_id == user.id, HouseholdBinding.community_id == community_id,
        HouseholdBinding.status == "approved").limit(1))
    if bound:
        return "resident"
    officer = db.session.scalar(sa.select(PartyRegistration.id).where(
        PartyRegistration.user_id == user.id, PartyRegistration.community_id == community_id,
        PartyRegistration.status == "approved",
        PartyRegistration.roles.contains("info_officer")).limit(1))
    return "info_officer" if officer else None


def _place(community_id: int, data: dict) -> Building | None:
    """The building (of this community) or the map point; one of them is needed."""
    building_id, lat, lng = data.get("building_id"), data.get("lat"), data.get("lng")
    if (lat is None) != (lng is None):
        missing = "lng" if lng is None else "lat"
        raise Unprocessable(details={"fields": {missing: ["经纬度须同时提供"]}})
    if building_id is None and lat is None:
        raise Unprocessable("location_required", "请选择楼栋或在地图上标出位置", details={
            "fields": {"building_id": ["请选择楼栋或标出位置"]}})
    if building_id is None:
        return None
    building = db.session.get(Building, building_id)
    if building is None or building.compound.community_id != community_id:
        raise Unprocessable(details={"fields": {"building_id": ["楼栋不属于该社区"]}})
    return building


def route(building: Building | None) -> int | None:
    """The grid the report goes to: its building's, when that grid has a grid worker."""
    if building is None or building.grid_id is None:
        return None
    return building.grid_id if auth_service.holders("grid_worker", grid_id=building.grid_id) \
        else None


def create_report(user: User, data: dict, now: datetime | None = None) -> Feedback:
    now = now or utcnow()
    community_id = data["community_id"]
    get_community(community_id)
    role = reporter_role(user, community_id)
    if role is None:
        raise Forbidden("not_a_member", "只有本社区居民或社情民意信息员可以反映问题")
    building = _place(community_id, data)
    content_ok = screen(data["text"], user.openid)  # risky: 422; held when the check is down
    category = data["category"]
    grid_id = route(building)
    accept_due = now + timedelta(hours=machine.accept_hours(category))
    report = Feedback(
        community_id=community_id, author_id=user.id, reporter_role=role, category=category,
        text=data["text"], content_ok=content_ok, anonymous=data.get("anonymous", False),
        building_id=building.id if building else None, lat=data.get("lat"),
        lng=data.get("lng"), grid_id=grid_id, status="open", created_at=now, updated_at=now,
        accept_due_at=accept_due,
        resolve_due_at=now + timedelta(days=machine.resolve_days(category)),
        deadline_at=accept_due, reopen_count=0, supporters=0, escalation_level=0, reply="",
        reason="")
    db.session.add(report)
    db.session.flush()
    files.attach(data.get("photo_ids") or [], uploader_id=user.id, record_type=RECORD,
                 record_id=report.id)
    machine.record_event(report, "create", None, "open", user, "author", now,
                         data={"grid_id": grid_id})
    notify_many(handler_ids(report), "feedback_new", "新的社情民意",
                f"{category_name(category)} #{report.id}", f"feedback:{report.id}")
    log.info("feedback created id=%s by=%s grid=%s", report.id, user.id, grid_id)
    return report


def handler_ids(report: Feedback, with_staff: bool = False) -> list[int]:
    """Who handles it: the grid's workers, or the community's staff where there are none (and
    with `with_staff`, the staff as well: they oversee the grid workers)."""
    staff = set(auth_service.holders("staff", community_id=report.community_id))
    if report.grid_id is not None:
        workers = set(auth_service.holders("grid_worker", grid_id=report.grid_id))
        if workers:
            return sorted(workers | staff if with_staff else workers)
    return sorted(staff)


def street_ids(report: Feedback) -> list[int]:
    """The street admins of the community's street (the admins above it when it has none)."""
    street_id = machine.street_of(report)
    return sorted(auth_service.holders("street_admin", street_id=street_id) or
                  auth_service.holders("admin"))


# -- the steps ------------------------------------------------------------------------------
def act(report: Feedback, action: str, actor: User | None, params: dict) -> Feedback:
    machine.transition(report, action, actor, params, HANDLERS)
    _after(report, action)
    return report


def _clean(step: machine.Step, name: str, text: str | None) -> None:
    """A text other people will read: it must pass the content check."""
    if text:
        require_clean({name: text}, step.actor.openid if step.actor else "")
        step.note = text


def _responded(step: machine.Step, now: datetime) -> None:
    if step.report.responded_at is None:
        step.values["responded_at"] = now
        step.data["in_time"] = now <= step.report.accept_due_at


def _accept(step, params):
    now = utcnow()
    step.values.update(accepted_at=now, accepted_by_id=step.actor.id)
    _responded(step, now)


def _resolve(step, params):
    now = utcnow()
    _clean(step, "reply", params["reply"])
    step.values.update(resolved_at=now, resolved_by_id=step.actor.id, reply=params["reply"])
    photo_ids = params.get("photo_ids") or []
    if photo_ids:
        def attach():
            attached = files.attach(photo_ids, uploader_id=step.actor.id,
                                    record_type=RESOLUTION, record_id=step.event.id)
            step.event.data = {**(step.event.data or {}), "photo_ids": [f.id for f in attached]}

        step.effects.append(attach)


def _transfer(step, params):
    now = utcnow()
    _clean(step, "reason", params["reason"])
    step.values.update(transferred_at=now, reason=params["reason"])
    _responded(step, now)


def _close_unresolved(step, params):
    _clean(step, "reason", params["reason"])
    step.values.update(closed_at=utcnow(), reason=params["reason"])


def _reopen(step, params):
    report, now = step.report, utcnow()
    if report.reopen_count >= 1:
        raise Conflict("already_reopened", "每个问题只能重新打开一次",
                       details={"status": report.status})
    until = report.resolved_at + timedelta(days=machine.REOPEN_DAYS)
    if now > until:
        raise Conflict("reopen_window_closed",
                       f"处理结果发布超过 {machine.REOPEN_DAYS} 天，不能再重新打开",
                       details={"status": report.status, "reopen_until": until.isoformat()})
    _clean(step, "reason", params["reason"])
    step.values.update(reopened_at=now, reopen_count=report.reopen_count + 1)


def _rate(step, params):
    now = utcnow()
    _clean(step, "comment", params.get("comment"))
    step.values.update(rating=params["score"], rated_at=now, closed_at=now)
    step.data = {"score": params["score"]}


def _auto_close(step, params):
    step.values["closed_at"] = utcnow()
    step.data = {"auto": True}


def _merge(step, params):
    """Into another report of the community still being handled: the duplicate's author and
    supporters become the other report's supporters."""
    source = step.report
    target = db.session.get(Feedback, params["into_id"])
    if target is None or target.community_id != source.community_id:
        raise Unprocessable(details={"fields": {"into_id": ["不是本社区的问题"]}})
    if target.id == source.id:
        raise Unprocessable(details={"fields": {"into_id": ["不能与自身合并"]}})
    if target.status not in machine.NON_FINAL:
        raise Conflict("merge_target_closed", "目标问题已办结，不能合并",
                       details={"status": target.status})
    step.values.update(merged_into_id=target.id, closed_at=utcnow())
    step.data = {"into_id": target.id}
    step.effects.append(lambda: _absorb(target, source, step.actor))


def _absorb(target: Feedback, source: Feedback, actor: User) -> None:
    users = set(db.session.scalars(sa.select(FeedbackSupport.user_id).where(
        FeedbackSupport.feedback_id == source.id)))
    users.add(source.author_id)
    users.discard(target.author_id)
    added = 0
    now = utcnow()
    for uid in sorted(users):
        added += len(db.session.execute(
            insert_ignoring_conflict(FeedbackSupport, ["feedback_id", "user_id"])
            .values(feedback_id=target.id, user_id=uid, created_at=now)
            .returning(FeedbackSupport.id)).all())
    if added:
        db.session.execute(sa.update(Feedback).where(Feedback.id == target.id)
                           .values(supporters=Feedback.supporters + added)
                           .execution_options(synchronize_session=False))
    db.session.refresh(target)
    machine.record_event(target, "merge_in", target.status, target.status, actor, "staff", now,
                         data={"from_id": source.id, "supporters_added": added})


HANDLERS = {
    "accept": _accept, "resolve": _resolve, "transfer": _transfer,
    "close_unresolved": _close_unresolved, "reopen": _reopen, "rate": _rate,
    "auto_close": _auto_close, "merge": _merge,
}


def _after(report: Feedback, action: str) -> None:
    """Who hears of the step (inbox rows now, WeChat subscribe messages after commit)."""
    ref, name = f"feedback:{report.id}", f"{category_name(report.category)} #{report.id}"
    to_author = {
        "accept": ("feedback_accepted", "您反映的问题已受理"),
        "resolve": ("feedback_resolved", "您反映的问题已处理，请评价"),
        "transfer": ("feedback_transferred", "您反映的问题已转街道处理"),
        "close_unresolved": ("feedback_closed", "您反映的问题已办结（未解决）"),
        "auto_close": ("feedback_closed", "您反映的问题已自动办结"),
        "merge": ("feedback_merged", f"您反映的问题已与 #{report.merged_into_id} 合并处理"),
    }
    if action in to_author:
        kind, title = to_author[action]
        notify(report.author_id, kind, title, name, ref)
    if action == "resolve":
        notify_many(supporter_ids(report.id), "feedback_resolved", "您关注的问题已处理", name, ref)
    elif action == "transfer":
        notify_many(street_ids(report), "feedback_transferred", "社区转来的社情民意", name, ref)
    elif action == "reopen":
        notify_many(handler_ids(report), "feedback_reopened", "居民对处理结果不满意，已重新打开",
                    name, ref)
    elif action == "rate" and report.resolved_by_id:
        notify(report.resolved_by_id, "feedback_rated", f"居民评价 {report.rating} 分", name, ref)


def supporter_ids(report_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(FeedbackSupport.user_id).where(
        FeedbackSupport.feedback_id == report_id).order_by(FeedbackSupport.user_id)))


# -- me too -----------------------------------------------------------------------------------
def support(user: User, report_id: int) -> Feedback:
    """Another member of the community adds "me too" to a report still being handled."""
    report = get_report(report_id, user)
    if report.author_id == user.id:
        raise Conflict("own_report", "这是您自己反映的问题")
    if not machine.is_member(user, report.community_id):
        raise Forbidden("not_a_member", "只有本社区居民可以附议")
    if report.status not in machine.WAITING:
        raise Conflict("invalid_transition", "该问题已处理，不能再附议",
                       details={"status": report.status, "action": "support"})
    added = db.session.execute(
        insert_ignoring_conflict(FeedbackSupport, ["feedback_id", "user_id"])
        .values(feedback_id=report.id, user_id=user.id, created_at=utcnow())
        .returning(FeedbackSupport.id)).scalar()
    if added is None:
        raise Conflict("already_supported", "您已附议过该问题")
    db.session.execute(sa.update(Feedback).where(Feedback.id == report.id)
                       .values(supporters=Feedback.supporters + 1)
                       .execution_options(synchronize_session=False))
    db.session.refresh(report)
    return report


def supported_ids(user: User, report_ids: list[int]) -> set[int]:
    if not report_ids:
        return set()
    return set(db.session.scalars(sa.select(FeedbackSupport.feedback_id).where(
        FeedbackSupport.user_id == user.id, FeedbackSupport.feedback_id.in_(report_ids))))


# -- places -----------------------------------------------------------------------------------
def buildings(community_id: int) -> list[dict]:
    """The community's buildings, to pick where a problem is."""
    get_community(community_id)
    rows = db.session.execute(
        sa.select(Building.id, Building.name, Building.grid_id, Compound.id, Compound.name,
                  Grid.name)
        .join(Compound, Compound.id == Building.compound_id)
        .outerjoin(Grid, Grid.id == Building.grid_id)
        .where(Compound.community_id == community_id).order_by(Compound.id, Building.id))
    return [{"id": bid, "name": name, "grid_id": grid_id, "grid_name": grid_name,
             "compound_id": cid, "compound_name": cname}
            for bid, name, grid_id, cid, cname, grid_name in rows]


# -- files --------------------------------------------------------------------------------------
def _can_see_report(user: User, report_id: int) -> bool:
    report = db.session.get(Feedback, report_id)
    return report is not None and machine.can_view(user, report)


def _can_see_resolution(user: User, event_id: int) -> bool:
    report_id = db.session.scalar(sa.select(FeedbackEvent.feedback_id).where(
        FeedbackEvent.id == event_id))
    return report_id is not None and _can_see_report(user, report_id)


files.register_visibility(RECORD, _can_see_report)
files.register_visibility(RESOLUTION, _can_see_resolution)
