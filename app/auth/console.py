"""Login to the staff web console by ticket.

The console asks for a ticket and keeps the poll secret in its own browser tab; it shows only
the ticket, as a QR (`llt-console:<ticket>`). A signed-in staff member scans it with the
mini-program and confirms, which opens a session for them; the console polls with its secret
and collects that session's token, once. Everything lives in the database (`console_tickets`),
so any process may answer any step; the secret is kept only as its SHA-256.
"""
import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.audit.service import record
from app.auth.models import ConsoleTicket, User
from app.auth.permissions import has_role
from app.auth.tokens import new_session, sign
from app.common.timeutil import utcnow
from app.errors import ApiError, Forbidden
from app.extensions import db

log = logging.getLogger(__name__)

# Roles that work at the console (admin passes every role check).
CONSOLE_ROLES = ("staff", "street_admin", "org_dept")
PENDING_SECONDS = 120   # an unconfirmed ticket expires after this
COLLECT_SECONDS = 60    # a confirmed ticket must be collected within this
LINK_SECONDS = 600      # `flask console-login`'s one-time link
QR_PREFIX = "llt-console:"


class TicketUnknown(ApiError):
    status, code, message = 404, "ticket_not_found", "登录码无效，请刷新后重新扫码"


class TicketExpired(ApiError):
    status, code, message = 410, "ticket_expired", "登录码已过期，请刷新后重新扫码"


class TicketUsed(ApiError):
    status, code, message = 409, "ticket_used", "登录码已使用，请刷新后重新扫码"


class WrongBrowser(ApiError):
    status, code, message = 403, "ticket_other_browser", "此登录码不属于当前浏览器"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def can_use_console(user: User) -> bool:
    return any(has_role(user, role) for role in CONSOLE_ROLES)


def create_ticket() -> tuple[ConsoleTicket, str]:
    """A new pending ticket and its poll secret (returned once, never stored)."""
    secret = secrets.token_urlsafe(32)
    ticket = ConsoleTicket(ticket=secrets.token_urlsafe(24), poll_secret_hash=_digest(secret),
                           expires_at=utcnow() + timedelta(seconds=PENDING_SECONDS))
    db.session.add(ticket)
    db.session.flush()
    return ticket, secret


def _get(ticket: str) -> ConsoleTicket:
    row = db.session.scalar(sa.select(ConsoleTicket).where(ConsoleTicket.ticket == ticket))
    if row is None:
        raise TicketUnknown()
    return row


def _open_session(row: ConsoleTicket, user: User, now: datetime, via: str) -> None:
    sess = new_session(user)
    db.session.flush()
    row.user_id, row.confirmed_at, row.session_id = user.id, now, sess.id
    roles = sorted({g.role for g in user.grants} & {*CONSOLE_ROLES, "admin"})
    record("login", actor_id=user.id, target_type="user", target_id=user.id,
           details={"roles": roles, "via": via})


def confirm(user: User, ticket: str) -> ConsoleTicket:
    """The signed-in staff member (from the mini-program) confirms a ticket they scanned.
    A second confirmation, by anyone, is refused: the conditional UPDATE lets one win."""
    if not can_use_console(user):
        raise Forbidden("console_forbidden", "您没有使用管理后台的权限")
    row = _get(ticket)
    now = utcnow()
    if row.confirmed_at is not None:
        raise TicketUsed()
    if row.expires_at <= now:
        raise TicketExpired()
    won = db.session.execute(
        sa.update(ConsoleTicket)
        .where(ConsoleTicket.id == row.id, ConsoleTicket.confirmed_at.is_(None))
        .values(confirmed_at=now, user_id=user.id,
                expires_at=now + timedelta(seconds=COLLECT_SECONDS))
        .execution_options(synchronize_session=False)).rowcount
    if not won:
        raise TicketUsed()
    db.session.refresh(row)
    _open_session(row, user, now, "console_qr")
    log.info("console ticket confirmed id=%s user=%s", row.id, user.id)
    return row


def poll(ticket: str, secret: str | None) -> dict:
    """`{status}` while pending or expired; `{status: confirmed, token}` once, to the holder of
    the secret. Another secret is refused whatever the state, and a second collection too."""
    row = _get(ticket)
    if not secret or not hmac.compare_digest(_digest(secret), row.poll_secret_hash):
        raise WrongBrowser()
    now = utcnow()
    if row.collected_at is not None:
        raise TicketUsed()
    if row.expires_at <= now:
        return {"status": "expired"}
    if row.confirmed_at is None:
        return {"status": "pending", "expires_in": int((row.expires_at - now).total_seconds())}
    won = db.session.execute(
        sa.update(ConsoleTicket)
        .where(ConsoleTicket.id == row.id, ConsoleTicket.collected_at.is_(None))
        .values(collected_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not won:
        raise TicketUsed()
    log.info("console ticket collected id=%s user=%s", row.id, row.user_id)
    return {"status": "confirmed", "token": sign(row.session)}


def one_time_link(user: User) -> tuple[ConsoleTicket, str]:
    """`flask console-login`: a ticket already confirmed by the user, collected by the link."""
    if not can_use_console(user):
        raise Forbidden("console_forbidden", "您没有使用管理后台的权限")
    ticket, secret = create_ticket()
    now = utcnow()
    ticket.expires_at = now + timedelta(seconds=LINK_SECONDS)
    _open_session(ticket, user, now, "console_link")
    return ticket, secret
