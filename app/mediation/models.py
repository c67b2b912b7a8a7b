"""Mediation cases (矛盾纠纷调解): parties, mediators, sessions, the agreement's duties, the
follow-up visit (回访) and the volunteer teams that helped.

A case is `open` until it is closed with an outcome (`agreed`, `failed` or `referred`); the
check constraint keeps status and outcome consistent. `agreement_file_id` names the signed
agreement in the files store; it carries no foreign key until that table exists.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

KINDS = ("neighbour", "family", "property", "other")
STATUSES = ("open", "closed")
OUTCOMES = ("agreed", "failed", "referred")
FOLLOW_UP_RESULTS = ("kept", "partly_kept", "broken")

session_mediators = sa.Table(
    "mediation_session_mediators", db.metadata,
    sa.Column("session_id", sa.ForeignKey("mediation_sessions.id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True),
)


class MediationCase(db.Model):
    __tablename__ = "mediation_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    kind: Mapped[str] = mapped_column(sa.String(12))
    summary: Mapped[str] = mapped_column(sa.String(1000))
    # Where the dispute is; `address_key` is the same without spaces, for finding earlier
    # cases at the same address.
    address: Mapped[str] = mapped_column(sa.String(128), default="")
    address_key: Mapped[str] = mapped_column(sa.String(128), default="")
    status: Mapped[str] = mapped_column(sa.String(8), default="open")
    outcome: Mapped[str | None] = mapped_column(sa.String(12))
    opened_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    close_note: Mapped[str] = mapped_column(sa.String(500), default="")
    referred_to: Mapped[str] = mapped_column(sa.String(100), default="")
    agreement_file_id: Mapped[int | None] = mapped_column(sa.Integer)
    follow_up_on: Mapped[date | None] = mapped_column(sa.Date)
    follow_up_result: Mapped[str | None] = mapped_column(sa.String(12))
    follow_up_note: Mapped[str] = mapped_column(sa.String(500), default="")
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    parties: Mapped[list["MediationParty"]] = relationship(
        order_by="MediationParty.position", lazy="selectin")
    duties: Mapped[list["MediationDuty"]] = relationship(
        order_by="MediationDuty.id", lazy="selectin")

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {KINDS!r}", name="kind_known"),
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="status_known"),
        sa.CheckConstraint(f"outcome IN {OUTCOMES!r}", name="outcome_known"),
        sa.CheckConstraint(f"follow_up_result IN {FOLLOW_UP_RESULTS!r}",
                           name="follow_up_result_known"),
        sa.CheckConstraint("(status = 'open' AND outcome IS NULL AND closed_at IS NULL) OR "
                           "(status = 'closed' AND outcome IS NOT NULL AND closed_at IS NOT NULL)",
                           name="closed_with_outcome"),
        sa.Index("ix_mediation_cases_community_opened", "community_id", "opened_at"),
        sa.Index("ix_mediation_cases_community_address", "community_id", "address_key"),
    )

    def __repr__(self):
        return f"<MediationCase {self.id} {self.status}>"


class MediationParty(db.Model):
    """One side of a dispute: a household of the community, or a person outside it."""

    __tablename__ = "mediation_parties"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("mediation_cases.id"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(32))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id"),
                                                     index=True)

    household = relationship("Household", lazy="joined")

    def __repr__(self):
        return f"<MediationParty {self.id} case={self.case_id}>"


class MediationCaseMediator(db.Model):
    """A mediator working on a case: they, and the community's staff, see parties in full."""

    __tablename__ = "mediation_case_mediators"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("mediation_cases.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("case_id", "user_id"),)

    def __repr__(self):
        return f"<MediationCaseMediator case={self.case_id} user={self.user_id}>"


class MediationSession(db.Model):
    __tablename__ = "mediation_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("mediation_cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    notes: Mapped[str] = mapped_column(sa.String(2000), default="")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    mediators = relationship("User", secondary=session_mediators, order_by="User.id",
                             lazy="selectin")

    def __repr__(self):
        return f"<MediationSession {self.id} case={self.case_id}>"


class MediationDuty(db.Model):
    """What one side undertook in the agreement, how, and by when."""

    __tablename__ = "mediation_duties"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("mediation_cases.id"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("mediation_parties.id"))
    duty: Mapped[str] = mapped_column(sa.String(500))
    method: Mapped[str] = mapped_column(sa.String(200), default="")
    due_on: Mapped[date] = mapped_column(sa.Date)

    def __repr__(self):
        return f"<MediationDuty {self.id} case={self.case_id}>"


class MediationTeamHelp(db.Model):
    """A volunteer team (帮代办志愿队 and others) recorded as having helped with a case."""

    __tablename__ = "mediation_team_helps"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("mediation_cases.id"))
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_teams.id"), index=True)
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team = relationship("Team", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("case_id", "team_id"),)

    def __repr__(self):
        return f"<MediationTeamHelp case={self.case_id} team={self.team_id}>"
