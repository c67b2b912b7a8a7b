"""`GET /healthz` and the locally served assets of the API docs page."""
import sqlalchemy as sa
import swagger_ui_bundle
from flask import Blueprint as FlaskBlueprint
from flask import send_from_directory
from marshmallow import Schema, fields

from app.extensions import db, get_redis
from app.web.boundary import Blueprint

blp = Blueprint("health", __name__, description="健康检查")


class HealthOut(Schema):
    status = fields.String()
    db = fields.String()
    redis = fields.String()


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
