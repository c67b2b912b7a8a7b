"""Account jobs for cron (`flask privacy purge-inactive`): each commits per account."""
from datetime import datetime

from app.auth.models import User
from app.auth.privacy import cancel_account, inactive_users
from app.errors import ApiError
from app.extensions import db


def purge_inactive(days: int, now: datetime | None = None) -> tuple[int, int]:
    """Anonymise every inactive account, one commit each; (done, skipped with open orders)."""
    done = skipped = 0
    for user_id in inactive_users(days, now):
        try:
            cancel_account(db.session.get(User, user_id), actor_id=None, reason="inactive")
            db.session.commit()
            done += 1
        except ApiError:
            db.session.rollback()
            skipped += 1
    return done, skipped
