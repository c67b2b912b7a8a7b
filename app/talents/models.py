"""Talent profiles (银发人才库), secretary candidates with their checklist, and the owners'
party-member ledger (业主党员台账).

- `Talent`: a retired party member filed in a community's pool: former field, expertise,
  former unit, birth year, what they are willing to do, health and availability notes.
  Expertise and willingness are rows of `TalentTag`, so a filter is an indexed lookup.
- `Candidate`: a person put forward for a seat in a compound party organisation (an
  `OrgBody` of kind `compound_party`), by self-nomination or by their unit's party
  organisation. `nominated` → `verified` (组织部) → `appointed` (a seat, `seat_id`); or
  `rejected`. Each of the 5 positive standards and 3 negative lists is a `CandidateCheck` row
  with who checked it and when.
- `LedgerEntry`: a party member living in a compound as one source knows them: `registered`
  (双报到 on the roster), `floating` (流动党员), `grid` (found through grid data). Approved
  registrations in the app count as `registered` too; the mismatch check compares sources.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

TAG_KINDS = ("expertise", "willing")
CANDIDATE_SOURCES = ("self", "unit")  # 个人自荐 / 单位党组织推荐
CANDIDATE_POSITIONS = ("head", "deputy", "member")  # 书记 / 副书记 / 委员
CANDIDATE_STATUSES = ("nominated", "verified", "appointed", "rejected")
# The seed's 5 positive standards (正面标准) and 3 negative lists (负面清单).
POSITIVE_ITEMS = {
    "political_quality": "政治素质好",
    "work_style": "工作作风好",
    "age_fit": "年龄适合岗位",
    "public_trust": "群众认可度高",
    "capability": "履职能力强",
}
NEGATIVE_ITEMS = {
    "discipline_violation": "受过党纪政务处分",
    "criminal_record": "有违法犯罪记录",
    "dishonest_or_gang": "失信被执行或涉黑涉恶",
}
CHECK_ITEMS = {**POSITIVE_ITEMS, **NEGATIVE_ITEMS}
# A positive standard is `met` or `not_met`; a negative list is `clear` or `hit`.
CHECK_RESULTS = ("met", "not_met", "clear", "hit")
LEDGER_SOURCES = ("registered", "floating", "grid")  # 双报到 / 流动党员 / 网格摸排
SOURCE_NAMES = {"registered": "双报到", "floating": "流动党员", "grid": "网格摸排"}


class Talent(db.Model):
    __tablename__ = "talents"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(32))
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    birth_year: Mapped[int] = mapped_column(sa.Integer)
    former_field: Mapped[str] = mapped_column(sa.String(32))
    former_unit: Mapped[str] = mapped_column(sa.String(100), default="")
    party_member: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    health_note: Mapped[str] = mapped_column(sa.String(200), default="")
    availability_note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tags: Mapped[list["TalentTag"]] = relationship(lazy="selectin",
                                                   order_by="TalentTag.id",
                                                   cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint("birth_year BETWEEN 1900 AND 2100", name="birth_year_sane"),
        sa.Index("ix_talents_community_field", "community_id", "former_field", "id"),
        sa.Index("ix_talents_community_birth_year", "community_id", "birth_year"),
    )

    def tag_values(self, kind: str) -> list[str]:
        return [t.value for t in self.tags if t.kind == kind]

    def __repr__(self):
        return f"<Talent {self.id}>"


class TalentTag(db.Model):
    """One expertise (专长) or one thing the talent is willing to do (意愿)."""

    __tablename__ = "talent_tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(sa.ForeignKey("talents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(10))
    value: Mapped[str] = mapped_column(sa.String(32))

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {TAG_KINDS!r}", name="kind_known"),
        sa.UniqueConstraint("talent_id", "kind", "value"),
        sa.Index("ix_talent_tags_kind_value", "kind", "value", "talent_id"),
    )

    def __repr__(self):
        return f"<TalentTag {self.kind} {self.value}>"


class Candidate(db.Model):
    __tablename__ = "secretary_candidates"
    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("org_bodies.id"), index=True)
    talent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("talents.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(sa.String(32))
    source: Mapped[str] = mapped_column(sa.String(8))
    recommended_by: Mapped[str] = mapped_column(sa.String(100), default="")
    position: Mapped[str] = mapped_column(sa.String(8), default="head")
    status: Mapped[str] = mapped_column(sa.String(12), default="nominated")
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verify_note: Mapped[str] = mapped_column(sa.String(200), default="")
    appointed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    appointed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seat_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_seats.id"))

    checks: Mapped[list["CandidateCheck"]] = relationship(lazy="selectin",
                                                          order_by="CandidateCheck.id")

    __table_args__ = (
        sa.CheckConstraint(f"source IN {CANDIDATE_SOURCES!r}", name="source_known"),
        sa.CheckConstraint(f"position IN {CANDIDATE_POSITIONS!r}", name="position_known"),
        sa.CheckConstraint(f"status IN {CANDIDATE_STATUSES!r}", name="status_known"),
        sa.CheckConstraint("talent_id IS NOT NULL OR user_id IS NOT NULL",
                           name="person_known"),
        sa.CheckConstraint("(status = 'appointed') = (seat_id IS NOT NULL)",
                           name="seat_when_appointed"),
    )

    def __repr__(self):
        return f"<Candidate {self.id} {self.status}>"


class CandidateCheck(db.Model):
    """One checklist item of a candidate; recording it again replaces result and checker."""

    __tablename__ = "candidate_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("secretary_candidates.id"))
    item: Mapped[str] = mapped_column(sa.String(24))
    result: Mapped[str] = mapped_column(sa.String(8))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    checked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    checked_by = relationship("User", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"item IN {tuple(CHECK_ITEMS)!r}", name="item_known"),
        sa.CheckConstraint(f"result IN {CHECK_RESULTS!r}", name="result_known"),
        sa.UniqueConstraint("candidate_id", "item"),
    )

    @property
    def kind(self) -> str:
        return "negative" if self.item in NEGATIVE_ITEMS else "positive"

    def __repr__(self):
        return f"<CandidateCheck {self.candidate_id} {self.item}={self.result}>"


class LedgerEntry(db.Model):
    """A party member living in a compound, as one source records them. The natural key
    (compound, source, name, phone) makes a repeated roster import change nothing."""

    __tablename__ = "party_ledger_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    compound_id: Mapped[int] = mapped_column(sa.ForeignKey("compounds.id"))
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(sa.String(32))
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    source: Mapped[str] = mapped_column(sa.String(12))
    unit_name: Mapped[str] = mapped_column(sa.String(100), default="")
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(f"source IN {LEDGER_SOURCES!r}", name="source_known"),
        sa.UniqueConstraint("compound_id", "source", "name", "phone",
                            name="uq_party_ledger_entries_person"),
        sa.Index("ix_party_ledger_entries_community", "community_id", "compound_id", "id"),
    )

    def __repr__(self):
        return f"<LedgerEntry {self.id} {self.source}>"
