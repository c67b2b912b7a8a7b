from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

PAYERS = ("community", "resident", "none")
PARTNER_KINDS = ("unit", "social_org", "craftsman")

partner_categories = sa.Table(
    "partner_categories", db.metadata,
    sa.Column("partner_id", sa.ForeignKey("partners.id"), primary_key=True),
    sa.Column("category_id", sa.ForeignKey("service_categories.id"), primary_key=True),
)
partner_communities = sa.Table(
    "partner_communities", db.metadata,
    sa.Column("partner_id", sa.ForeignKey("partners.id"), primary_key=True),
    sa.Column("community_id", sa.ForeignKey("communities.id"), primary_key=True),
)


class ServiceCategory(db.Model):
    """What can be ordered, who pays, how points are earned, and how fast each step must be."""

    __tablename__ = "service_categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(32))
    icon: Mapped[str] = mapped_column(sa.String(32), default="service")
    payer: Mapped[str] = mapped_column(sa.String(12), default="community")
    points_per_hour: Mapped[int] = mapped_column(sa.Integer, default=10)
    max_minutes: Mapped[int] = mapped_column(sa.Integer, default=240)
    dispatch_hours: Mapped[int] = mapped_column(sa.Integer, default=24)
    accept_hours: Mapped[int] = mapped_column(sa.Integer, default=12)
    start_hours: Mapped[int] = mapped_column(sa.Integer, default=48)
    confirm_window_hours: Mapped[int] = mapped_column(sa.Integer, default=72)
    # A dispute left unresolved this long is escalated to the street admin.
    resolve_hours: Mapped[int] = mapped_column(sa.Integer, default=72, server_default="72")
    # Completion needs at least one photo as proof (`photo_ids`).
    photo_required: Mapped[bool] = mapped_column(sa.Boolean, default=False,
                                                 server_default=sa.false())
    # Preset phrases (常用语) a resident taps instead of typing, e.g. "水龙头漏水".
    phrases: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)

    __table_args__ = (
        sa.CheckConstraint(f"payer IN {PAYERS!r}", name="payer_known"),
        sa.CheckConstraint("points_per_hour >= 0 AND max_minutes > 0", name="points_sane"),
    )

    def __repr__(self):
        return f"<ServiceCategory {self.code}>"


class Partner(db.Model):
    """A red partner (红色合伙人): a unit, social organisation or community craftsman."""

    __tablename__ = "partners"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(12))
    description: Mapped[str] = mapped_column(sa.String(255), default="")
    home_community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"))
    home_grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grids.id"))
    contract_start: Mapped[date | None] = mapped_column(sa.Date)
    contract_end: Mapped[date | None] = mapped_column(sa.Date)
    capacity: Mapped[int] = mapped_column(sa.Integer, default=5)
    rating_sum: Mapped[int] = mapped_column(sa.Integer, default=0)
    rating_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Tasks dispatched to or taken by the partner and not yet completed; kept by the
    # request state machine in the same transaction as each transition.
    open_tasks: Mapped[int] = mapped_column(sa.Integer, default=0)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)

    categories: Mapped[list[ServiceCategory]] = relationship(
        secondary=partner_categories, order_by=ServiceCategory.id)
    communities = relationship("Community", secondary=partner_communities,
                               order_by="Community.id")

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {PARTNER_KINDS!r}", name="kind_known"),
        sa.CheckConstraint("capacity >= 0", name="capacity_sane"),
        sa.CheckConstraint("open_tasks >= 0", name="open_tasks_sane"),
    )

    @property
    def rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None

    def __repr__(self):
        return f"<Partner {self.id} {self.name}>"
