"""Times are stored in UTC and shown in Asia/Shanghai."""
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa

SHANGHAI = ZoneInfo("Asia/Shanghai")
CST = timezone(timedelta(hours=8))


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_iso(dt: datetime | None) -> str | None:
    """ISO 8601 in Asia/Shanghai. Before 1901 the zone's local mean time has an offset in
    seconds, which RFC 3339 cannot write; such dates are shown at +08:00."""
    if not dt:
        return None
    local = dt.astimezone(SHANGHAI)
    if local.utcoffset().seconds % 60:
        local = dt.astimezone(CST)
    return local.isoformat()


class UTCDateTime(sa.types.TypeDecorator):
    """Aware datetimes in and out on every backend (SQLite keeps no zone of its own)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
