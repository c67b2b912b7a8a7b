"""Jobs the drills enqueue through the outbox (the RQ worker imports them by name)."""
import time

import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.notifications.models import Notification


def slow_notice(tag: str, seconds: float) -> None:
    """Write a notification titled `tag`, then take `seconds` before the commit: a worker
    killed meanwhile leaves nothing, and the retry writes it once."""
    user_id = db.session.scalar(sa.select(User.id).order_by(User.id).limit(1))
    db.session.add(Notification(user_id=user_id, kind="drill", title=tag, body="", ref=""))
    db.session.flush()
    time.sleep(seconds)
