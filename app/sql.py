"""SQL that differs by dialect, for every domain's services."""
from functools import lru_cache

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached

from app.errors import NotFound
from app.extensions import db


def insert_ignoring_conflict(target, index_elements: list[str], returning: tuple[str, ...] = ()):
    """`INSERT ... ON CONFLICT (cols) DO NOTHING` for the session's dialect (a model or a
    Core table; built once per dialect, as it sits on every write path), `RETURNING` the
    columns named in `returning`. Execute it with the row as parameters (a dict) rather than
    adding `.values(...)`: a statement built per call costs its construction and cache key
    every time."""
    return _insert_ignoring(target, tuple(index_elements), tuple(returning),
                            db.session.get_bind().dialect.name)


@lru_cache(maxsize=64)
def _insert_ignoring(target, index_elements: tuple[str, ...], returning: tuple[str, ...],
                     dialect: str):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(target).on_conflict_do_nothing(index_elements=list(index_elements))
    if returning:
        columns = target.c if hasattr(target, "c") else target.__table__.c
        stmt = stmt.returning(*(columns[name] for name in returning))
    return stmt


def get_or_404(model, ident, message: str | None = None):
    """The row of `model` with primary key `ident`, or 404 `not_found` (with `message`)."""
    row = db.session.get(model, ident)
    if row is None:
        raise NotFound(message=message) if message else NotFound()
    return row


def as_persistent(obj):
    """A row just inserted with Core, as an ORM object, without reading it back: `obj` must
    carry every column."""
    make_transient_to_detached(obj)
    db.session.add(obj)
    return obj
