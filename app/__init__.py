"""邻里通 API: create_app() wires config, extensions, blueprints, error handlers and CLI."""
import os

from flask import Flask

from config import CONFIGS


def create_app(env: str | None = None, overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    cfg = CONFIGS[env or os.environ.get("APP_ENV", "development")]
    app.config.from_object(cfg)
    app.config.update(overrides or {})
    cfg.check(app.config)
    app.json.ensure_ascii = False  # Chinese text as itself, not \u escapes

    register_logging(app)
    register_proxies(app)
    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_checks(app)
    register_errors(app)
    register_cli(app)
    return app


def register_logging(app: Flask) -> None:
    from app.common.logging import configure_logging

    configure_logging()


def register_proxies(app: Flask) -> None:
    """Behind `TRUSTED_PROXIES` reverse proxies, the client address (rate limits) and scheme
    come from their X-Forwarded-For / X-Forwarded-Proto; with 0 those headers are ignored."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_converters(app: Flask) -> None:
    """Ids in paths fit the database's integer: a larger number is simply not found (404)."""
    from werkzeug.routing import IntegerConverter

    class IdConverter(IntegerConverter):
        def __init__(self, map, *args, **kwargs):
            kwargs.setdefault("max", 2**31 - 1)
            super().__init__(map, *args, **kwargs)

    app.url_map.converters["int"] = IdConverter


def register_extensions(app: Flask) -> None:
    from app.extensions import api, db, init_redis, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path),
                                                     "migrations"))
    init_redis(app)
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    limiter.init_app(app)
    api.init_app(app)
    _import_models()


# Domain packages, lowest first. Each has models.py and routes.py (a flask-smorest `blp`).
DOMAINS = ("wechat", "audit", "auth", "community", "notifications", "files", "timebank",
           "catalog", "orders", "volunteering", "mediation", "evaluations", "approvals")


def _import_models() -> None:
    """Every table is known to the metadata (migrations, tests) without importing routes."""
    import importlib


    for domain in DOMAINS:
        importlib.import_module(f"app.{domain}.models")


def register_blueprints(app: Flask) -> None:
    import importlib

    from app.extensions import api
    from app.health import blp as health_blp
    from app.health import docs_assets

    api.register_blueprint(health_blp)
    for domain in DOMAINS:
        api.register_blueprint(importlib.import_module(f"app.{domain}.routes").blp)
    app.register_blueprint(docs_assets)


def register_request_checks(app: Flask) -> None:
    """Before any view decorator runs (after the rate limits): the route's authentication,
    then the JSON body's well-formedness; so an anonymous caller gets 401 whatever it sends."""
    from app.auth.permissions import authenticate_first
    from app.common.jsonbody import check_json_body

    app.before_request(authenticate_first)
    app.before_request(check_json_body)


def register_errors(app: Flask) -> None:
    from app.errors import register_error_handlers

    register_error_handlers(app)


def register_cli(app: Flask) -> None:
    from app.cli import register

    register(app)
