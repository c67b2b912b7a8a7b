"""Extension singletons, bound to the app in create_app()."""
import redis
from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from rq import Queue
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
IDENTITY = "llt_identity"
migrate = Migrate(compare_type=True, render_as_batch=True)


def register_identity(app: Flask, resolver) -> None:
    """`resolver()` names the signed-in user's id, or None; the auth domain provides it, so
    that the rate-limit key and the idempotency keys need not know how tokens work."""
    app.extensions[IDENTITY] = resolver


def current_user_id() -> int | None:
    resolver = current_app.extensions.get(IDENTITY)
    return resolver() if resolver is not None else None


def _limit_key() -> str:
    """Rate-limit per signed-in user when there is one, else per client address."""
    user_id = current_user_id()
    return f"user:{user_id}" if user_id else f"ip:{get_remote_address()}"


def _write_limit() -> str:
    return current_app.config["WRITE_RATE_LIMIT"]


def _is_read() -> bool:
    return request.method in ("GET", "HEAD", "OPTIONS")


# Every write route is limited per user (or address) unless it sets its own limit; reads are
# not limited. With Redis the counters are shared by every process.
limiter = Limiter(key_func=_limit_key, default_limits=[_write_limit],
                  default_limits_exempt_when=_is_read, strategy="fixed-window")




def init_redis(app: Flask) -> None:
    """Redis handle and RQ queue when REDIS_URL is set; None otherwise (jobs run inline)."""
    url = app.config.get("REDIS_URL")
    app.extensions["redis"] = None
    app.extensions["rq_queue"] = None
    if url:
        conn = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1)
        app.extensions["redis"] = conn
        app.extensions["rq_queue"] = Queue("linlitong", connection=conn)


def get_redis():
    return current_app.extensions.get("redis")


