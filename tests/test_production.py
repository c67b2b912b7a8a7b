"""What production refuses to run with: the fake WeChat client (anyone could log in as any
openid, `test:demo-admin` included), a weak secret, missing WeChat credentials, demo data."""
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from config import engine_options
from tests.conftest import ROOT

STRONG = "x" * 40
REAL = {"SECRET_KEY": STRONG, "WECHAT_MODE": "real", "WECHAT_APPID": "wx0123456789",
        "WECHAT_SECRET": "s" * 32}


def test_production_refuses_the_fake_wechat_client():
    from app import create_app

    with pytest.raises(RuntimeError, match="WECHAT_MODE=real"):
        create_app("production", {**REAL, "WECHAT_MODE": "fake"})


def test_production_with_default_settings_does_not_start():
    """Only APP_ENV and a good secret set: WECHAT_MODE defaults to fake, which is refused."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "TEST_"))}
    env.update({"APP_ENV": "production", "SECRET_KEY": STRONG, "DATABASE_URL": "sqlite://"})
    proc = subprocess.run([sys.executable, "-c", "from app import create_app; create_app()"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "production needs WECHAT_MODE=real" in proc.stderr


def test_production_starts_with_real_wechat_and_credentials(app):
    from app import create_app
    from app.extensions import limiter

    try:
        prod = create_app("production", {**REAL, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                                         "REDIS_URL": None})
        assert prod.config["WECHAT_MODE"] == "real"
    finally:
        limiter.init_app(app)


@pytest.fixture
def production_app(backend, app):
    """A production app on the suite's database (real WeChat, strong secret)."""
    from app import create_app
    from app.extensions import db, limiter

    db_url, redis_url = backend
    prod = create_app("production", {**REAL, "SQLALCHEMY_DATABASE_URI": db_url,
                                     "SQLALCHEMY_ENGINE_OPTIONS": engine_options(db_url),
                                     "REDIS_URL": redis_url})
    yield prod
    with prod.app_context():
        db.engine.dispose()
    if prod.extensions.get("redis") is not None:
        prod.extensions["redis"].close()
    limiter.init_app(app)  # the limiter is one object: give it back to the suite's app


def test_seed_demo_is_refused_in_production(production_app):
    from app.auth.models import User
    from app.extensions import db

    result = production_app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refused in production" in result.output
    with production_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_seed_demo_still_runs_outside_production(app):
    from app.auth.models import User
    from app.extensions import db

    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User.id).where(User.openid == "demo-admin"))
