"""Service requests: create, the steps (the machine's guard, each action's handler, and
`apply`, which writes every step), content approval, settlement, the escalation of one overdue
request (the loop is `app/orders/jobs.py`), and what each viewer sees of a request."""
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.audit.service import record
from app.auth import service as auth_service
from app.auth.models import User
from app.auth.permissions import has_role
from app.catalog import service as catalog
from app.catalog.models import Partner
from app.common.timeutil import utcnow
from app.community.service import (
    can_view_household,
    get_community,
    get_household,
    household_of_user,
    require_staff,
)
from app.errors import ApiError, Conflict, NotFound, Unprocessable
from app.extensions import db
from app.files import service as files
from app.notifications.service import notify
from app.orders import machine
from app.orders.models import CollectedNeed, RequestEvent, ServiceRequest
from app.orders.schemas import Shown, ShownEvent, Viewer
from app.sql import get_or_404
from app.timebank import service as timebank
from app.wechat.content import require_clean, screen

log = logging.getLogger(__name__)


# -- who plays which role; what each viewer sees ----------------------------------------
def party(user: User, req: ServiceRequest, pool: bool = True) -> machine.Party:
    """The facts of the user's roles in the request (grants are already loaded). `pool`:
    also whether one of their partners serves it (may claim it while pooled)."""
    partner_ids = frozenset(catalog.member_partner_ids(user))
    return machine.Party(
        user_id=user.id, staff=has_role(user, "staff", community_id=req.community_id),
        partner_ids=partner_ids,
        serves=pool and any(catalog.serves(catalog.get_partner(pid), req.category_id,
                                           req.community_id) for pid in partner_ids))


def roles_of(user: User | None, req: ServiceRequest, pool: bool = True) -> set[str]:
    """Every role the user plays in the request (None: the system)."""
    return machine.roles(party(user, req, pool) if user is not None else None, req)


def can_view(user: User, req: ServiceRequest) -> bool:
    return machine.visible(roles_of(user, req), req.status)


def get_request(request_id: int, user: User | None = None) -> ServiceRequest:
    """The request, or 404 — also when the user may not see it (existence does not leak)."""
    req = get_or_404(ServiceRequest, request_id, "服务请求不存在")
    if user is not None and not can_view(user, req):
        raise NotFound(message="服务请求不存在")
    return req


def request_view(req: ServiceRequest, user: User, in_list: bool = False,
                 photos: list[dict] | None = None) -> Shown:
    """The request as `user` may see it, for `RequestOut` (whose `Viewer` masks the rest).
    Showing the resident's full address and phone to anyone but the resident is an
    unmasking, written to the audit log here, in the caller's transaction. `photos`: the
    request's `[{id, url}]` when a list fetched them for the whole page."""
    viewer = Viewer(user.id, frozenset(roles_of(user, req, pool=not in_list)), listed=in_list)
    if viewer.unmasks(req):
        fields = ["address", "phone"] if req.resident.phone else ["address"]
        record("unmask", actor_id=user.id, target_type="request", target_id=req.id,
               details={"fields": fields,
                        "as": "staff" if "staff" in viewer.roles else "assignee"})
    if photos is None:
        photos = files.refs("request", req.id, user.id)
    return Shown(req, viewer, photos)


def request_lines(rows: list, user: User) -> list[tuple]:
    """A page of the request list (`queries.lines`, for `views.page`): each row with its
    viewer (a line of a list: never in full) and its photos."""
    return [(r, Viewer(user.id, frozenset(roles_of(user, r, pool=False)), listed=True),
             files.refs_from_ids(r.photo_ids, user.id)) for r in rows]


def timeline_view(req: ServiceRequest, user: User) -> list[ShownEvent]:
    """The request's timeline, oldest first, for `EventOut`."""
    viewer = Viewer(user.id, frozenset(roles_of(user, req, pool=False)))
    events = db.session.scalars(sa.select(RequestEvent).where(
        RequestEvent.request_id == req.id).order_by(RequestEvent.id))
    return [ShownEvent(e, viewer) for e in events]


def create_request(user: User, data: dict) -> ServiceRequest:
    """A resident's order, or a proxy order (代下单) `for_user_id` placed by staff of the
    household's community or by a family member bound to it (`_proxy`). A resident-paid proxy
    order waits in `proposed` for the resident's agreement (`agree`) unless staff noted the
    resident's consent; nothing is held before it."""
    resident, proxy = _proxy(user, data) if data.get("for_user_id") else (user, None)
    household = household_of_user(resident, data["household_id"])
    category = catalog.get_category(data["category_id"], active_only=True)
    start, end = data.get("preferred_start"), data.get("preferred_end")
    if start and end and end <= start:
        raise Unprocessable(details={"fields": {"preferred_end": ["结束时间须晚于开始时间"]}})
    photo_ids = data.get("photo_ids") or []
    description = _description(category, data.get("phrase"), data["description"])
    if not description and not photo_ids:
        raise Unprocessable(details={"fields": {"description": ["请描述问题或上传照片"]}})
    if proxy and proxy["consent_note"]:
        require_clean({"consent_note": proxy["consent_note"]}, user.openid)  # the resident reads it
    content_ok = screen(description, user.openid)
    now = utcnow()
    waits = proxy is not None and category.payer == "resident" and \
        bool(category.points_per_hour) and not _consent_noted(proxy)
    status = machine.PROPOSED if waits else "submitted"
    # Priced now: the request keeps these terms whatever later happens to the category.
    req = ServiceRequest(
        community_id=household.community_id, household_id=household.id,
        resident_id=resident.id, category_id=category.id, description=description,
        content_ok=content_ok, status=status, preferred_start=start, preferred_end=end,
        created_at=now, updated_at=now, payer=category.payer,
        points_per_hour=category.points_per_hour, max_minutes=category.max_minutes,
        **(proxy or {}))
    req.category = category
    # A proposal waits for the resident until its deadline, then the system cancels it.
    req.deadline_at = machine.deadline_for(status, req, now, _proposal_hours())
    db.session.add(req)
    db.session.flush()
    files.attach(photo_ids, uploader_id=user.id, record_type="request", record_id=req.id)
    if status == "submitted":
        _hold(req)()
    data_ = {"for_user_id": resident.id, "placed_as": proxy["placed_as"],
             "consent": proxy["consent"]} if proxy else None
    db.session.add(RequestEvent(
        request_id=req.id, action="create", from_status=None, to_status=status,
        actor_id=user.id, actor_role="placer" if proxy else "resident", at=now, data=data_))
    db.session.flush()
    if proxy:
        title = "有人为您代下单，请确认" if waits else "有人为您代下单"
        notify(resident.id, "proposed" if waits else "submitted", title,
               f"{category.name} #{req.id}", f"request:{req.id}", role="resident")
    if not waits:
        _tell_staff(req)
    log.info("request created id=%s by=%s for=%s status=%s", req.id, user.id, resident.id,
             status)
    return req


def _proxy(placer: User, data: dict) -> tuple[User, dict]:
    """The resident a proxy order is for, and the columns saying who placed it and how the
    resident consented. Staff of the household's community place as `staff`; a user with an
    approved binding to the household places as `family`; anyone else gets 404, as for a
    household they cannot see (staff of another community included)."""
    household = get_household(data["household_id"])
    if has_role(placer, "staff", community_id=household.community_id):
        placed_as = "staff"
    elif can_view_household(placer, household):
        placed_as = "family"
    else:
        raise NotFound(message="住户不存在")
    if data["for_user_id"] == placer.id:
        raise Unprocessable(details={"fields": {"for_user_id": ["为自己下单无需代下单"]}})
    resident = db.session.get(User, data["for_user_id"])
    if resident is None or not _bound(resident, household.id):
        raise Unprocessable(details={"fields": {"for_user_id": ["该居民未绑定此住户"]}})
    consent = data["consent"]
    if consent["kind"] == "family" and placed_as != "family":
        raise Unprocessable(details={"fields": {"consent": ["工作人员代下单须电话或当面确认"]}})
    note = (consent.get("note") or "").strip() or None
    return resident, {"placed_by_id": placer.id, "placed_as": placed_as,
                      "consent": consent["kind"], "consent_note": note}


def _bound(user: User, household_id: int) -> bool:
    try:
        household_of_user(user, household_id)
    except ApiError:
        return False
    return True


def _proposal_hours() -> int:
    return current_app.config["PROPOSAL_EXPIRY_HOURS"]


def _consent_noted(proxy: dict) -> bool:
    """Staff who spoke with the resident (on the phone or in person) and noted it: their
    word stands for the resident's own agreement in the app."""
    return proxy["placed_as"] == "staff" and proxy["consent"] in ("phone_call", "in_person") \
        and bool(proxy["consent_note"])


def _description(category, phrase: str | None, text: str) -> str:
    """The phrase tapped (one of the category's) and whatever was typed after it."""
    text = (text or "").strip()
    if not phrase:
        return text
    if phrase not in (category.phrases or []):
        raise Unprocessable(details={"fields": {"phrase": ["请选择该服务的常用语"]}})
    return f"{phrase}；{text}" if text else phrase


def _hold(req: ServiceRequest):
    """Escrow of a resident-paid request: the most this service can cost is held from the
    resident, so settlement cannot fail later (taken at creation, or when the resident agrees
    to a proxy order)."""
    def hold():
        if req.payer == "resident" and req.points_per_hour:
            req.held_points = _most_points(req)
            timebank.hold_points(user_id=req.resident_id, amount=req.held_points,
                                 key=f"request:{req.id}:hold", ref=f"request:{req.id}",
                                 memo=f"{req.category.name} 预扣")
    return hold


def _tell_staff(req: ServiceRequest) -> None:
    for staff_id in auth_service.holders("staff", community_id=req.community_id):
        notify(staff_id, "submitted", "新的居民点单", f"{req.category.name} #{req.id}",
               f"request:{req.id}")


def record_need(staff: User, community_id: int, data: dict) -> CollectedNeed:
    """Staff of the community record a need collected on a visit (线下走访) for one of its
    households; it counts in the needs list beside the requests placed in the app."""
    get_community(community_id)
    require_staff(staff, community_id)
    household = get_household(data["household_id"])
    if household.community_id != community_id:
        raise Unprocessable(details={"fields": {"household_id": ["住户不属于该社区"]}})
    category = catalog.get_category(data["category_id"], active_only=True)
    require_clean({"note": data["note"]}, staff.openid)  # other staff read it
    need = CollectedNeed(community_id=community_id, household_id=household.id,
                         category_id=category.id, note=data["note"], recorded_by_id=staff.id,
                         created_at=utcnow())
    db.session.add(need)
    db.session.flush()
    log.info("need collected id=%s community=%s by=%s", need.id, community_id, staff.id)
    return need


# -- steps ------------------------------------------------------------------------------
@dataclass
class Step:
    """One step about to be written. A transition's step is built from the guard's row and
    completed by its action's handler; an escalation or a content approval is a step that
    keeps the status (a mark)."""

    request: ServiceRequest
    action: str
    role: str
    actor: User | None
    from_status: str
    to: str
    values: dict = field(default_factory=dict)  # columns the step sets besides the status
    where: tuple = ()  # conditions of the conditional UPDATE besides id and status
    note: str | None = None
    note_ok: bool = True
    data: dict = field(default_factory=dict)
    # Ledger postings (and the partner's rating): they run once the step has won.
    effects: list = field(default_factory=list)
    at: datetime = field(default_factory=utcnow)

    @property
    def moves(self) -> bool:
        return self.to != self.from_status


def act(req: ServiceRequest, action: str, actor: User | None, params: dict) -> ServiceRequest:
    """Apply `action` to `req` as `actor` (None: the system). Raises 403/404/409/422."""
    row = machine.guard(action, roles_of(actor, req), req.status)
    step = Step(request=req, action=action, role=row[2], actor=actor, from_status=row[0],
                to=row[3][0])
    handler = HANDLERS.get(action)
    if handler:
        handler(step, params or {})
    if step.to not in row[3]:
        raise AssertionError(f"handler moved {action} to {step.to}")
    apply(step)
    return req


def apply(step: Step) -> bool:
    """Write one step, in the caller's transaction, always in this order:

    1. the conditional UPDATE: the request changes only if it is still in `from_status` (and
       meets `step.where`), so of two racing steps only one wins. A move also sets its new
       status, `updated_at`, the new step's deadline, and clears `escalated_at`. A move that
       lost raises 409 `invalid_transition`; a mark that lost returns False. Either way
       nothing is written;
    2. the timeline event;
    3. the partner load: `open_tasks` follows the partner that holds the task (statuses
       `machine.OPEN`); a dispatch or claim takes a free place atomically (409
       `partner_at_capacity`);
    4. the ledger postings the handler prepared (`step.effects`: holds, reservations, the
       payment, releases, the partner's rating);
    5. the notifications (inbox rows now, WeChat messages after commit).

    Every step after a request's creation goes through here: the actions of the transition
    table (`act`), content approval and the escalation of an overdue step.
    """
    req, now = step.request, step.at
    old_partner = req.partner_id
    values = dict(step.values)
    if step.moves:
        values = {"status": step.to, "updated_at": now, "escalated_at": None,
                  "deadline_at": machine.deadline_for(step.to, req, now), **values}
    won = db.session.execute(
        sa.update(ServiceRequest)
        .where(ServiceRequest.id == req.id, ServiceRequest.status == step.from_status,
               *step.where)
        .values(**values).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(req)  # the row as it now is, relationships (partner) included
    if not won:  # another step came first since we read the row
        if not step.moves:
            return False
        raise Conflict("invalid_transition", "当前状态不允许此操作",
                       details={"status": req.status, "action": step.action})
    db.session.add(RequestEvent(
        request_id=req.id, action=step.action, from_status=step.from_status, to_status=step.to,
        actor_id=step.actor.id if step.actor else None, actor_role=step.role, at=now,
        note=step.note, note_ok=step.note_ok, data=step.data or None))
    db.session.flush()
    _move_load(step, old_partner)
    for effect in step.effects:
        effect()
    _notify(step)
    log.info("request step id=%s action=%s from=%s to=%s by=%s", req.id, step.action,
             step.from_status, step.to, step.actor.id if step.actor else "system")
    return True


# Steps that give a partner a new task: they take a free place under `capacity` atomically.
TAKES_PLACE = ("dispatch", "claim")


def _move_load(step: Step, old_partner: int | None) -> None:
    """The partner that held the task before the step gives it up, the one that holds it
    after takes it."""
    new_partner = step.request.partner_id
    held_before = old_partner if step.from_status in machine.OPEN else None
    held_after = new_partner if step.to in machine.OPEN else None
    if held_before and held_before != held_after:
        catalog.change_open_tasks(held_before, -1)
    if held_after and held_after != held_before:
        if step.action in TAKES_PLACE:
            _take_place(held_after)
        else:  # a redo after a dispute: the partner owes the work whatever its load
            catalog.change_open_tasks(held_after, +1)


def _take_place(partner_id: int) -> None:
    """One more open task for the partner, only while it has a free place: the conditional
    UPDATE holds the partner's row until commit, so two racing dispatches or claims for its
    last place cannot both win (the loser's transaction is rolled back)."""
    taken = db.session.execute(
        sa.update(Partner).where(Partner.id == partner_id,
                                 Partner.open_tasks < Partner.capacity)
        .values(open_tasks=Partner.open_tasks + 1)
        .execution_options(synchronize_session=False)).rowcount
    if not taken:
        load = db.session.execute(sa.select(Partner.open_tasks, Partner.capacity)
                                  .where(Partner.id == partner_id)).one()
        raise Conflict("partner_at_capacity", "该合伙人任务已满",
                       details={"open_tasks": load.open_tasks, "capacity": load.capacity})


class NotEligible(ApiError):
    status, code, message = 422, "partner_not_eligible", "该合伙人不服务此类别或社区"


# -- handlers: validate the body, decide the target, prepare values ---------------------
def _note(step: Step, text: str | None, required: bool = False) -> None:
    if required and not (text or "").strip():
        raise Unprocessable(details={"fields": {"reason": ["请填写原因"]}})
    if text:
        step.note = text
        step.note_ok = screen(text, step.actor.openid if step.actor else "")


def _dispatch(step, params):
    """To a partner, or into the pool; a pooled request may be dispatched to a partner."""
    req = step.request
    if not req.content_ok:
        raise Conflict("content_under_review", "内容审核中，暂不能派单")
    step.values = {"dispatched_at": utcnow(), "dispatches": req.dispatches + 1}
    if params.get("pool"):
        if req.status == "pooled":
            raise Conflict("invalid_transition", "已在抢单池中",
                           details={"status": req.status, "action": "dispatch"})
        step.to = "pooled"
        _reserve(step)
        return
    if not params.get("partner_id"):
        raise Unprocessable(details={"fields": {"partner_id": ["请选择合伙人或放入抢单池"]}})
    partner = catalog.get_partner(params["partner_id"])
    if not catalog.under_contract(partner):
        raise NotEligible(message="该合伙人已停用或合同已到期")
    if not catalog.serves(partner, req.category_id, req.community_id):
        raise NotEligible()
    if partner.open_tasks >= partner.capacity:  # the transition re-checks it atomically
        raise Conflict("partner_at_capacity", "该合伙人任务已满", details={
            "open_tasks": partner.open_tasks, "capacity": partner.capacity})
    step.to = "dispatched"
    step.values["partner_id"] = partner.id
    step.data = {"partner_id": partner.id}
    _reserve(step)


def _recall(step, params):
    """Staff take a pooled request back into their queue."""
    _note(step, params.get("reason"))
    _release(step)


def _expire(step, params):
    """Nobody accepted or claimed it in time: back to the queue, reservation released. A
    proxy order the resident did not agree to in time is cancelled, whatever it held
    released as a cancellation does."""
    if step.from_status == machine.PROPOSED:
        step.data = {"placed_by_id": step.request.placed_by_id,
                     "hours": _proposal_hours()}
        _release(step)
        return
    step.values = {"partner_id": None, "assignee_id": None}
    if step.request.partner_id:
        step.data = {"partner_id": step.request.partner_id}
    _release(step)


class SelfDealing(ApiError):
    status, code = 403, "self_dealing"
    message = "不能承接或确认自己下的服务单"


def _not_own(step) -> None:
    """A partner member who ordered the service may not take it (nor be paid for it)."""
    if step.actor.id == step.request.resident_id:
        raise SelfDealing()


def _claim(step, params):
    _not_own(step)
    req, user = step.request, step.actor
    partners = [catalog.get_partner(pid) for pid in sorted(catalog.member_partner_ids(user))]
    eligible = [p for p in partners if catalog.serves(p, req.category_id, req.community_id)]
    free = [p for p in eligible if p.open_tasks < p.capacity]
    if not free:
        raise Conflict("partner_at_capacity", "您所在合伙人任务已满")
    step.values = {"partner_id": free[0].id, "assignee_id": user.id, "accepted_at": utcnow()}
    step.data = {"partner_id": free[0].id}


def _accept(step, params):
    _not_own(step)
    step.values = {"assignee_id": step.actor.id, "accepted_at": utcnow()}


def _decline(step, params):
    _note(step, params.get("reason"), required=True)
    step.values = {"partner_id": None, "assignee_id": None}
    step.data = {"partner_id": step.request.partner_id}
    _release(step)


def _complete(step, params):
    minutes = params["minutes"]
    if minutes > step.request.max_minutes:
        raise Unprocessable(details={"fields": {"minutes": [
            f"服务时长不能超过 {step.request.max_minutes} 分钟"]}})
    photo_ids = params.get("photo_ids") or []
    if step.request.category.photo_required and not photo_ids:
        raise Unprocessable("photo_required", "该服务须上传完成照片", details={
            "fields": {"photo_ids": ["请至少上传一张完成照片"]}})
    _note(step, params.get("note"))
    attached = files.attach(photo_ids, uploader_id=step.actor.id, record_type="request",
                            record_id=step.request.id)
    step.values = {"minutes": minutes}
    step.data = {"minutes": minutes}
    if attached:
        step.data["photo_ids"] = [f.id for f in attached]


def _confirm(step, params):
    req = step.request
    if req.assignee_id == req.resident_id:
        raise SelfDealing(message="服务由您本人完成，不能自行确认，请联系社区处理")
    _note(step, params.get("comment"))
    step.values = {"rating": params["rating"]}
    step.data = {"rating": params["rating"]}
    _settle(step)
    partner_id = req.partner_id
    # A member rating their own partner never counts towards its score.
    if partner_id in catalog.member_partner_ids(step.actor):
        step.data["rating_counted"] = False
    else:
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
            if params["minutes"] > step.request.max_minutes:
                raise Unprocessable(details={"fields": {"minutes": ["超过该类别的最长时长"]}})
            step.values["minutes"] = params["minutes"]
            step.data["minutes"] = params["minutes"]
        _settle(step)
    elif outcome == "cancel":
        _release(step)


def _agree(step, params):
    """The resident agrees to a proxy order placed for them: it is submitted, and a
    resident-paid one holds its escrow from the resident now."""
    step.data = {"placed_by_id": step.request.placed_by_id}
    step.effects.append(_hold(step.request))


def _cancel(step, params):
    _note(step, params.get("reason"), required=True)
    _release(step)


def _auto_confirm(step, params):
    step.data = {"auto": True}
    _settle(step)


# -- points ---------------------------------------------------------------------------
# Ledger keys of a request: `request:<id>:hold` and `:release` (the resident's escrow, taken at
# creation), `request:<id>:reserve:<n>` and `:reserve:<n>:release` (the community's points set
# aside by the n-th dispatch), `request:<id>:settle` (the payment).
def _most_points(req: ServiceRequest) -> int:
    """What the request can cost at most, at the price it was created with."""
    return timebank.points_for_minutes(req.max_minutes, req.points_per_hour)


def _reserve(step: Step) -> None:
    """A community-paid request sets its community's points aside when it is dispatched,
    so that confirming it can never fail on the budget (409 `budget_exhausted` here)."""
    req = step.request
    if req.payer != "community" or _most_points(req) <= 0:
        return
    community_id, ref, name = req.community_id, f"request:{req.id}", req.category.name
    n, amount, was_pooled = step.values["dispatches"], _most_points(req), req.status == "pooled"

    def reserve():
        if was_pooled:  # the pool's reservation moves to this dispatch
            timebank.release_reserve(community_id=community_id, ref=ref,
                                     key=f"{ref}:reserve:{n - 1}:release", memo="改派，释放预留")
        timebank.reserve_points(community_id=community_id, amount=amount, ref=ref,
                                key=f"{ref}:reserve:{n}", memo=f"{name} 派单预留")

    step.effects.append(reserve)


def _settle(step: Step) -> None:
    """Price the work at the request's own terms; pay the partner member who did it once the
    step has won (`request:<id>:settle` makes the credit exactly-once whatever races)."""
    req = step.request
    minutes = step.values.get("minutes", req.minutes) or 0
    points = timebank.points_for_minutes(minutes, req.points_per_hour)
    step.values["points_settled"] = points
    step.data["points"] = points
    ref = f"request:{req.id}"

    def pay():
        reserved = req.payer == "community" and \
            timebank.reserved_for(req.community_id, ref) > 0
        if req.payer != "none" and points > 0:
            timebank.settle_service(
                payer=req.payer, community_id=req.community_id,
                payee_user_id=req.assignee_id, points=points, key=f"{ref}:settle",
                ref=ref, memo=f"{req.category.name} {minutes} 分钟",
                resident_user_id=req.resident_id, minutes=minutes,
                actor_id=step.actor.id if step.actor else None, from_reserve=reserved)
        left = req.held_points - (points if req.payer == "resident" else 0)
        if left > 0:
            timebank.release_hold(user_id=req.resident_id, amount=left,
                                  key=f"{ref}:release", ref=ref, memo="预扣积分退回")
        if reserved:
            timebank.release_reserve(community_id=req.community_id, ref=ref,
                                     key=f"{ref}:reserve:{req.dispatches}:release",
                                     memo="结算后释放剩余预留")

    step.effects.append(pay)


def _release(step: Step) -> None:
    """Give back the resident's escrow (on cancel) and the community's reservation."""
    req = step.request
    ref, n = f"request:{req.id}", req.dispatches
    cancelled = step.to == "cancelled"

    def release():
        if cancelled and req.held_points:
            timebank.release_hold(user_id=req.resident_id, amount=req.held_points,
                                  key=f"{ref}:release", ref=ref, memo="取消，预扣积分退回")
        if req.payer == "community" and n:
            timebank.release_reserve(community_id=req.community_id, ref=ref,
                                     key=f"{ref}:reserve:{n}:release", memo="释放派单预留")

    step.effects.append(release)


HANDLERS = {
    "dispatch": _dispatch, "recall": _recall, "claim": _claim, "accept": _accept,
    "decline": _decline, "complete": _complete, "confirm": _confirm, "dispute": _dispute,
    "resolve": _resolve, "cancel": _cancel, "agree": _agree, "auto_confirm": _auto_confirm,
    "expire": _expire,
}


# -- content approval ---------------------------------------------------------------
def approve_content(req: ServiceRequest, staff: User) -> ServiceRequest:
    """Staff publish a description that was held because the content check could not run;
    it may be dispatched from then on. A timeline event `approve_content` records it;
    approving a published description writes nothing."""
    require_staff(staff, req.community_id)
    if req.content_ok:
        return req
    step = Step(request=req, action="approve_content", role="staff", actor=staff,
                from_status=req.status, to=req.status, values={"content_ok": True},
                where=(ServiceRequest.content_ok.is_(False),))
    if not apply(step) and not req.content_ok:  # its status moved meanwhile: try again
        raise Conflict("invalid_transition", "当前状态不允许此操作",
                       details={"status": req.status, "action": step.action})
    return req


# -- notifications after each step ------------------------------------------------------
def _notify(step: Step) -> None:
    req, action, to = step.request, step.action, step.to
    ref, name = f"request:{req.id}", req.category.name
    if action == "escalate":
        audiences, title = ALERTS[step.from_status]
        for uid in _recipients(req, audiences):
            notify(uid, "overdue", title, f"{name} #{req.id}", ref)
        return
    if action in ("confirm", "auto_confirm") or (action == "resolve" and to == "confirmed"):
        if req.assignee_id:
            notify(req.assignee_id, "confirmed", "服务已确认",
                   f"{name} 获得 {req.points_settled or 0} 积分", ref)
        return
    if action == "dispatch":
        if to == "dispatched":
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
    if action == "expire" and to == "cancelled":  # a proposal nobody agreed to in time
        notify(req.resident_id, "cancelled", "代下单未确认，已自动取消", f"{name} #{req.id}", ref,
               role="resident")
        if req.placed_by_id:
            notify(req.placed_by_id, "cancelled", "居民未确认代下单，已自动取消",
                   f"{name} #{req.id}", ref,
                   role="staff" if req.placed_as == "staff" else "resident")
        return
    to_staff = {"decline": ("declined", "合伙人拒单，请重新派单"),
                "dispute": ("disputed", "居民对服务有异议"),
                "expire": ("overdue", "超时无人接单，已退回待派单")}
    if action in to_staff:
        kind, title = to_staff[action]
        for uid in auth_service.holders("staff", community_id=req.community_id):
            notify(uid, kind, title, f"{name} #{req.id}", ref)
        return
    if action == "agree":
        _tell_staff(req)
        return
    if action in ("cancel", "resolve"):
        roles = {req.placed_by_id: None, req.assignee_id: "partner_member",
                 req.resident_id: "resident"}
        for uid, role in roles.items():
            if uid is not None:
                notify(uid, to, "服务请求状态更新", f"{name} #{req.id}", ref, role=role)


# -- files ----------------------------------------------------------------------------
def _can_see(user: User, request_id: int) -> bool:
    req = db.session.get(ServiceRequest, request_id)
    return req is not None and can_view(user, req)


files.register_visibility("request", _can_see)


# -- deadlines: one overdue request at a time (the loop: `app/orders/jobs.py`) ----------
# Overdue steps that move on their own: the system's transition and its counter.
MOVES = (("dispatched", "expire", "expired"), ("pooled", "expire", "pool_expired"),
         ("completed", "auto_confirm", "auto_confirmed"),
         (machine.PROPOSED, "expire", "proposal_expired"))
# Overdue steps that wait for a person: who is told, and what.
ALERTS = {
    "submitted": (("staff",), "居民点单超时未派单"),
    "accepted": (("staff", "partner"), "已接单超时未开始服务"),
    "in_service": (("staff",), "服务超过最长时长仍未完成"),
    "disputed": (("street_admin",), "服务争议超时未处理"),
}
BATCH = 1000


def overdue_ids(status: str, now: datetime, unescalated: bool = False) -> list[int]:
    """Requests whose step `status` is past its deadline (at most `BATCH`, oldest first);
    `unescalated`: not escalated yet."""
    overdue = ServiceRequest.deadline_at < now
    if status == machine.PROPOSED:  # proposals made before they had a deadline
        overdue = sa.or_(overdue, sa.and_(
            ServiceRequest.deadline_at.is_(None),
            ServiceRequest.created_at < now - timedelta(hours=_proposal_hours())))
    stmt = sa.select(ServiceRequest.id).where(ServiceRequest.status == status, overdue)
    if unescalated:
        stmt = stmt.where(ServiceRequest.escalated_at.is_(None))
    return list(db.session.scalars(stmt.order_by(ServiceRequest.id).limit(BATCH)))


def move_overdue(request_id: int, action: str) -> None:
    """The system's step of an overdue request (`expire`, `auto_confirm`); a racing person's
    step simply wins or loses the conditional update (409 `invalid_transition`)."""
    act(get_request(request_id), action, None, {})


def alert(request_id: int, status: str, now: datetime) -> bool:
    """Escalate one overdue step once: a conditional UPDATE marks it (a concurrent run or a
    step that moved the request on loses: False), then the event `escalate` and the inbox
    rows of whoever must act follow."""
    req = get_request(request_id)
    audiences, _ = ALERTS[status]
    return apply(Step(
        request=req, action="escalate", role="system", actor=None, from_status=status,
        to=status, values={"escalated_at": now}, at=now, data={"notified": list(audiences)},
        where=(ServiceRequest.deadline_at < now, ServiceRequest.escalated_at.is_(None))))


def _recipients(req: ServiceRequest, audiences) -> list[int]:
    ids: list[int] = []
    for audience in audiences:
        if audience == "staff":
            ids += auth_service.holders("staff", community_id=req.community_id)
        elif audience == "partner" and req.partner_id:
            ids += catalog.partner_member_ids(req.partner_id)
        elif audience == "street_admin":
            street_id = get_community(req.community_id).street_id
            # no street admin yet: the admins above it hear of it instead
            ids += auth_service.holders("street_admin", street_id=street_id) or \
                auth_service.holders("admin")
    return sorted(set(ids))
