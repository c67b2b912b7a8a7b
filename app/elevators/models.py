"""加装电梯: the ledger of multi-storey buildings and units eligible for an added elevator, and
one project per unit that goes through its stages:

survey → consent (a linked `civil_code_278` consultation) → funding (pledges per household in
fen, against the budget) → procurement → works → acceptance → in_service.

A project leaves `consent` only when its consultation passed and `funding` only when the
pledges cover the budget. Every advance is an event, with its files.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

STAGES = ("survey", "consent", "funding", "procurement", "works", "acceptance", "in_service")
# A unit qualifies from this many floors up, when it has no elevator yet.
MIN_FLOORS = 4


class LedgerEntry(db.Model):
    """A building (or one unit of it) in the ledger, with its floors; eligible when it has
    at least MIN_FLOORS floors and no elevator."""

    __tablename__ = "elevator_ledger"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    building_id: Mapped[int] = mapped_column(sa.ForeignKey("buildings.id"))
    unit: Mapped[str] = mapped_column(sa.String(16), default="")
    floors: Mapped[int] = mapped_column(sa.Integer)
    has_elevator: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    building = relationship("Building", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("building_id", "unit"),
        sa.CheckConstraint("floors BETWEEN 1 AND 100", name="floors_sane"),
    )

    @property
    def eligible(self) -> bool:
        return self.floors >= MIN_FLOORS and not self.has_elevator

    def __repr__(self):
        return f"<LedgerEntry {self.building_id}:{self.unit}>"


class ElevatorProject(db.Model):
    __tablename__ = "elevator_projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    building_id: Mapped[int] = mapped_column(sa.ForeignKey("buildings.id"))
    unit: Mapped[str] = mapped_column(sa.String(16), default="")
    stage: Mapped[str] = mapped_column(sa.String(12), default="survey")
    consultation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consultations.id"))
    budget_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    # The share rule: an integer weight per floor ({"2": 4, "6": 12}); a household pays
    # budget × its floor's weight / the sum of the weights of the unit's households.
    share_weights: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stage_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    building = relationship("Building", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("building_id", "unit"),
        sa.CheckConstraint(f"stage IN {STAGES!r}", name="stage_known"),
        sa.CheckConstraint("budget_fen IS NULL OR budget_fen > 0", name="budget_positive"),
        sa.CheckConstraint("stage = 'survey' OR consultation_id IS NOT NULL",
                           name="consent_with_consultation"),
    )

    def __repr__(self):
        return f"<ElevatorProject {self.id} {self.stage}>"


class Pledge(db.Model):
    """What a household pledges towards the elevator, in fen; replaced while funding."""

    __tablename__ = "elevator_pledges"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("elevator_projects.id"))
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("project_id", "household_id"),
        sa.CheckConstraint("amount_fen >= 0", name="amount_nonnegative"),
    )

    def __repr__(self):
        return f"<Pledge {self.project_id}:{self.household_id}>"


class ElevatorEvent(db.Model):
    """One step of a project (its creation, each advance), with a note and files."""

    __tablename__ = "elevator_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("elevator_projects.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(sa.String(12))
    to_stage: Mapped[str] = mapped_column(sa.String(12))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<ElevatorEvent {self.project_id} {self.from_stage}->{self.to_stage}>"
