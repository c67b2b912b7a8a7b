from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

COMPOUND_KINDS = ("formal", "old_courtyard", "scattered")  # 建制小区 / 老旧院落 / 零散楼栋
STATION_KINDS = ("party_service", "v_station")  # 党群服务站 / 志愿V站
BINDING_STATUSES = ("pending", "approved", "rejected")
# Limits an admin sets per community (never its own staff): the points per hour a volunteer
# shift may pay, and the minutes of make-up records (补录) its shifts of one month may carry.
DEFAULT_MAX_POINTS_PER_HOUR = 30
DEFAULT_MANUAL_BUDGET_MINUTES = 1200
RELATIONS = ("owner", "family", "tenant")  # 业主 / 家属 / 租户


class AreaM2(sa.types.TypeDecorator):
    """A floor area in m² with two decimals: `Decimal("89.50")` in Python, stored as the
    integer number of 0.01 m² (8950). Exact on every backend, and the governance rules compare
    areas as integers of 0.01 m² without any rounding."""

    impl = sa.Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        hundredths = Decimal(value) * 100
        if hundredths != hundredths.to_integral_value():
            raise ValueError("an area has at most two decimals")
        return int(hundredths)

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value).scaleb(-2)


def area_hundredths(area: Decimal | None) -> int | None:
    """An area in m² as the integer number of 0.01 m² (how votes by area are counted)."""
    return None if area is None else int(area * 100)


class Street(db.Model):
    __tablename__ = "streets"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)

    def __repr__(self):
        return f"<Street {self.id} {self.name}>"


class Community(db.Model):
    __tablename__ = "communities"
    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(sa.ForeignKey("streets.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    max_points_per_hour: Mapped[int] = mapped_column(
        sa.Integer, default=DEFAULT_MAX_POINTS_PER_HOUR,
        server_default=str(DEFAULT_MAX_POINTS_PER_HOUR))
    manual_budget_minutes: Mapped[int] = mapped_column(
        sa.Integer, default=DEFAULT_MANUAL_BUDGET_MINUTES,
        server_default=str(DEFAULT_MANUAL_BUDGET_MINUTES))
    # The number residents call for help (one tap on the order page).
    service_phone: Mapped[str | None] = mapped_column(sa.String(20))
    street: Mapped[Street] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("street_id", "name"),
        sa.CheckConstraint("max_points_per_hour >= 0 AND manual_budget_minutes >= 0",
                           name="limits_nonnegative"),
    )

    def __repr__(self):
        return f"<Community {self.id} {self.name}>"


class Grid(db.Model):
    __tablename__ = "grids"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))

    def __repr__(self):
        return f"<Grid {self.id} {self.name}>"


class Compound(db.Model):
    __tablename__ = "compounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(20))

    __table_args__ = (sa.CheckConstraint(f"kind IN {COMPOUND_KINDS!r}", name="kind_known"),)

    def __repr__(self):
        return f"<Compound {self.id} {self.name}>"


class Building(db.Model):
    __tablename__ = "buildings"
    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(sa.ForeignKey("compounds.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grids.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(32))
    # The entrance, GCJ-02 (picked by staff with wx.chooseLocation); NULL until set.
    lat: Mapped[float | None] = mapped_column(sa.Float)
    lng: Mapped[float | None] = mapped_column(sa.Float)
    compound: Mapped[Compound] = relationship(lazy="joined")

    def __repr__(self):
        return f"<Building {self.id} {self.name}>"


def masked_address(compound_name: str, building_name: str) -> str:
    """A household's address as shown to those who may not read it in full."""
    return f"{compound_name}{building_name}****"


class Household(db.Model):
    __tablename__ = "households"
    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(sa.ForeignKey("buildings.id"), index=True)
    unit: Mapped[str] = mapped_column(sa.String(16), default="")
    room: Mapped[str] = mapped_column(sa.String(16))
    # Floor area (专有部分面积) for votes by area; None until the register records it.
    area_m2: Mapped[Decimal | None] = mapped_column(AreaM2)
    building: Mapped[Building] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("building_id", "unit", "room"),
        sa.CheckConstraint("area_m2 IS NULL OR area_m2 > 0", name="area_positive"),
    )

    @property
    def community_id(self) -> int:
        return self.building.compound.community_id

    @property
    def address(self) -> str:
        unit = f"{self.unit}单元" if self.unit else ""
        return f"{self.building.compound.name}{self.building.name}{unit}{self.room}室"

    @property
    def address_masked(self) -> str:
        return masked_address(self.building.compound.name, self.building.name)

    def __repr__(self):
        return f"<Household {self.id}>"


class Station(db.Model):
    __tablename__ = "stations"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(64))
    lat: Mapped[float] = mapped_column(sa.Float)
    lng: Mapped[float] = mapped_column(sa.Float)
    address: Mapped[str] = mapped_column(sa.String(128), default="")

    __table_args__ = (sa.CheckConstraint(f"kind IN {STATION_KINDS!r}", name="kind_known"),)

    def __repr__(self):
        return f"<Station {self.id} {self.name}>"


class HouseholdBinding(db.Model):
    """A resident's request to be bound to a household, decided by staff of its community."""

    __tablename__ = "household_bindings"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    relation: Mapped[str] = mapped_column(sa.String(16), default="owner")
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    household: Mapped[Household] = relationship(lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"status IN {BINDING_STATUSES!r}", name="status_known"),
        # At most one live (pending or approved) binding of a user to a household.
        sa.Index("uq_household_bindings_live", "user_id", "household_id", unique=True,
                 sqlite_where=sa.text("status != 'rejected'"),
                 postgresql_where=sa.text("status != 'rejected'")),
    )

    def __repr__(self):
        return f"<HouseholdBinding {self.id} {self.status}>"
