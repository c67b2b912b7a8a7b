"""Service requests: create, the handlers of each transition, settlement and escalation."""
import logging

import sqlalchemy as sa

from app.auth import service as auth_service
from app.auth.models import User
from app.catalog import service as catalog
from app.common.timeutil import utcnow
from app.community.service import household_of_user
from app.errors import ApiError, Conflict, NotFound, Unprocessable
from app.extensions import db
from app.notifications.service import notify
from app.orders import machine
from app.orders.models import ServiceRequest
from app.timebank import service as timebank
from app.wechat.content import screen

log = logging.getLogger(__name__)


def get_request(request_id: int, user: User | None = None, lock: bool = False) -> ServiceRequest:
    """The request, or 404 — also when the user may not see it (existence does not leak)."""
    stmt = sa.select(ServiceRequest).where(ServiceRequest.id == request_id)
    req = db.session.scalar(stmt)
    if req is None or (user is not None and not machine.can_view(user, req)):
        raise NotFound(message="服务请求不存在")
    return req


def create_request(user: User, data: dict) -> ServiceRequest:
    household = household_of_user(user, data["household_id"])
    category = catalog.get_category(data["category_id"], active_only=True)
    start, end = data.get("preferred_start"), data.get("preferred_end")
    if start and end and end <= start:
        raise Unprocessable(details={"fields": {"preferred_end": ["结束时间须晚于开始时间"]}})
    content_ok = screen(data["description"], user.openid)
    now = utcnow()
    req = ServiceRequest(
        community_id=household.community_id, household_id=household.id, resident_id=user.id,
        category_id=category.id, description=data["description"], content_ok=content_ok,
        status="submitted", preferred_start=start, preferred_end=end, created_at=now,
        updated_at=now)
    req.category = category
    req.deadline_at = machine.deadline_for("submitted", req, now)
    db.session.add(req)
    db.session.flush()
    if category.payer == "resident" and category.points_per_hour:
        # Escrow: the most this service can cost is held now, so settlement cannot fail later.
        req.held_points = timebank.points_for_minutes(category.max_minutes,
                                                      category.points_per_hour)
        timebank.hold_points(user_id=user.id, amount=req.held_points,
                             key=f"request:{req.id}:hold", ref=f"request:{req.id}",
                             memo=f"{category.name} 预扣")
    db.session.add(machine.RequestEvent(
        request_id=req.id, action="create", from_status=None, to_status="submitted",
        actor_id=user.id, actor_role="resident", at=now))
    db.session.flush()
    for staff_id in auth_service.holders("staff", community_id=req.community_id):
        notify(staff_id, "submitted", "新的居民点单", f"{category.name} #{req.id}",
               f"request:{req.id}")
    log.info("request %s created by %s", req.id, user.id)
    return req


def act(req: ServiceRequest, action: str, actor: User | None, params: dict) -> ServiceRequest:
    machine.transition(req, action, actor, params, HANDLERS)
    _after(req, action)
    return req


# -- handlers: validate the body, decide the target, prepare values ---------------------
def _note(step: machine.Step, text: str | None, required: bool = False) -> None:
    if required and not (text or "").strip():
        raise Unprocessable(details={"fields": {"reason": ["请填写原因"]}})
    if text:
        step.note = text
        step.note_ok = screen(text, step.actor.openid if step.actor else "")


def _dispatch(step, params):
    req = step.request
    if not req.content_ok:
        raise Conflict("content_under_review", "内容审核中，暂不能派单")
    if params.get("pool"):
        step.to = "pooled"
        step.values = {"dispatched_at": utcnow()}
        return
    if not params.get("partner_id"):
        raise Unprocessable(details={"fields": {"partner_id": ["请选择合伙人或放入抢单池"]}})
    partner = catalog.get_partner(params["partner_id"])
    if not catalog.serves(partner, req.category_id, req.community_id):
        raise machine.NotEligible()
    if partner.open_tasks >= partner.capacity:
        raise Conflict("partner_at_capacity", "该合伙人任务已满", details={
            "open_tasks": partner.open_tasks, "capacity": partner.capacity})
    step.to = "dispatched"
    step.values = {"partner_id": partner.id, "dispatched_at": utcnow()}
    step.data = {"partner_id": partner.id}


def _claim(step, params):
    req, user = step.request, step.actor
    partners = [catalog.get_partner(pid) for pid in sorted(catalog.member_partner_ids(user))]
    eligible = [p for p in partners if catalog.serves(p, req.category_id, req.community_id)]
    free = [p for p in eligible if p.open_tasks < p.capacity]
    if not free:
        raise Conflict("partner_at_capacity", "您所在合伙人任务已满")
    step.values = {"partner_id": free[0].id, "assignee_id": user.id, "accepted_at": utcnow()}
    step.data = {"partner_id": free[0].id}


def _accept(step, params):
    step.values = {"assignee_id": step.actor.id, "accepted_at": utcnow()}


def _decline(step, params):
    _note(step, params.get("reason"), required=True)
    step.values = {"partner_id": None, "assignee_id": None}
    step.data = {"partner_id": step.request.partner_id}


def _complete(step, params):
    minutes = params["minutes"]
    if minutes > step.request.category.max_minutes:
        raise Unprocessable(details={"fields": {"minutes": [
            f"服务时长不能超过 {step.request.category.max_minutes} 分钟"]}})
    _note(step, params.get("note"))
    step.values = {"minutes": minutes}
    step.data = {"minutes": minutes}


def _confirm(step, params):
    _note(step, params.get("comment"))
    step.values = {"rating": params["rating"]}
    step.data = {"rating": params["rating"]}
    _settle(step)
    partner_id = step.request.partner_id
    step.effects.append(lambda: catalog.add_rating(partner_id, params["rating"]))


def _dispute(step, params):
    _note(step, params.get("reason"), required=True)


def _resolve(step, params):
    outcome = params["outcome"]
    step.to = {"confirm": "confirmed", "redo": "in_service", "cancel": "cancelled"}[outcome]
    step.data = {"outcome": outcome}
    _note(step, params.get("note"))
    if outcome == "confirm":
        if params.get("minutes") is not None:
            if params["minutes"] > step.request.category.max_minutes:
                raise Unprocessable(details={"fields": {"minutes": ["超过该类别的最长时长"]}})
            step.values["minutes"] = params["minutes"]
            step.data["minutes"] = params["minutes"]
        _settle(step)
    elif outcome == "cancel":
        _release(step)


def _cancel(step, params):
    _note(step, params.get("reason"), required=True)
    _release(step)


def _auto_confirm(step, params):
    step.data = {"auto": True}
    _settle(step)


# -- points ---------------------------------------------------------------------------
def _settle(step: machine.Step) -> None:
    """Price the work now; pay the partner member who did it once the step has won
    (`request:<id>:settle` makes the credit exactly-once whatever races)."""
    req = step.request
    category = req.category
    minutes = step.values.get("minutes", req.minutes) or 0
    points = timebank.points_for_minutes(minutes, category.points_per_hour)
    step.values["points_settled"] = points
    step.data["points"] = points

    def pay():
        if category.payer != "none" and points > 0:
            timebank.settle_service(
                payer=category.payer, community_id=req.community_id,
                payee_user_id=req.assignee_id, points=points, key=f"request:{req.id}:settle",
                ref=f"request:{req.id}", memo=f"{category.name} {minutes} 分钟",
                resident_user_id=req.resident_id, minutes=minutes,
                actor_id=step.actor.id if step.actor else None)
        left = req.held_points - (points if category.payer == "resident" else 0)
        if left > 0:
            timebank.release_hold(user_id=req.resident_id, amount=left,
                                  key=f"request:{req.id}:release", ref=f"request:{req.id}",
                                  memo="预扣积分退回")

    step.effects.append(pay)


def _release(step: machine.Step) -> None:
    req = step.request

    def release():
        if req.held_points:
            timebank.release_hold(user_id=req.resident_id, amount=req.held_points,
                                  key=f"request:{req.id}:release", ref=f"request:{req.id}",
                                  memo="取消，预扣积分退回")

    step.effects.append(release)


HANDLERS = {
    "dispatch": _dispatch, "claim": _claim, "accept": _accept, "decline": _decline,
    "complete": _complete, "confirm": _confirm, "dispute": _dispute, "resolve": _resolve,
    "cancel": _cancel, "auto_confirm": _auto_confirm,
}


# -- notifications after each step ------------------------------------------------------
def _after(req: ServiceRequest, action: str) -> None:
    ref, name = f"request:{req.id}", req.category.name
    if action in ("confirm", "auto_confirm") or (action == "resolve" and
                                                  req.status == "confirmed"):
        if req.assignee_id:
            notify(req.assignee_id, "confirmed", "服务已确认",
                   f"{name} 获得 {req.points_settled or 0} 积分", ref)
        return
    if action == "dispatch":
        if req.status == "dispatched":
            for uid in catalog.partner_member_ids(req.partner_id):
                notify(uid, "dispatched", "新的派单", f"{name} #{req.id}", ref)
        return
    to_resident = {"claim": ("accepted", "已有合伙人接单"),
                   "accept": ("accepted", "已有合伙人接单"),
                   "start": ("started", "服务已开始"),
                   "complete": ("completed", "服务已完成，请确认并评价")}
    if action in to_resident:
        kind, title = to_resident[action]
        notify(req.resident_id, kind, title, f"{name} #{req.id}", ref)
        return
    to_staff = {"decline": ("declined", "合伙人拒单，请重新派单"),
                "dispute": ("disputed", "居民对服务有异议"),
                "expire": ("overdue", "派单超时未接单，已退回待派单")}
    if action in to_staff:
        kind, title = to_staff[action]
        for uid in auth_service.holders("staff", community_id=req.community_id):
            notify(uid, kind, title, f"{name} #{req.id}", ref)
        return
    if action in ("cancel", "resolve"):
        for uid in {req.resident_id, req.assignee_id} - {None}:
            notify(uid, req.status, "服务请求状态更新", f"{name} #{req.id}", ref,
                   role="resident" if uid == req.resident_id else "partner_member")


# -- deadlines ------------------------------------------------------------------------
def escalate(now=None) -> dict:
    """Return overdue dispatches to the queue and auto-confirm silent completions.

    Each request is its own transaction; a racing resident confirm simply wins or loses the
    conditional update, and the ledger key makes a double credit impossible either way.
    """
    now = now or utcnow()
    counts = {"expired": 0, "auto_confirmed": 0, "failed": 0}
    for status, action, counter in (("dispatched", "expire", "expired"),
                                    ("completed", "auto_confirm", "auto_confirmed")):
        ids = list(db.session.scalars(sa.select(ServiceRequest.id).where(
            ServiceRequest.status == status, ServiceRequest.deadline_at < now)
            .order_by(ServiceRequest.id).limit(1000)))
        db.session.rollback()
        for request_id in ids:
            try:
                act(get_request(request_id), action, None, {})
                db.session.commit()
                counts[counter] += 1
            except ApiError as err:
                db.session.rollback()
                if err.code != "invalid_transition":
                    counts["failed"] += 1
                    log.warning("escalation of request %s failed: %s", request_id, err.code)
    return counts
