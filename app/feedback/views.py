"""What each viewer sees of a report.

- The author's name: an anonymous report's author is shown only to the author and, on the
  report itself (never in lists), to admins, each such showing written to the audit log
  (`unmask`). Other reports name their author to the author and to those who handle or oversee
  them (handlers, staff, the street, admins); neighbours never see who reported.
- Text held by the content check reads "（内容审核中）" to neighbours.
- Every report carries its deadline clock: the step it waits for, when that is due, overdue.
"""
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.audit.service import record
from app.auth.models import User
from app.auth.permissions import has_street_scope, is_admin
from app.extensions import db
from app.feedback import machine
from app.feedback.models import Feedback, FeedbackEvent
from app.feedback.service import RECORD, RESOLUTION, category_name, supported_ids
from app.files import service as files

HELD_TEXT = "（内容审核中）"
OFFICIAL = {"handler", "staff", "street"}


def _official(viewer: User, report: Feedback, roles: set[str]) -> bool:
    return bool(roles & OFFICIAL) or has_street_scope(viewer, machine.street_of(report))


def shows_author(viewer: User, report: Feedback, roles: set[str], in_list: bool) -> bool:
    if "author" in roles:
        return True
    if report.anonymous:
        return not in_list and is_admin(viewer)
    return _official(viewer, report, roles)


def clock(report: Feedback, now: datetime) -> dict | None:
    """The step the report waits for and when it is due (None once it is final)."""
    if report.status in machine.WAITING:
        step = "resolve" if report.status == "accepted" else "accept"
        due = report.deadline_at
    elif report.status == "resolved":
        step, due = "rate", report.resolved_at + timedelta(days=machine.RATE_DAYS)
    else:
        return None
    left = int((due - now).total_seconds())
    return {"step": step, "due_at": due, "overdue": left < 0, "seconds_left": left}


def latest_resolutions(report_ids: list[int]) -> dict[int, int]:
    """report id -> the id of its latest `resolve` event (whose photos show the work)."""
    if not report_ids:
        return {}
    rows = db.session.execute(
        sa.select(FeedbackEvent.feedback_id, sa.func.max(FeedbackEvent.id))
        .where(FeedbackEvent.feedback_id.in_(report_ids), FeedbackEvent.action == "resolve")
        .group_by(FeedbackEvent.feedback_id))
    return dict(rows.all())


def report_view(report: Feedback, viewer: User, now: datetime, in_list: bool = False,
                photos: list[dict] | None = None, resolution_photos: list[dict] | None = None,
                supported: bool | None = None) -> dict:
    roles = machine.actor_roles(viewer, report)
    official = _official(viewer, report, roles)
    author = None
    if shows_author(viewer, report, roles, in_list):
        author = {"id": report.author.id, "nickname": report.author.nickname}
        if report.anonymous and "author" not in roles:
            record("unmask", actor_id=viewer.id, target_type="feedback", target_id=report.id,
                   details={"fields": ["author"], "anonymous": True})
    if photos is None:
        photos = files.refs(RECORD, report.id, viewer.id)
    if resolution_photos is None:
        event_id = latest_resolutions([report.id]).get(report.id)
        resolution_photos = files.refs(RESOLUTION, event_id, viewer.id) if event_id else []
    if supported is None:
        supported = report.id in supported_ids(viewer, [report.id])
    building = report.building
    resolution = None
    if report.resolved_at is not None:
        resolution = {"reply": report.reply, "at": report.resolved_at,
                      "photos": resolution_photos}
    reopen_until = None
    if report.status == "resolved" and report.reopen_count == 0:
        reopen_until = report.resolved_at + timedelta(days=machine.REOPEN_DAYS)
    return {
        "id": report.id,
        "community_id": report.community_id,
        "category": {"code": report.category, "name": category_name(report.category)},
        "text": report.text if (report.content_ok or official or "author" in roles)
        else HELD_TEXT,
        "content_held": not report.content_ok,
        "anonymous": report.anonymous,
        "author": author,
        "mine": "author" in roles,
        "reporter_role": report.reporter_role if (official or "author" in roles) else None,
        "building": ({"id": building.id, "name": building.name,
                      "compound": building.compound.name} if building else None),
        "lat": report.lat,
        "lng": report.lng,
        "grid_id": report.grid_id,
        "responsible": "grid" if report.grid_id is not None else "community",
        "status": report.status,
        "created_at": report.created_at,
        "deadline_at": report.deadline_at,
        "overdue": machine.is_overdue(report, now),
        "clock": clock(report, now),
        "accepted_at": report.accepted_at,
        "resolution": resolution,
        "reopen_count": report.reopen_count,
        "reopen_until": reopen_until,
        "transferred_at": report.transferred_at,
        "reason": report.reason or None,
        "rating": report.rating,
        "closed_at": report.closed_at,
        "merged_into_id": report.merged_into_id,
        "supporters": report.supporters,
        "supported_by_me": supported,
        "photos": photos,
        "actions": machine.allowed(viewer, report),
    }


def page_views(reports: list[Feedback], viewer: User, now: datetime) -> list[dict]:
    """A page of reports in a fixed number of queries."""
    ids = [r.id for r in reports]
    photos = files.refs_for_many(RECORD, ids, viewer.id)
    latest = latest_resolutions([r.id for r in reports if r.resolved_at is not None])
    done = files.refs_for_many(RESOLUTION, list(latest.values()), viewer.id)
    supported = supported_ids(viewer, ids)
    return [report_view(r, viewer, now, in_list=True, photos=photos.get(r.id, []),
                        resolution_photos=done.get(latest.get(r.id), []),
                        supported=r.id in supported) for r in reports]


def event_view(event: FeedbackEvent, viewer: User, show_author: bool,
               photos: list[dict]) -> dict:
    hidden = event.actor_role == "author" and not show_author
    return {
        "id": event.id, "action": event.action, "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": {"id": None if hidden else event.actor_id, "role": event.actor_role},
        "at": event.at, "note": event.note, "data": event.data, "photos": photos,
    }


def events_view(report: Feedback, viewer: User) -> list[dict]:
    roles = machine.actor_roles(viewer, report)
    show = shows_author(viewer, report, roles, in_list=True)  # no unmasking in the timeline
    events = list(db.session.scalars(sa.select(FeedbackEvent).where(
        FeedbackEvent.feedback_id == report.id).order_by(FeedbackEvent.id)))
    photos = files.refs_for_many(RESOLUTION, [e.id for e in events if e.action == "resolve"],
                                 viewer.id)
    return [event_view(e, viewer, show, photos.get(e.id, [])) for e in events]
