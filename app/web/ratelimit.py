"""Rate limits counted inside a view, for keys known only there (an openid after code2session,
one ceiling for everybody). They use Flask-Limiter's own storage, so with Redis every process
shares the counters, and its in-memory fallback when Redis is down."""
import logging
import time

from limits import parse
from werkzeug.exceptions import TooManyRequests

from app.extensions import limiter

log = logging.getLogger(__name__)


def enforce(limit: str, scope: str, key: str) -> None:
    """Count one hit of `key` in `scope`; past `limit` ("10 per minute") refuse with 429."""
    item = parse(limit)
    try:
        strategy = limiter.limiter
        allowed = strategy.hit(item, scope, key)
    except Exception:  # noqa: BLE001 (storage unreachable: like RATELIMIT_SWALLOW_ERRORS)
        log.warning("rate limit not counted: storage unavailable scope=%s", scope)
        return
    if not allowed:
        log.info("rate limit exceeded scope=%s", scope)
        try:
            reset_at = strategy.get_window_stats(item, scope, key).reset_time
        except Exception:  # noqa: BLE001
            reset_at = None
        retry_after = max(1, int(reset_at - time.time()) + 1) if reset_at else None
        raise TooManyRequests(description=str(item), retry_after=retry_after)
