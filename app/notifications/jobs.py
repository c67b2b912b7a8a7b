"""Pushes of `notify_many`'s items, run through the outbox (no timer runs these)."""
from app.extensions import db
from app.notifications import service


def send_subscribe_messages(notification_ids: list[int]) -> None:
    """Job: push each item as `service.send_subscribe_message` does, committing after each
    one, so a batch run again after a partial run (a killed worker, a failure) pushes only the
    items not yet pushed."""
    for notification_id in notification_ids:
        service.push(notification_id)
        db.session.commit()
