"""The migrations build the whole schema from empty, go down again, and match the models."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from config import engine_options


def _fresh_url(backend, tmp_path):
    url, _ = backend
    if not url.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'migrations.db'}", None
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    name = sa.engine.make_url(url).database + "_migrations"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False), \
        (admin, name)


def test_upgrade_from_empty_downgrade_and_again(backend, tmp_path):
    from app import create_app
    from app.extensions import db

    url, cleanup = _fresh_url(backend, tmp_path)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url,
                                 "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url)})
    try:
        with app.app_context():
            upgrade()
            tables = set(sa.inspect(db.engine).get_table_names())
            assert {"users", "role_grants", "communities", "households",
                    "household_bindings", "auth_sessions"} <= tables
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            assert diff == [], f"models and migrations differ: {diff}"
            downgrade(revision="base")
            assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            runner = app.test_cli_runner()
            assert runner.invoke(args=["seed-demo"]).exit_code == 0
            db.session.remove()
            db.engine.dispose()
    finally:
        if cleanup:
            admin, name = cleanup
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
