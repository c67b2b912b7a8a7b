"""The community's 大党委 (joint party committee): its members, quarterly meetings with agenda,
attendance and minutes, and the projects its resolutions become (项目化).

A project moves `planned` → `in_progress` → `done` (with a result) or `dropped` (with a
reason); progress notes are only added. An agenda item may name a feedback report or a
renovation list by id (`feedback_id`, `renovation_id`): plain integers, those records live in
their own domains.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

MEMBER_KINDS = ("unit", "compound_party", "property", "owners_committee", "cadre")
PROJECT_STATUSES = ("planned", "in_progress", "done", "dropped")
OPEN_STATUSES = ("planned", "in_progress")


class CommitteeMember(db.Model):
    """A member of the community's 大党委: from a unit (共建单位), a compound party organisation,
    the property company, an owners' committee, or a cadre posted to the community."""

    __tablename__ = "committee_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(32))
    unit: Mapped[str] = mapped_column(sa.String(64))
    position: Mapped[str] = mapped_column(sa.String(32), default="")
    kind: Mapped[str] = mapped_column(sa.String(20))
    body_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_bodies.id"))
    joined_on: Mapped[date] = mapped_column(sa.Date)
    left_on: Mapped[date | None] = mapped_column(sa.Date)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {MEMBER_KINDS!r}", name="kind_known"),
        sa.CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_sane"),
    )

    def active_on(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)

    def __repr__(self):
        return f"<CommitteeMember {self.id} community={self.community_id}>"


meeting_attendance = sa.Table(
    "committee_meeting_attendance", db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("committee_meetings.id"), primary_key=True),
    sa.Column("member_id", sa.ForeignKey("committee_members.id"), primary_key=True),
)


class Meeting(db.Model):
    """A 大党委 meeting; `year` and `quarter` are those of `held_at` in Asia/Shanghai."""

    __tablename__ = "committee_meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    title: Mapped[str] = mapped_column(sa.String(100))
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    year: Mapped[int] = mapped_column(sa.Integer)
    quarter: Mapped[int] = mapped_column(sa.Integer)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    minutes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    agenda: Mapped[list["AgendaItem"]] = relationship(order_by="AgendaItem.position",
                                                      lazy="selectin")
    attendees: Mapped[list[CommitteeMember]] = relationship(
        secondary=meeting_attendance, order_by="CommitteeMember.id", lazy="selectin")

    __table_args__ = (
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
        sa.Index("ix_committee_meetings_community_quarter", "community_id", "year", "quarter"),
    )

    def __repr__(self):
        return f"<Meeting {self.id} community={self.community_id}>"


class AgendaItem(db.Model):
    __tablename__ = "meeting_agenda_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_meetings.id"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(100))
    feedback_id: Mapped[int | None] = mapped_column(sa.Integer)
    renovation_id: Mapped[int | None] = mapped_column(sa.Integer)

    def __repr__(self):
        return f"<AgendaItem {self.id} meeting={self.meeting_id}>"


class Project(db.Model):
    """A resolution of a meeting, carried out by its owner (a committee member) by a date."""

    __tablename__ = "committee_projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_meetings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting_agenda_items.id"))
    title: Mapped[str] = mapped_column(sa.String(100))
    owner_member_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_members.id"))
    due_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(12), default="planned")
    percent: Mapped[int] = mapped_column(sa.Integer, default=0)
    result: Mapped[str] = mapped_column(sa.String(1000), default="")
    drop_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner: Mapped[CommitteeMember] = relationship(lazy="joined")
    meeting: Mapped[Meeting] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"status IN {PROJECT_STATUSES!r}", name="status_known"),
        sa.CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),
        sa.CheckConstraint("(status IN ('done', 'dropped')) = (finished_at IS NOT NULL)",
                           name="finished_when_closed"),
        sa.CheckConstraint("status != 'dropped' OR drop_reason != ''", name="dropped_with_reason"),
        sa.Index("ix_committee_projects_community_status", "community_id", "status"),
    )

    def __repr__(self):
        return f"<Project {self.id} {self.status}>"


class ProjectProgress(db.Model):
    __tablename__ = "committee_project_progress"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_projects.id"), index=True)
    note: Mapped[str] = mapped_column(sa.String(1000))
    percent: Mapped[int] = mapped_column(sa.Integer)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),)

    def __repr__(self):
        return f"<ProjectProgress {self.id} project={self.project_id}>"


class MeetingReminder(db.Model):
    """Staff were told that the community held no meeting in that quarter (once)."""

    __tablename__ = "committee_meeting_reminders"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    year: Mapped[int] = mapped_column(sa.Integer)
    quarter: Mapped[int] = mapped_column(sa.Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("community_id", "year", "quarter"),)

    def __repr__(self):
        return f"<MeetingReminder community={self.community_id} {self.year}Q{self.quarter}>"
