"""The bodies that govern a compound, their members and terms, and the compound's property class.

- `OrgBody`: a compound party organisation (小区党组织, with its formation 单独建 / 联合建 /
  连片建), an owners' committee (业委会), a supervisory board (业主监事会), a self-management
  committee (自管委) or a property company (物业公司). A body covers one or more compounds
  (`OrgBodyCompound`); a compound has at most one live body in each slot: party organisation,
  self-governing body (owners' committee or self-management committee), supervisory board,
  property company. A dissolved body keeps its rows and ends its coverage.
- `OrgSeat`: a person's seat on a body (user or, for people without the app, a name alone),
  their role in it and the term. Seats are never deleted: leaving sets `left_on`.
- `CompoundProfile`: the compound's property class (物业小区 / 无物业小区 / 零散楼栋) and the
  片区大物业 area (`PropertyArea`) it belongs to, whose company manages the area's compounds.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

BODY_KINDS = ("compound_party", "owners_committee", "supervisory_board", "self_management",
              "property_company")
BODY_NAMES = {"compound_party": "小区党组织", "owners_committee": "业主委员会",
              "supervisory_board": "业主监事会", "self_management": "自管委",
              "property_company": "物业公司"}
# The slot a body takes on each compound it covers: one live body per compound and slot.
SLOTS = {"compound_party": "party", "owners_committee": "self_governing",
         "self_management": "self_governing", "supervisory_board": "supervisory",
         "property_company": "property"}
SLOT_NAMES = ("party", "self_governing", "supervisory", "property")
FORMATIONS = ("single", "joint", "area")  # 单独建 / 联合建 / 连片建
PROPERTY_CLASSES = ("managed", "unmanaged", "scattered")  # 物业小区 / 无物业小区 / 零散楼栋
SEAT_ROLES_IN_BODY = ("head", "deputy", "member")
# The title a seat shows when none is given, by body kind and role in it.
DEFAULT_TITLES = {
    "compound_party": {"head": "书记", "deputy": "副书记", "member": "委员"},
    "owners_committee": {"head": "主任", "deputy": "副主任", "member": "委员"},
    "supervisory_board": {"head": "监事长", "deputy": "副监事长", "member": "监事"},
    "self_management": {"head": "主任", "deputy": "副主任", "member": "成员"},
    "property_company": {"head": "项目经理", "deputy": "副经理", "member": "员工"},
}


class OrgBody(db.Model):
    __tablename__ = "org_bodies"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(64))
    # The community whose staff registered the body and keep it up to date.
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    formation: Mapped[str | None] = mapped_column(sa.String(8))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dissolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dissolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    dissolve_reason: Mapped[str] = mapped_column(sa.String(200), default="")

    coverage: Mapped[list["OrgBodyCompound"]] = relationship(
        primaryjoin="and_(OrgBody.id == OrgBodyCompound.body_id, "
                    "OrgBodyCompound.ended_at.is_(None))",
        order_by="OrgBodyCompound.compound_id", viewonly=True, lazy="selectin")

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {BODY_KINDS!r}", name="kind_known"),
        sa.CheckConstraint(f"formation IN {FORMATIONS!r}", name="formation_known"),
        sa.CheckConstraint("(kind = 'compound_party') = (formation IS NOT NULL)",
                           name="formation_for_party"),
    )

    @property
    def compound_ids(self) -> list[int]:
        return [c.compound_id for c in self.coverage]

    def __repr__(self):
        return f"<OrgBody {self.id} {self.kind}>"


class OrgBodyCompound(db.Model):
    """A compound covered by a body, from `started_at` until `ended_at`."""

    __tablename__ = "org_body_compounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("org_bodies.id"), index=True)
    compound_id: Mapped[int] = mapped_column(sa.ForeignKey("compounds.id"))
    slot: Mapped[str] = mapped_column(sa.String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint(f"slot IN {SLOT_NAMES!r}", name="slot_known"),
        # One live body per compound and slot, whatever races.
        sa.Index("uq_org_body_compounds_live", "compound_id", "slot", unique=True,
                 sqlite_where=sa.text("ended_at IS NULL"),
                 postgresql_where=sa.text("ended_at IS NULL")),
    )

    def __repr__(self):
        return f"<OrgBodyCompound body={self.body_id} compound={self.compound_id}>"


class OrgSeat(db.Model):
    """A person's seat on a body for a term; in office from `term_start` to `term_end`
    (open-ended when null), unless they left earlier (`left_on`, their first day out)."""

    __tablename__ = "org_seats"
    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("org_bodies.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(32))
    role: Mapped[str] = mapped_column(sa.String(8))
    title: Mapped[str] = mapped_column(sa.String(32))
    term_start: Mapped[date] = mapped_column(sa.Date)
    term_end: Mapped[date | None] = mapped_column(sa.Date)
    left_on: Mapped[date | None] = mapped_column(sa.Date)
    left_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[OrgBody] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"role IN {SEAT_ROLES_IN_BODY!r}", name="role_known"),
        sa.CheckConstraint("term_end IS NULL OR term_end >= term_start", name="term_sane"),
        sa.CheckConstraint("left_on IS NULL OR left_on >= term_start", name="left_sane"),
    )

    def active_on(self, day: date) -> bool:
        return (self.term_start <= day and (self.term_end is None or day <= self.term_end)
                and (self.left_on is None or day < self.left_on))

    def __repr__(self):
        return f"<OrgSeat {self.id} body={self.body_id} user={self.user_id}>"


class PropertyArea(db.Model):
    """片区大物业: scattered compounds grouped under one property company."""

    __tablename__ = "property_areas"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("org_bodies.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    company: Mapped[OrgBody] = relationship(lazy="joined")

    def __repr__(self):
        return f"<PropertyArea {self.id} {self.name}>"


class CompoundProfile(db.Model):
    """A compound's property class and 片区大物业 area; a compound without a row is unset."""

    __tablename__ = "compound_profiles"
    compound_id: Mapped[int] = mapped_column(sa.ForeignKey("compounds.id"), primary_key=True)
    property_class: Mapped[str] = mapped_column(sa.String(10))
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("property_areas.id"), index=True)
    updated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    area: Mapped[PropertyArea | None] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"property_class IN {PROPERTY_CLASSES!r}",
                           name="property_class_known"),
        sa.CheckConstraint("area_id IS NULL OR property_class = 'scattered'",
                           name="area_for_scattered"),
    )

    def __repr__(self):
        return f"<CompoundProfile {self.compound_id} {self.property_class}>"
