"""社情民意: residents' reports of problems, each step of their handling, and "me too".

A report is routed when it is made: to the grid of its building when that grid has a grid worker
(网格员, role `grid_worker`), else to the community's staff (`grid_id` NULL). Its status moves
only through the transition table in machine.py; every move is a `FeedbackEvent`.

Fixed at creation, for the published rates: `accept_due_at` (the first response's deadline)
and `resolve_due_at` (the promised resolution). `deadline_at` is the current step's deadline,
what lists order by and the escalation job reads.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

# code -> (name, accept_hours, resolve_days)
CATEGORIES = {
    "sanitation": ("环境卫生", 24, 7),
    "facility": ("设施维修", 24, 7),
    "security": ("治安", 24, 7),
    "neighbour": ("邻里纠纷", 24, 7),
    "property": ("物业", 24, 7),
    "other": ("其他", 24, 7),
}
STATUSES = ("open", "accepted", "resolved", "reopened", "transferred", "closed",
            "closed_unresolved", "merged")
FINAL = ("closed", "closed_unresolved", "merged")
REPORTER_ROLES = ("resident", "info_officer")


class Feedback(db.Model):
    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # How the author may report here: a resident bound to a household of the community, or a
    # party member registered with it as 社情民意信息员.
    reporter_role: Mapped[str] = mapped_column(sa.String(16))
    category: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.String(1000))
    # False while the content check holds the text: only the author and handlers read it.
    content_ok: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    anonymous: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    building_id: Mapped[int | None] = mapped_column(sa.ForeignKey("buildings.id"))
    lat: Mapped[float | None] = mapped_column(sa.Float)  # GCJ-02, as wx.getLocation gives it
    lng: Mapped[float | None] = mapped_column(sa.Float)
    grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grids.id"))
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accept_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolve_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # First acceptance or transfer: the response the response rate measures.
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reply: Mapped[str] = mapped_column(sa.String(1000), default="")
    reopen_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    transferred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.String(500), default="")  # of the last transfer/close
    rating: Mapped[int | None] = mapped_column(sa.Integer)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("feedback.id"))
    supporters: Mapped[int] = mapped_column(sa.Integer, default=0)
    # 0: not escalated in the current step; 1: its handlers told; 2: the street told.
    escalation_level: Mapped[int] = mapped_column(sa.Integer, default=0)

    community = relationship("Community", lazy="joined")
    building = relationship("Building", lazy="joined")
    author = relationship("User", foreign_keys=[author_id], lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="status_known"),
        sa.CheckConstraint(f"category IN {tuple(CATEGORIES)!r}", name="category_known"),
        sa.CheckConstraint(f"reporter_role IN {REPORTER_ROLES!r}", name="reporter_role_known"),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        sa.CheckConstraint("reopen_count BETWEEN 0 AND 1", name="reopened_once"),
        sa.CheckConstraint("(lat IS NULL) = (lng IS NULL)", name="point_complete"),
        sa.CheckConstraint("supporters >= 0", name="supporters_nonnegative"),
        sa.Index("ix_feedback_community_deadline", "community_id", "deadline_at", "id"),
        sa.Index("ix_feedback_grid_deadline", "grid_id", "deadline_at", "id"),
        sa.Index("ix_feedback_author_id", "author_id", "id"),
        sa.Index("ix_feedback_status_deadline", "status", "deadline_at"),
        sa.Index("ix_feedback_community_created", "community_id", "created_at"),
        sa.Index("ix_feedback_community_closed", "community_id", "closed_at"),
    )

    def __repr__(self):
        return f"<Feedback {self.id} {self.status}>"


class FeedbackEvent(db.Model):
    """One step of a report, with who took it and as what."""

    __tablename__ = "feedback_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(sa.ForeignKey("feedback.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(20))
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str] = mapped_column(sa.String(20))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(sa.String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(sa.String(1000))
    data: Mapped[dict | None] = mapped_column(sa.JSON)

    def __repr__(self):
        return f"<FeedbackEvent {self.id} {self.action} feedback={self.feedback_id}>"


class FeedbackSupport(db.Model):
    """A neighbour's "me too" (我也遇到): one per person and report."""

    __tablename__ = "feedback_supports"
    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(sa.ForeignKey("feedback.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("feedback_id", "user_id"),)

    def __repr__(self):
        return f"<FeedbackSupport feedback={self.feedback_id} user={self.user_id}>"
