"""The consultations' clock (cron every minute, or RQ): open drafts whose `opens_at` has come
and close open consultations whose `closes_at` has passed. Each consultation is its own
transaction, committed here; a refusal (objections waiting, an empty roll) leaves that one as
it is and is logged, and the next run tries again. Overlapping runs are harmless: opening and
closing lock the row and check its state."""
import logging

import sqlalchemy as sa

from app.common.timeutil import utcnow
from app.consultations import service
from app.consultations.models import Consultation
from app.errors import ApiError
from app.extensions import db

log = logging.getLogger(__name__)


def _due(*conds) -> list[int]:
    ids = list(db.session.scalars(sa.select(Consultation.id).where(*conds)
                                  .order_by(Consultation.id).limit(1000)))
    db.session.rollback()
    return ids


def tick(now=None) -> dict:
    now = now or utcnow()
    counts = {"opened": 0, "closed": 0, "waiting": 0}
    for consultation_id in _due(Consultation.status == "draft", Consultation.opens_at <= now,
                                Consultation.closes_at > now):
        try:
            service.open_consultation(consultation_id, now, actor=None)
            db.session.commit()
            counts["opened"] += 1
        except ApiError as err:
            db.session.rollback()
            counts["waiting"] += 1
            log.warning("consultation not opened id=%s code=%s", consultation_id, err.code)
    for consultation_id in _due(Consultation.status == "open", Consultation.closes_at <= now):
        try:
            service.close(consultation_id, now, actor=None)
            db.session.commit()
            counts["closed"] += 1
        except ApiError as err:
            db.session.rollback()
            log.warning("consultation not closed id=%s code=%s", consultation_id, err.code)
    return counts
