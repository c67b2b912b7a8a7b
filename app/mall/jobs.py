"""Batch jobs of the points mall (cron, RQ, `flask mall sweep-vouchers`); each commits per
batch, unlike services and views."""
import logging

from app.extensions import db
from app.mall.service import sweep_expired
from app.web.idempotency import purge_expired

log = logging.getLogger(__name__)


def sweep_job(batch: int = 500) -> int:
    """Refund every expired voucher, one committed batch at a time, then purge idempotency
    keys past their 24 hours. Safe to run anywhere, any number of times."""
    total = 0
    while True:
        refunded = sweep_expired(batch)
        db.session.commit()
        total += refunded
        if refunded < batch:
            break
    purged = purge_expired()
    db.session.commit()
    log.info("voucher sweep refunded=%s idempotency_keys_purged=%s", total, purged)
    return total
