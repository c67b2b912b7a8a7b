"""Four-eyes corrections: one admin asks, another approves, only then do points move.

The approver is neither the requester, nor anyone the correction pays or charges (the user
of an amount, either party of a reversed transfer), nor an admin the requester made in the
last 30 days (`app.auth.admin_grants`).

A request either credits/debits a user (`amount`, signed) or reverses a transfer. Approval is
a conditional UPDATE from `pending`, so two approvals racing still apply it once; the transfer
key `adjustment:<id>` makes the ledger side exactly-once as well.
"""
import logging

import sqlalchemy as sa

from app.audit.service import record
from app.auth.admin_grants import refuse_if_made_admin_by
from app.auth.models import User
from app.auth.permissions import is_admin, require
from app.common.timeutil import utcnow
from app.errors import ApiError, Conflict, Unprocessable
from app.extensions import db
from app.sql import get_or_404
from app.timebank import service
from app.timebank.models import Account, Adjustment, Transfer

log = logging.getLogger(__name__)


def request_adjustment(actor: User, data: dict) -> Adjustment:
    require(is_admin(actor))
    user_id, amount = data.get("user_id"), data.get("amount")
    reverse_id = data.get("reverse_transfer_id")
    if (reverse_id is None) == (amount is None):
        raise Unprocessable(details={"fields": {
            "amount": ["须给出 amount 或 reverse_transfer_id 之一"]}})
    if amount is not None:
        if user_id is None:
            raise Unprocessable(details={"fields": {"user_id": ["调整积分须指定用户"]}})
        get_or_404(User, user_id, "用户不存在")
    else:
        original = get_or_404(Transfer, reverse_id, "流水不存在")
        if original.kind == "reversal":
            raise Conflict("not_reversible", "冲正流水不能再冲正")
        user_id = None
    adjustment = Adjustment(user_id=user_id, amount=amount, reverse_transfer_id=reverse_id,
                            reason=data["reason"], requested_by_id=actor.id)
    db.session.add(adjustment)
    db.session.flush()
    record("adjustment", actor_id=actor.id, target_type="adjustment", target_id=adjustment.id,
           details={"user_id": user_id, "amount": amount, "reverse_transfer_id": reverse_id})
    log.info("adjustment requested id=%s by=%s", adjustment.id, actor.id)
    return adjustment


def beneficiaries(adjustment: Adjustment) -> set[int]:
    """The users whose points the adjustment moves."""
    if adjustment.reverse_transfer_id is None:
        return {adjustment.user_id}
    original = db.session.get(Transfer, adjustment.reverse_transfer_id)
    return set(db.session.scalars(sa.select(Account.user_id).where(
        Account.id.in_([original.debit_account_id, original.credit_account_id]),
        Account.user_id.is_not(None))))


def _decide(actor: User, adjustment_id: int, status: str) -> Adjustment:
    require(is_admin(actor))
    adjustment = get_or_404(Adjustment, adjustment_id, "调整申请不存在")
    if adjustment.requested_by_id == actor.id:
        raise ApiError("four_eyes_required", "须由另一位管理员审批", 403)
    if status == "approved":
        if actor.id in beneficiaries(adjustment):
            raise ApiError("approver_is_beneficiary", "不能审批与自己积分有关的调整", 403)
        refuse_if_made_admin_by(actor, adjustment.requested_by_id)
    moved = db.session.execute(
        sa.update(Adjustment).where(Adjustment.id == adjustment.id,
                                    Adjustment.status == "pending")
        .values(status=status, decided_by_id=actor.id, decided_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(adjustment)
    if moved != 1:
        raise Conflict("adjustment_decided", "该申请已处理", details={"status": adjustment.status})
    return adjustment


def approve(actor: User, adjustment_id: int) -> Adjustment:
    adjustment = _decide(actor, adjustment_id, "approved")
    memo = f"调整：{adjustment.reason}"[:200]
    if adjustment.reverse_transfer_id is not None:
        transfer = service.reverse(transfer_id=adjustment.reverse_transfer_id, memo=memo,
                                   actor_id=actor.id)
    else:
        transfer = service.adjust(user_id=adjustment.user_id, amount=adjustment.amount,
                                  key=f"adjustment:{adjustment.id}", memo=memo,
                                  actor_id=actor.id)
    adjustment.transfer_id = transfer.id
    db.session.flush()
    record("approve", actor_id=actor.id, target_type="adjustment", target_id=adjustment.id,
           details={"transfer_id": transfer.id, "requested_by_id": adjustment.requested_by_id})
    log.info("adjustment approved id=%s by=%s transfer=%s", adjustment.id, actor.id,
             transfer.id)
    return adjustment


def reject(actor: User, adjustment_id: int) -> Adjustment:
    adjustment = _decide(actor, adjustment_id, "rejected")
    record("reject", actor_id=actor.id, target_type="adjustment", target_id=adjustment.id,
           details={"requested_by_id": adjustment.requested_by_id})
    log.info("adjustment rejected id=%s by=%s", adjustment.id, actor.id)
    return adjustment


def list_stmt(actor: User, status: str | None):
    require(is_admin(actor))
    stmt = sa.select(Adjustment)
    return stmt.where(Adjustment.status == status) if status else stmt
