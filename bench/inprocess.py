"""What the in-process cost scripts share (`bench/redeem_cost.py`, `bench/list_cost.py`): their
command line, and the app on the given database, migrated, with the app's INFO logs off."""
import argparse
import logging


def arguments(doc: str, n: int, what: str) -> argparse.ArgumentParser:
    """`--db`, `--redis`, `-n` (sequential `what` to time), `--show`, `--profile`."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--redis", default=None)
    parser.add_argument("-n", type=int, default=n, help=f"sequential {what} to time")
    parser.add_argument("--show", action="store_true", help="print every statement")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also profile the timed loop (cProfile): print the N costliest "
                             "functions, by their own time")
    return parser


def migrated_app(db_url: str, redis_url: str | None, **config):
    from flask_migrate import upgrade

    from app import create_app
    from config import engine_options

    url = sa_url(db_url)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url,
                                 "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
                                 "REDIS_URL": redis_url, **config})
    logging.disable(logging.INFO)
    with app.app_context():
        upgrade()
    return app


def sa_url(url: str) -> str:
    """The SQLAlchemy spelling (psycopg 3) of a PostgreSQL URL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def dispose(app) -> None:
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
