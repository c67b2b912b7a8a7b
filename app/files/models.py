from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db

CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")
STORAGES = ("db", "s3")
# WeChat's image check: not asked (PDFs, unattached, or the check could not run), pending its
# verdict, passed, held for review by WeChat (still shown), rejected (hidden from everyone).
CHECK_STATUSES = ("none", "pending", "passed", "review", "rejected")


class StoredFile(db.Model):
    """An upload as it was stored (images re-encoded), attached to at most one record."""

    __tablename__ = "files"
    id: Mapped[int] = mapped_column(primary_key=True)
    uploader_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    content_type: Mapped[str] = mapped_column(sa.String(32))
    size: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    width: Mapped[int | None] = mapped_column(sa.Integer)
    height: Mapped[int | None] = mapped_column(sa.Integer)
    storage: Mapped[str] = mapped_column(sa.String(8), default="db")
    storage_key: Mapped[str | None] = mapped_column(sa.String(255))
    record_type: Mapped[str | None] = mapped_column(sa.String(32))
    record_id: Mapped[int | None] = mapped_column(sa.Integer)
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_status: Mapped[str] = mapped_column(sa.String(10), default="none")
    check_trace_id: Mapped[str | None] = mapped_column(sa.String(128))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(f"content_type IN {CONTENT_TYPES!r}", name="content_type_known"),
        sa.CheckConstraint(f"storage IN {STORAGES!r}", name="storage_known"),
        sa.CheckConstraint(f"check_status IN {CHECK_STATUSES!r}", name="check_status_known"),
        sa.CheckConstraint("(record_type IS NULL) = (record_id IS NULL)",
                           name="record_complete"),
        sa.Index("ix_files_record", "record_type", "record_id"),
        sa.Index("ix_files_uploader_id", "uploader_id"),
        sa.Index("ix_files_created_at", "created_at"),
        sa.Index("ix_files_check_trace_id", "check_trace_id", unique=True),
    )

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def __repr__(self):
        return f"<StoredFile {self.id} {self.content_type} {self.size}>"


class FileBlob(db.Model):
    """The bytes of a file kept in the database (`bytea` on PostgreSQL)."""

    __tablename__ = "file_blobs"
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("files.id", ondelete="CASCADE"),
                                         primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)

    def __repr__(self):
        return f"<FileBlob {self.file_id}>"
