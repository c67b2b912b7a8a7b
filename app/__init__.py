"""邻里通 API: create_app() wires config, extensions, blueprints, error handlers and CLI."""
import importlib
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.auth.permissions import authenticate_first
from app.auth.tokens import current_identity
from app.cli import register as register_cli
from app.common.logging import configure_logging
from app.extensions import db, init_redis, limiter, migrate, register_identity
from app.health import blp as health_blp
from app.health import docs_assets
from app.web.api import api
from app.web.boundary import begin_read, end_read
from app.web.console import bp as console_bp
from app.web.converters import register_converters
from app.web.errors import register_error_handlers
from app.web.fastjson import OrjsonProvider
from app.web.jsonbody import check_json_body
from app.web.observe import register_observability
from config import CONFIGS

# Domain packages, lowest first. Each has models.py, and either routes.py with one blueprint
# (`blp`) or, split by resource, a routes/ package whose __init__ lists its blueprints (`blps`).
DOMAINS = ("wechat", "audit", "auth", "community", "notifications", "files", "timebank",
           "catalog", "mall", "orders", "volunteering", "party", "mediation", "evaluations",
           "feedback", "consultations", "renovations", "elevators", "organisations", "projects",
           "trust", "talents", "imports", "approvals", "stats")


class App(Flask):
    json_provider_class = OrjsonProvider  # responses written by orjson


def create_app(env: str | None = None, overrides: dict | None = None) -> Flask:
    app = App(__name__, instance_relative_config=True)
    cfg = CONFIGS[env or os.environ.get("APP_ENV", "development")]
    app.config.from_object(cfg)
    app.config.update(overrides or {})
    cfg.check(app.config)
    app.json.ensure_ascii = False  # Chinese text as itself, not \u escapes

    configure_logging()
    register_proxies(app)
    register_observability(app)  # first: the request id is on every later log and answer
    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_checks(app)
    register_error_handlers(app)
    register_cli(app, DOMAINS)
    return app


def register_proxies(app: Flask) -> None:
    """Behind `TRUSTED_PROXIES` reverse proxies, the client address (rate limits) and scheme
    come from their X-Forwarded-For / X-Forwarded-Proto; with 0 those headers are ignored."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path),
                                                     "migrations"))
    init_redis(app)
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    limiter.init_app(app)
    api.init_app(app)
    register_identity(app, current_identity)
    _import_models()


def _import_models() -> None:
    """Every table is known to the metadata (migrations, tests) without importing routes."""
    importlib.import_module("app.web.idempotency")  # the idempotency keys' table
    importlib.import_module("app.jobs")  # the job outbox
    for domain in DOMAINS:
        importlib.import_module(f"app.{domain}.models")


def register_blueprints(app: Flask) -> None:
    api.register_blueprint(health_blp)
    for domain in DOMAINS:
        module = importlib.import_module(f"app.{domain}.routes")
        for blp in getattr(module, "blps", [module.blp]):
            api.register_blueprint(blp)
    app.register_blueprint(docs_assets)
    app.register_blueprint(console_bp)


def register_request_checks(app: Flask) -> None:
    """Before any view decorator runs (after the rate limits): the route's authentication,
    then the JSON body's well-formedness; so an anonymous caller gets 401 whatever it sends."""
    app.before_request(begin_read)
    app.teardown_request(end_read)
    app.before_request(authenticate_first)
    app.before_request(check_json_body)
