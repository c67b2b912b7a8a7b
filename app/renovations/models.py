"""改造清单: a compound's renovation list. Residents propose items, staff curate them, the
list goes to a consultation under `share_of_all`, and only a passed list is reported for
implementation.

States: `proposing` (items proposed and curated) → `consulting` (the list is frozen and put to
its consultation; after a failed one staff may revise it, back to `proposing`) → `reported`
(the consultation passed and staff reported it for implementation; final).
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

STATUSES = ("proposing", "consulting", "reported")
ITEM_STATUSES = ("proposed", "accepted", "rejected")


class Renovation(db.Model):
    __tablename__ = "renovations"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    compound_id: Mapped[int] = mapped_column(sa.ForeignKey("compounds.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    summary: Mapped[str] = mapped_column(sa.String(1000), default="")
    status: Mapped[str] = mapped_column(sa.String(12), default="proposing")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The latest consultation on the list (a revised list gets a new one).
    consultation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consultations.id"))
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    report_note: Mapped[str] = mapped_column(sa.String(1000), default="")

    compound = relationship("Compound", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="status_known"),
        sa.CheckConstraint("status = 'proposing' OR consultation_id IS NOT NULL",
                           name="consulted_with_consultation"),
        sa.CheckConstraint("(status = 'reported') = (reported_at IS NOT NULL)",
                           name="reported_with_time"),
    )

    def __repr__(self):
        return f"<Renovation {self.id} {self.status}>"


class RenovationItem(db.Model):
    """One proposed item; `accepted` items make the list put to the vote."""

    __tablename__ = "renovation_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    renovation_id: Mapped[int] = mapped_column(sa.ForeignKey("renovations.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    detail: Mapped[str] = mapped_column(sa.String(1000), default="")
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(10), default="proposed")
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    curated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    curated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint(f"status IN {ITEM_STATUSES!r}", name="status_known"),
    )

    def __repr__(self):
        return f"<RenovationItem {self.id} {self.status}>"
