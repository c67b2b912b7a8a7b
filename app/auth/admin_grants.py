"""Four eyes on the admin role: one admin asks for a new admin, another approves.

An admin made by someone in the last `COOLING_DAYS` days is that person's second pair of eyes
only in name: such an admin may not approve what that person asked for (an admin grant here,
an adjustment in the time bank). `flask grant-admin` on the server bootstraps the first admin.
"""
import logging
from datetime import timedelta

import sqlalchemy as sa

from app.audit.service import record
from app.auth.models import AdminGrantRequest, RoleGrant, User
from app.auth.permissions import is_admin, require
from app.auth.service import record_grant
from app.common.timeutil import utcnow
from app.errors import ApiError, Conflict, NotFound
from app.extensions import db
from app.sql import get_or_404

log = logging.getLogger(__name__)
COOLING_DAYS = 30


def made_admin_recently_by(user_id: int, by_id: int) -> bool:
    """True if `by_id` granted, asked for or approved an admin role for `user_id` within the
    last COOLING_DAYS days (revoked since or not)."""
    since = utcnow() - timedelta(days=COOLING_DAYS)
    granted = db.session.scalar(sa.select(RoleGrant.id).where(
        RoleGrant.user_id == user_id, RoleGrant.role == "admin",
        RoleGrant.granted_by_id == by_id, RoleGrant.granted_at >= since).limit(1))
    if granted:
        return True
    return bool(db.session.scalar(sa.select(AdminGrantRequest.id).where(
        AdminGrantRequest.user_id == user_id, AdminGrantRequest.status == "approved",
        AdminGrantRequest.decided_at >= since,
        sa.or_(AdminGrantRequest.requested_by_id == by_id,
               AdminGrantRequest.decided_by_id == by_id)).limit(1)))


def refuse_if_made_admin_by(approver: User, requester_id: int) -> None:
    if made_admin_recently_by(approver.id, requester_id):
        raise ApiError("approver_recently_made_admin",
                       f"该管理员在 {COOLING_DAYS} 天内由申请人授予，不能审批其申请", status=403)


def request_admin(actor: User, user_id: int) -> AdminGrantRequest:
    require(is_admin(actor))
    target = db.session.get(User, user_id)
    if target is None or target.cancelled_at is not None:
        raise NotFound(message="用户不存在")
    if is_admin(target):
        raise Conflict("role_already_granted", "该用户已拥有此角色")
    pending = db.session.scalar(sa.select(AdminGrantRequest).where(
        AdminGrantRequest.user_id == user_id, AdminGrantRequest.status == "pending"))
    if pending is not None:
        raise Conflict("admin_request_pending", "已有待审批的授予申请",
                       details={"request_id": pending.id})
    req = AdminGrantRequest(user_id=user_id, requested_by_id=actor.id)
    db.session.add(req)
    db.session.flush()
    log.info("admin grant requested id=%s user=%s by=%s", req.id, user_id, actor.id)
    return req


def _decide(actor: User, req: AdminGrantRequest, status: str) -> None:
    """Conditional update from pending: two admins deciding at once cannot both win."""
    moved = db.session.execute(
        sa.update(AdminGrantRequest)
        .where(AdminGrantRequest.id == req.id, AdminGrantRequest.status == "pending")
        .values(status=status, decided_by_id=actor.id, decided_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(req)
    if moved != 1:
        raise Conflict("admin_request_decided", "该申请已处理", details={"status": req.status})


def approve(actor: User, request_id: int) -> AdminGrantRequest:
    require(is_admin(actor))
    req = get_or_404(AdminGrantRequest, request_id, "授予申请不存在")
    if actor.id in (req.requested_by_id, req.user_id):
        raise ApiError("four_eyes_required", "须由另一位管理员审批", status=403)
    refuse_if_made_admin_by(actor, req.requested_by_id)
    target = db.session.get(User, req.user_id)
    if target.cancelled_at is not None:
        raise NotFound(message="用户不存在")
    if is_admin(target):
        raise Conflict("role_already_granted", "该用户已拥有此角色")
    _decide(actor, req, "approved")
    # The grant names who asked for it; the request names who approved it.
    grant = RoleGrant(user_id=req.user_id, role="admin", granted_by_id=req.requested_by_id)
    db.session.add(grant)
    db.session.flush()
    req.grant_id = grant.id
    record("approve", actor_id=actor.id, target_type="admin_grant_request", target_id=req.id,
           details={"user_id": req.user_id, "requested_by_id": req.requested_by_id})
    record_grant(actor.id, grant, request_id=req.id, requested_by_id=req.requested_by_id)
    db.session.flush()
    log.info("admin grant approved id=%s user=%s by=%s", req.id, req.user_id, actor.id)
    return req


def reject(actor: User, request_id: int) -> AdminGrantRequest:
    """Any admin may turn a request down, its author included (withdrawing it)."""
    require(is_admin(actor))
    req = get_or_404(AdminGrantRequest, request_id, "授予申请不存在")
    _decide(actor, req, "rejected")
    record("reject", actor_id=actor.id, target_type="admin_grant_request", target_id=req.id,
           details={"user_id": req.user_id, "requested_by_id": req.requested_by_id})
    log.info("admin grant rejected id=%s by=%s", req.id, actor.id)
    return req


def list_stmt(actor: User, status: str | None):
    require(is_admin(actor))
    stmt = sa.select(AdminGrantRequest)
    return stmt.where(AdminGrantRequest.status == status) if status else stmt
