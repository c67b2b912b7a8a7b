"""Points mall tables: merchants, items, vouchers.

Members of a merchant are users holding a `merchant` role grant scoped to its id
(`role_grants.merchant_id`); a partner that also sells in the mall is a merchant with
`partner_id` set.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

ITEM_KINDS = ("goods", "service", "discount", "market")  # 实物 / 服务 / 折扣 / 集市
VOUCHER_STATUSES = ("issued", "used", "expired", "cancelled")
VOUCHER_QR_PREFIX = "llt-voucher:"


class Merchant(db.Model):
    __tablename__ = "mall_merchants"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"),
                                                     index=True)
    partner_id: Mapped[int | None] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("name", name="uq_mall_merchants_name"),)

    def __repr__(self):
        return f"<Merchant {self.id} {self.name}>"


class MallItem(db.Model):
    """Something a resident can buy with points. `per_user_limit` None means no limit."""

    __tablename__ = "mall_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("mall_merchants.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    kind: Mapped[str] = mapped_column(sa.String(12))
    price_points: Mapped[int] = mapped_column(sa.Integer)
    stock: Mapped[int] = mapped_column(sa.Integer)
    per_user_limit: Mapped[int | None] = mapped_column(sa.Integer)
    valid_days: Mapped[int] = mapped_column(sa.Integer, default=30)
    published: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    merchant: Mapped[Merchant] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {ITEM_KINDS!r}", name="kind_known"),
        sa.CheckConstraint("price_points > 0", name="price_positive"),
        sa.CheckConstraint("stock >= 0", name="stock_not_negative"),
        sa.CheckConstraint("per_user_limit IS NULL OR per_user_limit > 0", name="limit_positive"),
        sa.CheckConstraint("valid_days > 0", name="valid_days_positive"),
    )

    def __repr__(self):
        return f"<MallItem {self.id} {self.title}>"


class Voucher(db.Model):
    """What a redemption issues. Its points move by the transfers keyed `voucher:<id>:redeem`
    and, when it expires or is cancelled unused, `voucher:<id>:refund`."""

    __tablename__ = "mall_vouchers"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("mall_items.id"), index=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("mall_merchants.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    price_points: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(10), default="issued")
    redeem_key: Mapped[str | None] = mapped_column(sa.String(160), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    item: Mapped[MallItem] = relationship(lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="raise")

    __table_args__ = (
        sa.CheckConstraint(f"status IN {VOUCHER_STATUSES!r}", name="status_known"),
        sa.Index("ix_mall_vouchers_user_id_id", "user_id", "id"),
        sa.Index("ix_mall_vouchers_merchant_id_id", "merchant_id", "id"),
        sa.Index("ix_mall_vouchers_status_expires_at", "status", "expires_at"),
    )

    @property
    def qr_payload(self) -> str:
        """What the voucher's QR code encodes; write-off takes it as it is, or the bare code."""
        return f"{VOUCHER_QR_PREFIX}{self.code}"

    def __repr__(self):
        return f"<Voucher {self.id} {self.status}>"
