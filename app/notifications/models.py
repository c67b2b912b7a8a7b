from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

PUSH_STATUSES = ("sent", "not_subscribed", "no_template", "failed")


class Notification(db.Model):
    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(64))
    body: Mapped[str] = mapped_column(sa.String(255), default="")
    ref: Mapped[str] = mapped_column(sa.String(64), default="")
    page: Mapped[str] = mapped_column(sa.String(255), default="", server_default="")
    push_status: Mapped[str | None] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_notifications_user_id_id", "user_id", "id"),
        sa.CheckConstraint(f"push_status IN {PUSH_STATUSES!r}", name="push_status_known"),
    )

    def __repr__(self):
        return f"<Notification {self.id} {self.kind} user={self.user_id}>"
