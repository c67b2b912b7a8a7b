"""Rerun a whole transaction when PostgreSQL reports a deadlock or a serialization failure."""
import logging
import random
import time

from sqlalchemy.exc import DBAPIError

from app.errors import ApiError
from app.extensions import db

log = logging.getLogger(__name__)

RETRIES = 5
RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def is_retryable(err: Exception) -> bool:
    """A deadlock or serialization failure: the transaction may simply be run again."""
    orig = getattr(err, "orig", None)
    return isinstance(err, DBAPIError) and getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES


def run_with_retry(unit):
    """Run `unit()` (a whole transaction), again after a rollback when the database asks."""
    for attempt in range(RETRIES):
        try:
            return unit()
        except DBAPIError as err:
            db.session.rollback()
            if not is_retryable(err):
                raise
            log.info("transaction retried sqlstate=%s attempt=%s", err.orig.sqlstate,
                     attempt + 1)
            time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))  # noqa: S311
    raise ApiError("busy_try_again", "系统繁忙，请稍后重试", 409)
