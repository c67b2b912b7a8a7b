"""Consultations (协商 / 同意征询): one vote per household of a compound, a building or a unit.

- `Consultation` carries its scope, its rule, its window and, once closed, its result. The
  result columns are written once, by the close, in the same statement that closes it; on
  PostgreSQL a trigger refuses any later change to a closed consultation.
- `RollEntry` is the roll of eligible households (花名册), frozen when the consultation opens:
  every household of the scope in the register, bound to a user or not, with the floor area it
  had then (integer 0.01 m²). The roll's hash is published; on PostgreSQL a trigger refuses any
  change to the roll of a consultation that is no longer a draft.
- `Ballot` is every vote cast, by a bound owner in the app or by staff from a paper ballot
  (append-only); `Vote` is the household's current vote, one row per household (a unique
  index), replaced by the household's next ballot until the close.
- `Objection` is a household's objection to the published roll, answered by staff before the
  roll freezes.

Areas are integers of 0.01 m² (`*_area`), so every rule compares integers.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

STATUSES = ("draft", "open", "closed")
RULE_KINDS = ("share_of_all", "civil_code_278")
CHOICES = ("agree", "disagree", "abstain")
RESULTS = ("passed", "failed")
CHANNELS = ("app", "paper")
OBJECTION_STATUSES = ("pending", "upheld", "dismissed")
ORIGINS = ("renovation", "elevator")

_TALLY = ("voted_count", "voted_area", "agree_count", "agree_area", "disagree_count",
          "disagree_area", "abstain_count", "abstain_area")


class Consultation(db.Model):
    __tablename__ = "consultations"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    compound_id: Mapped[int] = mapped_column(sa.ForeignKey("compounds.id"), index=True)
    # Scope: the compound; or one building of it; or one unit (单元) of that building.
    building_id: Mapped[int | None] = mapped_column(sa.ForeignKey("buildings.id"))
    unit: Mapped[str | None] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(100))
    body: Mapped[str] = mapped_column(sa.String(2000), default="")
    # Words shown for each choice, e.g. {"agree": "同意加装"}; the choices stay the three.
    option_labels: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    rule_kind: Mapped[str] = mapped_column(sa.String(16))
    # share_of_all: agree × 100 ≥ eligible × threshold_pct (80 by default).
    threshold_pct: Mapped[int | None] = mapped_column(sa.Integer)
    origin: Mapped[str | None] = mapped_column(sa.String(12))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Households may object to the published roll until then (None: until it opens).
    objections_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(8), default="draft")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when it opens (opened_by_id None: by the job) and the roll freezes.
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    roll_hash: Mapped[str | None] = mapped_column(sa.String(64))
    eligible_count: Mapped[int | None] = mapped_column(sa.Integer)
    eligible_area: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Set once, when it closes; never changed afterwards.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    result: Mapped[str | None] = mapped_column(sa.String(8))
    voted_count: Mapped[int | None] = mapped_column(sa.Integer)
    voted_area: Mapped[int | None] = mapped_column(sa.BigInteger)
    agree_count: Mapped[int | None] = mapped_column(sa.Integer)
    agree_area: Mapped[int | None] = mapped_column(sa.BigInteger)
    disagree_count: Mapped[int | None] = mapped_column(sa.Integer)
    disagree_area: Mapped[int | None] = mapped_column(sa.BigInteger)
    abstain_count: Mapped[int | None] = mapped_column(sa.Integer)
    abstain_area: Mapped[int | None] = mapped_column(sa.BigInteger)
    receipts_hash: Mapped[str | None] = mapped_column(sa.String(64))

    compound = relationship("Compound", lazy="joined")
    building = relationship("Building", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="status_known"),
        sa.CheckConstraint(f"rule_kind IN {RULE_KINDS!r}", name="rule_known"),
        sa.CheckConstraint(f"result IN {RESULTS!r}", name="result_known"),
        sa.CheckConstraint(f"origin IN {ORIGINS!r}", name="origin_known"),
        sa.CheckConstraint("opens_at < closes_at", name="window_sane"),
        sa.CheckConstraint("unit IS NULL OR building_id IS NOT NULL", name="unit_in_building"),
        sa.CheckConstraint(
            "(rule_kind = 'share_of_all' AND threshold_pct BETWEEN 50 AND 100) OR "
            "(rule_kind = 'civil_code_278' AND threshold_pct IS NULL)", name="rule_complete"),
        sa.CheckConstraint(
            "(status = 'draft' AND roll_hash IS NULL AND result IS NULL) OR "
            "(status = 'open' AND roll_hash IS NOT NULL AND result IS NULL) OR "
            "(status = 'closed' AND roll_hash IS NOT NULL AND result IS NOT NULL "
            "AND closed_at IS NOT NULL AND receipts_hash IS NOT NULL)",
            name="status_consistent"),
        sa.Index("ix_consultations_status_opens_at", "status", "opens_at"),
    )

    @property
    def scope_kind(self) -> str:
        if self.building_id is None:
            return "compound"
        return "building" if self.unit is None else "unit"

    def __repr__(self):
        return f"<Consultation {self.id} {self.status}>"


class RollEntry(db.Model):
    """One eligible household, as frozen at the opening (its published label is masked)."""

    __tablename__ = "consultation_roll"
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id"))
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    seq: Mapped[int] = mapped_column(sa.Integer)
    label: Mapped[str] = mapped_column(sa.String(64))
    area: Mapped[int | None] = mapped_column(sa.Integer)  # 0.01 m²

    __table_args__ = (
        sa.UniqueConstraint("consultation_id", "household_id"),
        sa.UniqueConstraint("consultation_id", "seq"),
    )

    def __repr__(self):
        return f"<RollEntry {self.consultation_id}:{self.household_id}>"


class Ballot(db.Model):
    """A vote as cast (app or paper); kept even when a later ballot replaces it."""

    __tablename__ = "consultation_ballots"
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id"), index=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    choice: Mapped[str] = mapped_column(sa.String(8))
    channel: Mapped[str] = mapped_column(sa.String(8))
    # The bound owner who voted in the app; a paper ballot names the staff who entered it.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("files.id"))
    receipt: Mapped[str] = mapped_column(sa.String(64), unique=True)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(f"choice IN {CHOICES!r}", name="choice_known"),
        sa.CheckConstraint(f"channel IN {CHANNELS!r}", name="channel_known"),
        sa.CheckConstraint(
            "(channel = 'app' AND user_id IS NOT NULL AND entered_by_id IS NULL) OR "
            "(channel = 'paper' AND user_id IS NULL AND entered_by_id IS NOT NULL "
            "AND file_id IS NOT NULL)", name="channel_complete"),
    )

    def __repr__(self):
        return f"<Ballot {self.id} household={self.household_id}>"


class Vote(db.Model):
    """The household's vote that counts: its latest ballot before the close."""

    __tablename__ = "consultation_votes"
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id"))
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    ballot_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation_ballots.id"))
    choice: Mapped[str] = mapped_column(sa.String(8))
    channel: Mapped[str] = mapped_column(sa.String(8))
    receipt: Mapped[str] = mapped_column(sa.String(64))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint(f"choice IN {CHOICES!r}", name="choice_known"),
        sa.UniqueConstraint("consultation_id", "household_id"),
    )

    def __repr__(self):
        return f"<Vote {self.consultation_id}:{self.household_id}>"


class Objection(db.Model):
    """A household's objection to the published roll (wrong area, missing or extra
    household...), answered by staff before the roll freezes."""

    __tablename__ = "consultation_objections"
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id"), index=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    answer: Mapped[str] = mapped_column(sa.String(500), default="")
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(f"status IN {OBJECTION_STATUSES!r}", name="status_known"),
    )

    def __repr__(self):
        return f"<Objection {self.id} {self.status}>"
