"""`notify()` writes an inbox row in the caller's transaction and, after commit, a job sends
the WeChat subscribe message. A failed send never undoes the step that caused it."""
import logging

import sqlalchemy as sa
from flask import current_app

from app.common.timeutil import utcnow
from app.errors import NotFound
from app.extensions import db
from app.jobs import after_commit
from app.notifications.models import Notification

log = logging.getLogger(__name__)


def notify(user_id: int, kind: str, title: str, body: str = "", ref: str = "") -> Notification:
    note = Notification(user_id=user_id, kind=kind, title=title[:64], body=body[:255], ref=ref)
    db.session.add(note)
    db.session.flush()
    after_commit(send_subscribe_message, note.id)
    return note


def send_subscribe_message(notification_id: int) -> None:
    """Job: push one inbox item as a WeChat subscribe message, when a template is configured."""
    from app.auth.models import User
    from app.wechat import WeChatError, WeChatUnavailable, get_client

    note = db.session.get(Notification, notification_id)
    if note is None:
        return
    template = current_app.config.get("WECHAT_TEMPLATES", {}).get(note.kind)
    user = db.session.get(User, note.user_id)
    if not template and current_app.config["WECHAT_MODE"] == "real":
        return
    try:
        get_client().send_subscribe_message(
            user.openid, template or f"fake-{note.kind}",
            {"thing1": note.title, "thing2": note.body[:20]}, page=None)
    except (WeChatError, WeChatUnavailable) as err:
        log.info("subscribe message not sent notification=%s code=%s", note.id, err.code)


def inbox_stmt(user_id: int, unread_only: bool = False):
    stmt = sa.select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt


def mark_read(user_id: int, notification_id: int | None = None) -> int:
    stmt = sa.update(Notification).where(Notification.user_id == user_id,
                                         Notification.read_at.is_(None))
    if notification_id is not None:
        note = db.session.get(Notification, notification_id)
        if note is None or note.user_id != user_id:
            raise NotFound()
        stmt = stmt.where(Notification.id == notification_id)
    return db.session.execute(stmt.values(read_at=utcnow())
                              .execution_options(synchronize_session=False)).rowcount


def unread_count(user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)))
