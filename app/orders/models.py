from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

STATUSES = ("proposed", "submitted", "dispatched", "pooled", "accepted", "in_service", "completed",
            "confirmed", "disputed", "cancelled")
# 代下单: who may place an order for a resident, and how the resident said yes.
PLACED_AS = ("staff", "family")
CONSENTS = ("phone_call", "in_person", "family")


class ServiceRequest(db.Model):
    """A resident's order (点单), moved only by the transition table in `orders.machine`."""

    __tablename__ = "service_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("service_categories.id"))
    description: Mapped[str] = mapped_column(sa.String(1000))
    # False while the content check could not run: shown to its author and staff only.
    content_ok: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    status: Mapped[str] = mapped_column(sa.String(12), default="submitted")
    partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partners.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    preferred_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    preferred_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes: Mapped[int | None] = mapped_column(sa.Integer)
    rating: Mapped[int | None] = mapped_column(sa.Integer)
    # The terms priced when the request was created: settlement uses these, never the
    # category's current values, so a later price change cannot break a held request.
    payer: Mapped[str] = mapped_column(sa.String(12))
    points_per_hour: Mapped[int] = mapped_column(sa.Integer)
    max_minutes: Mapped[int] = mapped_column(sa.Integer)
    held_points: Mapped[int] = mapped_column(sa.Integer, default=0)
    # How many times it was dispatched: the n of its ledger key `request:<id>:reserve:<n>`.
    dispatches: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    # Set when the current step's deadline was escalated; every transition clears it.
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    points_settled: Mapped[int | None] = mapped_column(sa.Integer)
    # 代下单: who placed it for the resident (staff of the community or a bound family
    # member: `placed_as`) and how the resident consented; all None for the resident's own.
    placed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    placed_as: Mapped[str | None] = mapped_column(sa.String(8))
    consent: Mapped[str | None] = mapped_column(sa.String(12))
    consent_note: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    category = relationship("ServiceCategory", lazy="joined")
    household = relationship("Household", lazy="joined")
    resident = relationship("User", foreign_keys=[resident_id], lazy="joined")
    placed_by = relationship("User", foreign_keys=[placed_by_id], lazy="joined")
    partner = relationship("Partner", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="status_known"),
        sa.CheckConstraint(
            "(placed_by_id IS NULL AND placed_as IS NULL AND consent IS NULL) OR "
            f"(placed_by_id IS NOT NULL AND placed_as IN {PLACED_AS!r} AND "
            f"consent IN {CONSENTS!r})", name="proxy_known"),
        sa.Index("ix_service_requests_queue", "community_id", "deadline_at", "id"),
        sa.Index("ix_service_requests_resident", "resident_id", "id"),
        sa.Index("ix_service_requests_partner_status", "partner_id", "status"),
        sa.Index("ix_service_requests_status_deadline", "status", "deadline_at"),
        sa.Index("ix_service_requests_placed_by", "placed_by_id", "id"),
    )

    def __repr__(self):
        return f"<ServiceRequest {self.id} {self.status}>"


class RequestEvent(db.Model):
    """One step on a request's timeline; written in the transaction of the step."""

    __tablename__ = "request_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("service_requests.id"))
    action: Mapped[str] = mapped_column(sa.String(16))
    from_status: Mapped[str | None] = mapped_column(sa.String(12))
    to_status: Mapped[str] = mapped_column(sa.String(12))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(sa.String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(sa.String(1000))
    note_ok: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    data: Mapped[dict | None] = mapped_column(sa.JSON)

    __table_args__ = (sa.Index("ix_request_events_request_id", "request_id", "id"),)

    def __repr__(self):
        return f"<RequestEvent {self.id} {self.action}>"


class CollectedNeed(db.Model):
    """A need staff collected on a household visit (线下走访), for the needs list (需求清单)
    beside the requests residents placed in the app."""

    __tablename__ = "collected_needs"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("service_categories.id"))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    category = relationship("ServiceCategory", lazy="joined")
    household = relationship("Household", lazy="joined")

    __table_args__ = (
        sa.Index("ix_collected_needs_community", "community_id", "created_at"),
    )

    def __repr__(self):
        return f"<CollectedNeed {self.id}>"
