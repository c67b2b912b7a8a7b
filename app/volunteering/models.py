"""Teams, activities, shifts, sign-ups and attendance.

Counters and states that must hold under concurrency are guarded in the database: a shift's
`signed_up` can never pass its capacity (check constraint, changed under the shift row lock),
one live sign-up and one attendance per volunteer and shift (unique indexes), a check-in
code step is used once per volunteer (unique row in `volunteer_used_codes`), and a personal
pass is scanned once (unique nonce in `volunteer_used_passes`).
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

TEAM_KINDS = ("v_station", "alliance", "errand_team", "party_vanguard")
SIGNUP_STATUSES = ("confirmed", "waitlisted", "cancelled", "no_show")
LIVE_SIGNUP = ("confirmed", "waitlisted", "no_show")
# checked_in → pending | partial (checked out) → credited | rejected (staff review)
ATTENDANCE_STATUSES = ("checked_in", "pending", "partial", "credited", "rejected")
SHIFT_ROLES = ("volunteer", "party_member")
# How presence was proven at one end of an attendance: `pass` (staff on site scanned the
# volunteer's own single-use pass), `code` (the shift-wide code and the phone's position),
# `gps` (the phone's position only, on a shift without a code). Only `pass` is proof of
# presence; a code can be read from a photo anywhere.
PROOFS = ("pass", "code", "gps")
PASS_KINDS = ("in", "out")


def _live(condition: str) -> dict:
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


class Team(db.Model):
    __tablename__ = "volunteer_teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(64))
    leader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    station_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    leader = relationship("User", lazy="joined")
    station = relationship("Station", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {TEAM_KINDS!r}", name="kind_known"),
        sa.UniqueConstraint("community_id", "name"),
    )

    def __repr__(self):
        return f"<Team {self.id} {self.kind} {self.name}>"


class TeamMember(db.Model):
    __tablename__ = "volunteer_team_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_teams.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("team_id", "user_id"),)

    def __repr__(self):
        return f"<TeamMember team={self.team_id} user={self.user_id}>"


class Activity(db.Model):
    __tablename__ = "volunteer_activities"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("volunteer_teams.id"))
    title: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.String(2000), default="")
    # Credit at check-out without review when staff scanned the volunteer's pass at both ends.
    auto_approve: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team | None] = relationship(lazy="joined")
    shifts: Mapped[list["Shift"]] = relationship(back_populates="activity",
                                                 order_by="Shift.starts_at")

    def __repr__(self):
        return f"<Activity {self.id} {self.title}>"


class Shift(db.Model):
    __tablename__ = "volunteer_shifts"
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_activities.id"),
                                             index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(sa.Integer)
    signed_up: Mapped[int] = mapped_column(sa.Integer, default=0)
    location_name: Mapped[str] = mapped_column(sa.String(64))
    lat: Mapped[float] = mapped_column(sa.Float)
    lng: Mapped[float] = mapped_column(sa.Float)
    radius_m: Mapped[int] = mapped_column(sa.Integer)
    points_per_hour: Mapped[int] = mapped_column(sa.Integer)
    required_roles: Mapped[str] = mapped_column(sa.String(64), default="")
    code_required: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    secret: Mapped[str] = mapped_column(sa.String(64))  # hex; never leaves the server
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The viewer's live sign-up status, loaded with the shift (`service.with_my_status`).
    my_status: Mapped[str | None] = query_expression()

    activity: Mapped[Activity] = relationship(back_populates="shifts")

    __table_args__ = (
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("signed_up >= 0 AND signed_up <= capacity", name="within_capacity"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("radius_m > 0", name="radius_positive"),
        sa.CheckConstraint("points_per_hour >= 0", name="points_nonnegative"),
    )

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.required_roles.split(",") if r]

    @property
    def community_id(self) -> int:
        return self.activity.community_id

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def __repr__(self):
        return f"<Shift {self.id} activity={self.activity_id}>"


class Signup(db.Model):
    __tablename__ = "volunteer_signups"
    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_shifts.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"status IN {SIGNUP_STATUSES!r}", name="status_known"),
        sa.Index("ix_volunteer_signups_shift_status", "shift_id", "status", "id"),
        sa.Index("uq_volunteer_signups_live", "shift_id", "user_id", unique=True,
                 **_live("status != 'cancelled'")),
    )

    def __repr__(self):
        return f"<Signup {self.id} shift={self.shift_id} user={self.user_id} {self.status}>"


class Attendance(db.Model):
    """One volunteer's presence on one shift: checked in and out on site, or recorded by staff."""

    __tablename__ = "volunteer_attendances"
    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_shifts.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    status: Mapped[str] = mapped_column(sa.String(12))
    manual: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    in_distance_m: Mapped[float | None] = mapped_column(sa.Float)
    out_distance_m: Mapped[float | None] = mapped_column(sa.Float)
    in_code_ok: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    out_code_ok: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    in_proof: Mapped[str | None] = mapped_column(sa.String(8))
    out_proof: Mapped[str | None] = mapped_column(sa.String(8))
    # The staff member who scanned the volunteer's pass at that end.
    in_scanned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    out_scanned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    minutes: Mapped[int] = mapped_column(sa.Integer, default=0)
    points: Mapped[int] = mapped_column(sa.Integer, default=0)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    shift: Mapped[Shift] = relationship(lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"status IN {ATTENDANCE_STATUSES!r}", name="status_known"),
        sa.CheckConstraint("minutes >= 0 AND points >= 0", name="amounts_nonnegative"),
        sa.CheckConstraint(f"in_proof IN {PROOFS!r}", name="in_proof_known"),
        sa.CheckConstraint(f"out_proof IN {PROOFS!r}", name="out_proof_known"),
        sa.UniqueConstraint("shift_id", "user_id"),
        sa.Index("ix_volunteer_attendances_community_status", "community_id", "status", "id"),
    )

    @property
    def verified(self) -> bool:
        """Checked at both ends, by a scanned pass or by code and geofence. A shift without a
        code proves the geofence only, never this."""
        return (not self.manual and self.checked_out_at is not None
                and self.in_proof in ("pass", "code") and self.out_proof in ("pass", "code"))

    @property
    def proven_on_site(self) -> bool:
        """Presence proven by staff on site scanning the volunteer's pass at both ends: the
        only attendance an `auto_approve` activity credits without review."""
        return (not self.manual and self.checked_out_at is not None
                and self.in_proof == "pass" and self.out_proof == "pass")

    def __repr__(self):
        return f"<Attendance {self.id} shift={self.shift_id} user={self.user_id} {self.status}>"


class UsedCode(db.Model):
    """A check-in code step already used by a volunteer on a shift (shared by every process)."""

    __tablename__ = "volunteer_used_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_shifts.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    step: Mapped[int] = mapped_column(sa.BigInteger)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("shift_id", "user_id", "step"),)

    def __repr__(self):
        return f"<UsedCode shift={self.shift_id} user={self.user_id} step={self.step}>"


class UsedPass(db.Model):
    """A personal pass already scanned (its nonce), shared by every process: a pass works once."""

    __tablename__ = "volunteer_used_passes"
    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(sa.String(32), unique=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_shifts.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(3))
    scanned_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.CheckConstraint(f"kind IN {PASS_KINDS!r}", name="kind_known"),)

    def __repr__(self):
        return f"<UsedPass shift={self.shift_id} user={self.user_id} {self.kind}>"
