import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db


class UsedFakeCode(db.Model):
    """Codes the fake client has accepted: WeChat's codes are single-use across all servers."""

    __tablename__ = "wechat_fake_used_codes"
    code: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    used_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<UsedFakeCode {self.code[:12]}>"
