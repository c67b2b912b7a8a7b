"""What waits for a community's staff: household bindings, text held by the content check,
party registrations (双报到), attendances to review and make-up records (补录).

Counts are one indexed query each; the lists themselves are the domains' own endpoints, except
held text, listed here.
"""
import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import is_admin, require, scope_ids
from app.community.models import HouseholdBinding
from app.errors import Unprocessable
from app.extensions import db
from app.orders.models import ServiceRequest
from app.party.models import PartyRegistration
from app.volunteering.attendance import REVIEWABLE
from app.volunteering.models import Attendance

# Held text matters while the request is alive; closed requests are left alone.
HELD_LIVE = ("submitted", "dispatched", "pooled", "accepted", "in_service", "completed",
             "disputed")


def staff_community(user: User, community_id: int | None) -> int:
    """The community to show: the one asked for (staff of it, or admin), or the staff member's
    only one. An admin, or staff of several, must say which (422)."""
    allowed = scope_ids(user, "staff", "community_id")
    if community_id is None:
        if is_admin(user) or len(allowed) != 1:
            raise Unprocessable(details={"fields": {"community_id": ["请指定社区"]}})
        return next(iter(allowed))
    require(is_admin(user) or community_id in allowed)
    return community_id


def held_stmt(community_id: int):
    return sa.select(ServiceRequest).where(
        ServiceRequest.community_id == community_id, ServiceRequest.content_ok.is_(False),
        ServiceRequest.status.in_(HELD_LIVE))


def _count(stmt) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))


def counts(community_id: int) -> dict:
    reviewable = sa.select(Attendance.id).where(Attendance.community_id == community_id,
                                                Attendance.status.in_(REVIEWABLE))
    out = {
        "bindings": _count(sa.select(HouseholdBinding.id).where(
            HouseholdBinding.community_id == community_id,
            HouseholdBinding.status == "pending")),
        "content": _count(held_stmt(community_id).with_only_columns(ServiceRequest.id)),
        "party": _count(sa.select(PartyRegistration.id).where(
            PartyRegistration.community_id == community_id,
            PartyRegistration.status == "pending")),
        "attendances": _count(reviewable.where(Attendance.manual.is_(False))),
        "manual": _count(reviewable.where(Attendance.manual.is_(True))),
    }
    return {"community_id": community_id, **out, "total": sum(out.values())}
