"""The export jobs, and the indexes the figures read through on other domains' tables.

Each figure is one query filtered by community and by the date its record closed; the indexes
below make that a range scan. They are declared here, beside the figures that need them, so
that the domains they index stay unaware of the figures.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db
from app.mall.models import Voucher
from app.orders.models import RequestEvent
from app.party.models import PartyRegistration
from app.timebank.models import Posting
from app.volunteering.models import Attendance

JOB_STATUSES = ("queued", "running", "finished", "failed")

sa.Index("ix_request_events_to_status_at", RequestEvent.to_status, RequestEvent.at,
         RequestEvent.request_id)
sa.Index("ix_volunteer_attendances_community_reviewed", Attendance.community_id,
         Attendance.status, Attendance.reviewed_at, Attendance.manual, Attendance.minutes)
sa.Index("ix_tb_postings_account_created", Posting.account_id, Posting.created_at,
         Posting.amount)
sa.Index("ix_tb_postings_created_at", Posting.created_at)
sa.Index("ix_party_registrations_community_decided", PartyRegistration.community_id,
         PartyRegistration.status, PartyRegistration.decided_at)
sa.Index("ix_mall_vouchers_merchant_used", Voucher.merchant_id, Voucher.status, Voucher.used_at)

class ExportJob(db.Model):
    """A workbook built in the background: who asked (the only one who may read it), what for,
    how far it got, and the file once finished.

    Created by the export's GET, like an audit entry: asking for a file is a read."""

    __tablename__ = "stats_export_jobs"
    __written_on_read__ = True
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default="stats_xlsx")
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    progress: Mapped[int] = mapped_column(sa.Integer, default=0)
    filename: Mapped[str] = mapped_column(sa.String(120), default="")
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    error: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint(f"status IN {JOB_STATUSES!r}", name="status_known"),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
    )

    def __repr__(self):
        return f"<ExportJob {self.id} {self.status}>"
