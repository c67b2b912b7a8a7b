"""`notify()` writes an inbox row in the caller's transaction and, after commit, a job sends
the WeChat subscribe message. A failed send never undoes the step that caused it.

Each item carries the mini-program page that opens it for its receiver's role (a resident's
request page, a partner's task, a staff member's dispatch screen ...). The WeChat message is
sent with that page and with data filled into the template's own keys, as configured in
`WECHAT_TEMPLATES` per notification kind (see config.py). WeChat's errcode 43101 means the
user holds no subscription for the template: recorded as `not_subscribed`, not as a failure.

`notify_many()` tells many users the same thing (a consultation's whole roll): one INSERT of
all the rows and one job per `PUSH_BATCH` items (`jobs.send_subscribe_messages`), which pushes
them one by one and commits after each, so a batch taken again after a dead worker skips what
was already pushed.
"""
import logging

import sqlalchemy as sa
from flask import current_app

from app.auth.models import User
from app.common.timeutil import SHANGHAI, utcnow
from app.errors import NotFound
from app.extensions import db
from app.jobs import after_commit, after_commit_many
from app.notifications.models import Notification
from app.wechat import WeChatError, WeChatUnavailable, get_client

log = logging.getLogger(__name__)

NOT_SUBSCRIBED = 43101
PUSH_BATCH = 500  # items per push job of notify_many
PUSH_JOB = "app.notifications.jobs:send_subscribe_messages"  # named, not imported (it imports this)

# Who receives each kind, when the caller does not say (the page depends on it).
KIND_ROLES = {
    "submitted": "staff", "declined": "staff", "disputed": "staff", "overdue": "staff",
    "dispatched": "partner_member", "confirmed": "partner_member",
    "accepted": "resident", "started": "resident", "completed": "resident",
    "shift_promoted": "volunteer",
}

# (what the ref points at, receiver role) -> page; `{id}` is the ref's id.
PAGES = {
    ("request", "resident"): "packages/resident/request/index?id={id}",
    ("request", "partner_member"): "packages/partner/task/index?id={id}",
    ("request", "staff"): "packages/staff/dispatch/index?id={id}",
    ("shift", "volunteer"): "packages/volunteer/shift/index?id={id}",
}
STAFF_RESOLVE_PAGE = "packages/staff/resolve/index?id={id}"

# WeChat's limits on a data value, by the key's type (thing1 -> thing).
VALUE_LIMITS = {"thing": 20, "phrase": 5, "name": 10, "character_string": 32, "number": 32,
                "letter": 32, "symbol": 5, "car_number": 8}


def page_for(ref: str, role: str | None, kind: str = "") -> str:
    """The page an item about `ref` ("request:42") opens for a receiver in `role`."""
    target, _, ident = (ref or "").partition(":")
    if not ident.isdigit() or role is None:
        return ""
    if target == "request" and role == "staff" and kind == "disputed":
        return STAFF_RESOLVE_PAGE.format(id=ident)
    template = PAGES.get((target, role))
    return template.format(id=ident) if template else ""


def notify(user_id: int, kind: str, title: str, body: str = "", ref: str = "",
           role: str | None = None) -> Notification:
    """Inbox item + WeChat message after commit. `role`: the receiver's part in what `ref`
    points at (resident, partner_member, staff, volunteer); by default the kind's usual one."""
    note = Notification(user_id=user_id, kind=kind, title=title[:64], body=body[:255], ref=ref,
                        page=page_for(ref, role or KIND_ROLES.get(kind), kind))
    db.session.add(note)
    db.session.flush()
    after_commit(send_subscribe_message, note.id)
    return note


def notify_many(user_ids, kind: str, title: str, body: str = "", ref: str = "",
                role: str | None = None) -> int:
    """`notify()` for each of `user_ids` (each once), set-based: one INSERT of the inbox rows
    and, after commit, one push job per `PUSH_BATCH` of them. How many rows were written."""
    users = list(dict.fromkeys(user_ids))
    if not users:
        return 0
    page, now = page_for(ref, role or KIND_ROLES.get(kind), kind), utcnow()
    ids = db.session.scalars(sa.insert(Notification).returning(Notification.id), [
        {"user_id": uid, "kind": kind, "title": title[:64], "body": body[:255], "ref": ref,
         "page": page, "created_at": now} for uid in users]).all()
    ids.sort()
    after_commit_many(PUSH_JOB, [(ids[i:i + PUSH_BATCH],) for i in range(0, len(ids), PUSH_BATCH)])
    return len(ids)


def templates() -> list[dict]:
    """The configured subscribe-message templates, one per notification kind."""
    configured = current_app.config.get("WECHAT_TEMPLATES") or {}
    return [{"kind": kind, "template_id": tpl["template_id"], "keys": dict(tpl["keys"])}
            for kind, tpl in sorted(configured.items())]


def _fit(key: str, value: str) -> str:
    kind = key.rstrip("0123456789")
    limit = VALUE_LIMITS.get(kind)
    if limit and len(value) > limit:
        return value[:limit - 1] + "…" if kind == "thing" else value[:limit]
    return value


def template_data(note: Notification, keys: dict) -> dict:
    """The message's data: each template key filled from the item (title, body or time)."""
    at = note.created_at.astimezone(SHANGHAI)
    sources = {"title": note.title, "body": note.body or note.title,
               "time": f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"}
    return {key: _fit(key, sources[source]) for key, source in keys.items()}


def send_subscribe_message(notification_id: int) -> None:
    """Job: push one inbox item as a WeChat subscribe message, when a template is configured.
    Once: an item whose `push_status` is set (a retried job, a second worker) is left alone;
    the row is locked while it is pushed, so two workers never push it both."""
    push(notification_id)


def push(notification_id: int) -> None:
    """Push one item unless it was already pushed (`push_status` set); the row stays locked
    until the caller's commit, which records its `push_status`."""
    note = db.session.get(Notification, notification_id, with_for_update=True)
    if note is None or note.push_status is not None:
        return
    template = (current_app.config.get("WECHAT_TEMPLATES") or {}).get(note.kind)
    if template is None and current_app.config["WECHAT_MODE"] == "real":
        note.push_status = "no_template"
        return
    # The fake client (development, tests) takes any kind under a made-up template.
    template = template or {"template_id": f"fake-{note.kind}",
                            "keys": {"thing1": "title", "thing2": "body"}}
    user = db.session.get(User, note.user_id)
    try:
        get_client().send_subscribe_message(
            user.openid, template["template_id"], template_data(note, template["keys"]),
            page=note.page or None)
        note.push_status = "sent"
    except WeChatError as err:
        if err.errcode == NOT_SUBSCRIBED:
            note.push_status = "not_subscribed"
            log.info("subscribe message skipped notification=%s reason=not_subscribed", note.id)
        else:
            note.push_status = "failed"
            log.warning("subscribe message failed notification=%s errcode=%s", note.id,
                        err.errcode)
    except WeChatUnavailable:
        note.push_status = "failed"
        log.warning("subscribe message failed notification=%s reason=wechat_unavailable",
                    note.id)


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
