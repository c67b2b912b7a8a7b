"""`GET /healthz`, the probes `/livez` and `/readyz`, the mini-program's error reports, and the
locally served assets of the API docs page."""
import logging
import os
import re
from functools import lru_cache

import sqlalchemy as sa
import swagger_ui_bundle
from flask import Blueprint as FlaskBlueprint
from flask import current_app, send_from_directory
from marshmallow import Schema, fields, validate

from app.extensions import db, get_redis, limiter
from app.web.boundary import Blueprint
from app.web.schemas import one_of

log = logging.getLogger("app.client_errors")

blp = Blueprint("health", __name__, description="健康检查")


class HealthOut(Schema):
    status = fields.String()
    db = fields.String()
    redis = fields.String()


class ReadyOut(Schema):
    status = fields.String()
    db = fields.String()
    migrations = fields.String(metadata={"description": "current、behind 或 unknown"})


class PingOut(Schema):
    status = fields.String()


@blp.route("/healthz", methods=["GET"])
@blp.response(200, HealthOut)
@blp.doc(security=[])
def healthz():
    """`db` is ok when a query answers; `redis` is ok, down, or absent (not configured)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        db_state = "ok"
    except Exception:
        db.session.rollback()
        db_state = "down"
    redis = get_redis()
    redis_state = "absent"
    if redis is not None:
        try:
            redis.ping()
            redis_state = "ok"
        except Exception:
            redis_state = "down"
    if db_state != "ok":
        return {"status": "error", "db": db_state, "redis": redis_state}, 503
    return {"status": "ok", "db": db_state, "redis": redis_state}


@blp.route("/livez", methods=["GET"])
@blp.response(200, PingOut)
@blp.doc(security=[])
def livez():
    """Liveness: the process answers (touches neither the database nor Redis); a failing
    liveness probe restarts the process, so nothing outside it may fail it."""
    return {"status": "ok"}


@lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    """The head revision(s) of migrations/ (read once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location",
                        os.path.join(os.path.dirname(current_app.root_path), "migrations"))
    return frozenset(ScriptDirectory.from_config(cfg).get_heads())


@blp.route("/readyz", methods=["GET"])
@blp.response(200, ReadyOut)
@blp.doc(security=[], responses={"503": {"description": "数据库不可达或迁移未完成"}})
def readyz():
    """Readiness: the database answers and its schema is at the migrations' head; 503
    otherwise (a load balancer then sends no traffic here). Redis is not required."""
    try:
        current = set(db.session.scalars(sa.text("SELECT version_num FROM alembic_version")))
    except Exception:  # noqa: BLE001
        db.session.rollback()
        return {"status": "error", "db": "down", "migrations": "unknown"}, 503
    if current != set(migration_heads()):
        return {"status": "error", "db": "ok", "migrations": "behind"}, 503
    return {"status": "ok", "db": "ok", "migrations": "current"}


class ClientErrorIn(Schema):
    kind = one_of(("error", "rejection"), required=True,
                  metadata={"description": "onError 或 onUnhandledRejection"})
    message = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    stack = fields.String(load_default="", validate=validate.Length(max=8000))
    page = fields.String(load_default="", validate=validate.Length(max=200),
                         metadata={"description": "页面路径，不含参数"})
    version = fields.String(load_default="", validate=validate.Length(max=32))


# What never goes into the log from a report, besides the phone numbers and tokens the log
# redaction removes anyway: query strings (ids, codes) and long digit runs (ids, codes).
QUERY = re.compile(r"\?\S*")
DIGITS = re.compile(r"\d{6,}")


def _clean(text: str, limit: int) -> str:
    return DIGITS.sub("…", text)[:limit]


def _client_error_limit() -> str:
    return current_app.config.get("CLIENT_ERROR_RATE_LIMIT", "10 per minute")


@blp.route("/api/v1/client-errors", methods=["POST"])
@blp.arguments(ClientErrorIn)
@blp.response(204)
@blp.doc(security=[])
@limiter.limit(_client_error_limit)
def client_error(data):
    """The mini-program reports an uncaught error (onError / onUnhandledRejection). Logged only,
    without who sent it or any query string, numbers cut; limited per user or address."""
    page = QUERY.sub("", data["page"])
    stack = " | ".join(line.strip() for line in data["stack"].splitlines()[:5])
    log.warning("client error kind=%s page=%s version=%s message=%s stack=%s", data["kind"],
                page or "-", data["version"] or "-", _clean(data["message"], 300),
                _clean(stack, 600) if stack else "-")


@blp.route("/ping", methods=["GET"])
@blp.response(200, PingOut)
@blp.doc(security=[])
def ping():
    """Liveness without touching the database (load balancers; the benchmarks' baseline)."""
    return {"status": "ok"}


docs_assets = FlaskBlueprint("docs_assets", __name__)


@docs_assets.route("/api/v1/docs/assets/<path:filename>")
def swagger_asset(filename):
    """Swagger UI's files from the installed package: the docs page needs no internet."""
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)
