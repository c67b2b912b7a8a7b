"""Party-member registration with the home community (双报到), 党员邻居 pairings and visits.

One live (pending or approved) registration per member and community, and one live pairing
per registration and household, are unique partial indexes.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

PARTY_ROLES = ("info_officer", "mediator", "volunteer")
REGISTRATION_STATUSES = ("pending", "approved", "rejected")


def _live(condition: str) -> dict:
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


class PartyRegistration(db.Model):
    """A party member reporting to the community where they live (在职党员社区双报到)."""

    __tablename__ = "party_registrations"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    unit_name: Mapped[str] = mapped_column(sa.String(100))
    roles: Mapped[str] = mapped_column(sa.String(64))  # comma-separated PARTY_ROLES
    grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grids.id"))
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"status IN {REGISTRATION_STATUSES!r}", name="status_known"),
        sa.Index("ix_party_registrations_community_status", "community_id", "status", "id"),
        # One live (pending or approved) registration of a member with a community.
        sa.Index("uq_party_registrations_live", "user_id", "community_id", unique=True,
                 **_live("status != 'rejected'")),
    )

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]

    def __repr__(self):
        return f"<PartyRegistration {self.id} {self.status}>"


class Pairing(db.Model):
    """A party member paired with a household in difficulty (党员邻居)."""

    __tablename__ = "party_pairings"
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("party_registrations.id"),
                                                 index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    household = relationship("Household", lazy="joined")
    member = relationship("User", foreign_keys=[member_id], lazy="joined")

    __table_args__ = (
        sa.Index("uq_party_pairings_live", "registration_id", "household_id", unique=True,
                 **_live("ended_at IS NULL")),
    )

    def __repr__(self):
        return f"<Pairing {self.id} member={self.member_id} household={self.household_id}>"


class Visit(db.Model):
    __tablename__ = "party_visits"
    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(sa.ForeignKey("party_pairings.id"))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(sa.Integer)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("minutes >= 0", name="minutes_nonnegative"),
        sa.Index("ix_party_visits_pairing_id_id", "pairing_id", "id"),
    )

    def __repr__(self):
        return f"<Visit {self.id} pairing={self.pairing_id}>"
