"""Configuration classes fed by environment variables.

`create_app()` picks one by `APP_ENV` (development, testing, production) and calls
`check()` so that production refuses to start with a weak secret, the fake WeChat client or
missing WeChat credentials.
"""
import json
import os
import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET = "dev-only-not-secret"  # noqa: S105 (refused in production)


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        instance = BASE_DIR / "instance"
        instance.mkdir(exist_ok=True)
        return f"sqlite:///{instance / 'linlitong.db'}"
    # psycopg 3 is the driver; accept the usual postgres:// spellings.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(url: str) -> dict:
    if url.startswith("postgresql"):
        return {
            "pool_pre_ping": True,
            # A request holds one connection on its thread: a worker needs as many as it has
            # threads (gunicorn.conf.py), plus a little for a job or a CLI command in-process.
            # 5 workers x (4 + 2) = 30 per host, not 5 x (10 + 10) = 100, PostgreSQL's whole
            # default max_connections (README, Performance).
            "pool_size": int(os.environ.get("DB_POOL_SIZE", os.environ.get("THREADS", "4"))),
            "max_overflow": int(os.environ.get("DB_MAX_OVERFLOW", "2")),
            "pool_timeout": 5,
            # Fail fast during an outage instead of hanging the worker.
            "connect_args": {"connect_timeout": 3},
        }
    # SQLite: wait for the writer instead of failing with "database is locked".
    return {"connect_args": {"timeout": 30}}


# Subscribe-message templates: what each template's data keys are filled with.
TEMPLATE_SOURCES = ("title", "body", "time")
TEMPLATE_KEY = re.compile(r"^[a-z_]+[0-9]{1,2}$")  # thing1, time2, character_string3 ...


def _templates() -> dict:
    """`WECHAT_TEMPLATES` (JSON): {kind: {"template_id": "...", "keys": {"thing1": "title",
    "thing2": "body", "time3": "time"}}}. Unset: no subscribe messages are configured."""
    raw = os.environ.get("WECHAT_TEMPLATES", "").strip()
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise RuntimeError("WECHAT_TEMPLATES must be a JSON object") from None


def check_templates(templates) -> None:
    """Refuse a template configuration the sender could not use."""
    if not isinstance(templates, dict):
        raise RuntimeError("WECHAT_TEMPLATES must be a JSON object keyed by notification kind")
    for kind, tpl in templates.items():
        where = f"WECHAT_TEMPLATES[{kind!r}]"
        if not isinstance(tpl, dict) or not isinstance(tpl.get("template_id"), str) \
                or not tpl["template_id"].strip():
            raise RuntimeError(f"{where} needs a template_id")
        keys = tpl.get("keys")
        if not isinstance(keys, dict) or not keys:
            raise RuntimeError(f"{where} needs keys, e.g. {{\"thing1\": \"title\"}}")
        for key, source in keys.items():
            if not TEMPLATE_KEY.match(str(key)) or source not in TEMPLATE_SOURCES:
                raise RuntimeError(f"{where}: key {key!r} -> {source!r}; keys look like thing1, "
                                   f"sources are {', '.join(TEMPLATE_SOURCES)}")


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = engine_options(SQLALCHEMY_DATABASE_URI)
    REDIS_URL = os.environ.get("REDIS_URL") or None
    WECHAT_MODE = os.environ.get("WECHAT_MODE", "fake")
    WECHAT_APPID = os.environ.get("WECHAT_APPID", "")
    WECHAT_SECRET = os.environ.get("WECHAT_SECRET", "")
    WECHAT_TIMEOUT = float(os.environ.get("WECHAT_TIMEOUT", "5"))
    # Message push (消息推送, JSON format): the token set in the mini-program's admin console.
    WECHAT_PUSH_TOKEN = os.environ.get("WECHAT_PUSH_TOKEN", "")
    # Where WeChat can fetch a photo for its image check, e.g. https://api.example.org
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    # Files: in the database by default; in an S3-compatible store when a bucket is named.
    FILES_S3_BUCKET = os.environ.get("FILES_S3_BUCKET", "")
    FILES_S3_ENDPOINT_URL = os.environ.get("FILES_S3_ENDPOINT_URL", "")
    FILES_S3_REGION = os.environ.get("FILES_S3_REGION", "")
    FILES_S3_ACCESS_KEY_ID = os.environ.get("FILES_S3_ACCESS_KEY_ID", "")
    FILES_S3_SECRET_ACCESS_KEY = os.environ.get("FILES_S3_SECRET_ACCESS_KEY", "")
    FILES_S3_PREFIX = os.environ.get("FILES_S3_PREFIX", "files/")
    WECHAT_TEMPLATES = _templates()
    TOKEN_TTL_SECONDS = int(os.environ.get("TOKEN_TTL_SECONDS", str(7 * 24 * 3600)))
    # How long a process keeps a checked session (with Redis only; 0: read it every time).
    AUTH_CACHE_SECONDS = int(os.environ.get("AUTH_CACHE_SECONDS", "30"))
    MAX_CONTENT_LENGTH = 64 * 1024
    # Number of reverse proxies in front of the app whose X-Forwarded-For / X-Forwarded-Proto
    # are trusted (werkzeug ProxyFix). 0: the peer address is the client.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Login: per client address (a venue's Wi-Fi or a carrier NAT puts many people behind one),
    # per WeChat account, and one ceiling for the whole deployment.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "120 per minute")
    # The web console's login tickets, per client address (each login page asks for one).
    CONSOLE_TICKET_RATE_LIMIT = os.environ.get("CONSOLE_TICKET_RATE_LIMIT", "30 per minute")
    LOGIN_OPENID_RATE_LIMIT = os.environ.get("LOGIN_OPENID_RATE_LIMIT", "10 per minute")
    LOGIN_GLOBAL_RATE_LIMIT = os.environ.get("LOGIN_GLOBAL_RATE_LIMIT", "1200 per minute")
    WRITE_RATE_LIMIT = os.environ.get("WRITE_RATE_LIMIT", "120 per minute")
    # Points per hour: the ceiling of every service category, and of what an admin may set as
    # a community's ceiling for its volunteer shifts.
    MAX_POINTS_PER_HOUR = int(os.environ.get("MAX_POINTS_PER_HOUR", "60"))
    # How far in the past a new volunteer shift may start (late entry of a shift just begun).
    SHIFT_BACKDATE_GRACE_MINUTES = int(os.environ.get("SHIFT_BACKDATE_GRACE_MINUTES", "15"))
    # Audit log: kept at least six months (184 days covers any six calendar months).
    AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "184"))
    # Accounts nobody has logged in to for this long are anonymised like a cancellation.
    INACTIVE_ACCOUNT_DAYS = int(os.environ.get("INACTIVE_ACCOUNT_DAYS", str(3 * 365)))
    UPLOAD_RATE_LIMIT = os.environ.get("UPLOAD_RATE_LIMIT", "30 per minute")
    # Check-in and check-out, per volunteer: enough for retries, too few to guess a code.
    CHECKIN_RATE_LIMIT = os.environ.get("CHECKIN_RATE_LIMIT", "30 per minute")
    # 代下单: a resident-paid proxy order the resident has not agreed to within this many hours
    # is cancelled by `flask orders escalate` (the system's `expire`).
    PROPOSAL_EXPIRY_HOURS = int(os.environ.get("PROPOSAL_EXPIRY_HOURS", "48"))
    # Mediation: an open case older than this many days is flagged overdue and listed first.
    MEDIATION_OVERDUE_DAYS = int(os.environ.get("MEDIATION_OVERDUE_DAYS", "30"))
    # Evaluations: residents' scores a target needs before it is ranked, and the weights of
    # residents, the street and the organisation department in the final list.
    EVALUATION_MIN_COUNT = int(os.environ.get("EVALUATION_MIN_COUNT", "5"))
    EVALUATION_WEIGHTS = {
        "residents": float(os.environ.get("EVALUATION_WEIGHT_RESIDENTS", "0.6")),
        "street": float(os.environ.get("EVALUATION_WEIGHT_STREET", "0.2")),
        "org_dept": float(os.environ.get("EVALUATION_WEIGHT_ORG_DEPT", "0.2")),
    }
    CLIENT_ERROR_RATE_LIMIT = os.environ.get("CLIENT_ERROR_RATE_LIMIT", "10 per minute")
    # Trust property: days the other side has to answer a household's recheck (复核).
    TRUST_RECHECK_DAYS = int(os.environ.get("TRUST_RECHECK_DAYS", "7"))
    # Figures: an Excel export whose volunteer and party-member lists hold more rows than this
    # is built in the background (202 and a job) instead of in the request.
    STATS_EXPORT_SYNC_ROWS = int(os.environ.get("STATS_EXPORT_SYNC_ROWS", "2000"))
    # Job outbox (app/jobs.py): how long a claimed job is a worker's before another may take it
    # again (a worker killed mid-job); longer than any job runs.
    JOB_LEASE_SECONDS = int(os.environ.get("JOB_LEASE_SECONDS", "600"))
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    JSON_SORT_KEYS = False

    API_TITLE = "邻里通 API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"
    API_SPEC_OPTIONS = {
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
            }
        },
        "security": [{"bearerAuth": []}],
    }

    @staticmethod
    def check(cfg) -> None:
        """Refuse configurations that must never run."""
        if cfg["WECHAT_MODE"] not in ("fake", "real"):
            raise RuntimeError("WECHAT_MODE must be 'fake' or 'real'")
        if not isinstance(cfg["TRUSTED_PROXIES"], int) or cfg["TRUSTED_PROXIES"] < 0:
            raise RuntimeError("TRUSTED_PROXIES must be a whole number, 0 or more")
        weights = cfg["EVALUATION_WEIGHTS"]
        if set(weights) != {"residents", "street", "org_dept"} or \
                any(w < 0 for w in weights.values()) or weights["residents"] <= 0:
            raise RuntimeError("EVALUATION_WEIGHTS: residents > 0, street and org_dept >= 0")
        if cfg["EVALUATION_MIN_COUNT"] < 1 or cfg["MEDIATION_OVERDUE_DAYS"] < 1:
            raise RuntimeError("EVALUATION_MIN_COUNT and MEDIATION_OVERDUE_DAYS must be >= 1")
        check_templates(cfg.get("WECHAT_TEMPLATES", {}))
        if cfg["PROPOSAL_EXPIRY_HOURS"] < 1:
            raise RuntimeError("PROPOSAL_EXPIRY_HOURS must be >= 1")
        if cfg["TRUST_RECHECK_DAYS"] < 1:
            raise RuntimeError("TRUST_RECHECK_DAYS must be >= 1")


class DevelopmentConfig(Config):
    pass


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105
    WECHAT_MODE = "fake"
    WECHAT_PUSH_TOKEN = "test-push-token"  # noqa: S105
    PUBLIC_BASE_URL = "http://testserver"
    FILES_S3_BUCKET = ""
    LOGIN_RATE_LIMIT = os.environ.get("TEST_LOGIN_RATE_LIMIT", "1000 per minute")
    LOGIN_OPENID_RATE_LIMIT = os.environ.get("TEST_LOGIN_OPENID_RATE_LIMIT", "1000 per minute")
    LOGIN_GLOBAL_RATE_LIMIT = os.environ.get("TEST_LOGIN_GLOBAL_RATE_LIMIT", "100000 per minute")
    WRITE_RATE_LIMIT = "100000 per minute"
    UPLOAD_RATE_LIMIT = "100000 per minute"


class ProductionConfig(Config):
    ENV_NAME = "production"

    @staticmethod
    def check(cfg) -> None:
        Config.check(cfg)
        secret = cfg.get("SECRET_KEY") or ""
        if secret == DEV_SECRET or len(secret) < 32:
            raise RuntimeError("production needs SECRET_KEY: at least 32 random characters")
        if cfg["WECHAT_MODE"] != "real":
            # The fake client logs anyone in as any openid (`test:demo-admin`).
            raise RuntimeError("production needs WECHAT_MODE=real")
        if not (cfg["WECHAT_APPID"] and cfg["WECHAT_SECRET"]):
            raise RuntimeError("WECHAT_MODE=real needs WECHAT_APPID and WECHAT_SECRET")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
