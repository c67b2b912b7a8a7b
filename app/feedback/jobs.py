"""The escalation job of 社情民意 reports (cron: `flask feedback escalate`, every few minutes).

- A step past its deadline escalates once to those who must act: the community's staff (and
  the grid's workers, for a report routed to a grid) for an unaccepted or unresolved report,
  the street for one transferred to it. Still overdue `STREET_AFTER_HOURS` later, a report
  held by the community escalates again, to the street's admins (the admins above it when the
  street has none).
- A resolution neither rated nor reopened within `RATE_DAYS` is closed (`auto_close`).

Each report is its own transaction, committed here; a conditional UPDATE on
`escalation_level` makes every escalation happen once however often (and however
concurrently) the job runs, and a step that moves the report on resets it.
"""
import logging
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.common.timeutil import utcnow
from app.errors import ApiError
from app.extensions import db
from app.feedback import machine, service
from app.feedback.models import Feedback
from app.notifications.service import notify_many

log = logging.getLogger(__name__)

STREET_AFTER_HOURS = 24
BATCH = 1000
HELD_BY_COMMUNITY = ("open", "accepted", "reopened")


def escalate(now: datetime | None = None) -> dict:
    now = now or utcnow()
    counts = {"auto_closed": 0, "escalated": 0, "to_street": 0, "failed": 0}
    cutoff = now - timedelta(days=machine.RATE_DAYS)
    for report_id in _ids(sa.and_(Feedback.status == "resolved",
                                  Feedback.resolved_at < cutoff)):
        try:
            service.act(service.get_report(report_id), "auto_close", None, {})
            db.session.commit()
            counts["auto_closed"] += 1
        except ApiError as err:
            db.session.rollback()
            if err.code != "invalid_transition":  # a rating or a reopen won the race
                counts["failed"] += 1
                log.warning("feedback auto close failed id=%s code=%s", report_id, err.code)
    overdue = sa.and_(Feedback.status.in_(machine.WAITING), Feedback.deadline_at < now)
    for report_id in _ids(sa.and_(overdue, Feedback.escalation_level == 0)):
        counts["escalated"] += _escalate(report_id, 1, now)
        db.session.commit()
    late = now - timedelta(hours=STREET_AFTER_HOURS)
    for report_id in _ids(sa.and_(Feedback.status.in_(HELD_BY_COMMUNITY),
                                  Feedback.deadline_at < late, Feedback.escalation_level == 1)):
        counts["to_street"] += _escalate(report_id, 2, now)
        db.session.commit()
    return counts


def _ids(condition) -> list[int]:
    ids = list(db.session.scalars(sa.select(Feedback.id).where(condition)
                                  .order_by(Feedback.id).limit(BATCH)))
    db.session.rollback()
    return ids


def _escalate(report_id: int, level: int, now: datetime) -> int:
    """Raise one report's escalation to `level`, once: the conditional UPDATE loses to a
    concurrent run and to a step that moved the report on."""
    deadline_before = now if level == 1 else now - timedelta(hours=STREET_AFTER_HOURS)
    statuses = machine.WAITING if level == 1 else HELD_BY_COMMUNITY
    marked = db.session.execute(
        sa.update(Feedback)
        .where(Feedback.id == report_id, Feedback.escalation_level == level - 1,
               Feedback.status.in_(statuses), Feedback.deadline_at < deadline_before)
        .values(escalation_level=level).execution_options(synchronize_session=False)).rowcount
    if not marked:
        return 0
    report = service.get_report(report_id)
    db.session.refresh(report)
    if level == 1 and report.status != "transferred":
        audience, told = "handlers", service.handler_ids(report, with_staff=True)
    else:
        audience, told = "street", service.street_ids(report)
    step = "受理" if report.status in ("open", "reopened", "transferred") else "办理"
    title = f"社情民意超时未{step}"
    machine.record_event(report, "escalate", report.status, report.status, None, "system", now,
                         data={"level": level, "notified": audience})
    notify_many(told, "feedback_overdue", title,
                f"{service.category_name(report.category)} #{report.id}", f"feedback:{report.id}")
    log.info("feedback escalated id=%s level=%s audience=%s", report.id, level, audience)
    return 1
