"""Consents (个人信息保护法): the location and the phone number each need their own, recorded
with its time; withdrawing the phone consent erases the bound phone."""
import logging

import sqlalchemy as sa

from app.auth.models import CONSENT_KINDS, Consent, User
from app.common.timeutil import utcnow
from app.errors import Conflict
from app.extensions import db

log = logging.getLogger(__name__)


def current_consents(user_id: int) -> dict[str, Consent | None]:
    latest = {}
    rows = db.session.scalars(sa.select(Consent).where(Consent.user_id == user_id)
                              .order_by(Consent.id))
    for row in rows:
        latest[row.kind] = row
    return {kind: latest.get(kind) for kind in CONSENT_KINDS}


def has_consent(user: User, kind: str) -> bool:
    row = current_consents(user.id)[kind]
    return bool(row and row.granted)


def require_consent(user: User, kind: str) -> None:
    if not has_consent(user, kind):
        message = {"phone": "请先同意使用手机号", "location": "请先同意使用位置信息"}[kind]
        raise Conflict("consent_required", message, details={"kind": kind})


def set_consent(user: User, kind: str, granted: bool) -> Consent:
    consent = Consent(user_id=user.id, kind=kind, granted=granted, at=utcnow())
    db.session.add(consent)
    if kind == "phone" and not granted and user.phone:
        user.phone = None  # without consent the number is not kept
        log.info("phone erased on withdrawn consent user=%s", user.id)
    db.session.flush()
    log.info("consent set kind=%s granted=%s user=%s", kind, granted, user.id)
    return consent
