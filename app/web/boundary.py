"""The write boundary: every request is one unit of work, committed in exactly one place.

`Blueprint` (a flask-smorest Blueprint) wraps each view it registers:

- POST, PUT, PATCH and DELETE views run inside `write_unit()`: the view (its argument parsing,
  the service call and the serialization of the answer) runs, then the session commits once.
  Any exception rolls everything back. A PostgreSQL deadlock or serialization failure reruns
  the whole unit, a bounded number of times, before the client gets 409 `busy_try_again`.
  A view marked with `@idempotent` (app/web/idempotency.py) also claims and stores its
  `Idempotency-Key` inside the same unit.
- GET and HEAD views run inside `read_unit()`: they may not write. An INSERT, UPDATE or DELETE
  sent to the database during a read, into any table but those of models that declare
  `__written_on_read__ = True` (the audit log: who saw a full phone), raises `ReadWrote`, so
  such a bug shows up in the first test that reaches it. What a read did write (audit
  entries) is committed at its end.
- On PostgreSQL a GET or HEAD request (`begin_read`, a `before_request`, so its token check
  too) runs without a transaction until it writes or locks: each SELECT on its own, as READ
  COMMITTED gives each statement its own snapshot anyway, which saves the `BEGIN` and the
  closing `ROLLBACK`, two of a list page's round trips. Its first INSERT, UPDATE, DELETE,
  `SELECT ... FOR UPDATE/SHARE` or streamed query (a server-side cursor) opens a transaction
  first, so what a read writes or locks is one transaction, committed (or rolled back) at
  the end as before.

Services flush and never commit; CLI commands and jobs commit per batch in their own modules.
"""
import hashlib
import json
import logging
import re
from contextvars import ContextVar
from functools import lru_cache, wraps

import orjson
from flask import current_app, make_response, request
from flask_smorest import Blueprint as SmorestBlueprint
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from app.errors import ApiError
from app.extensions import db
from app.web.idempotency import run_idempotent
from app.web.retry import run_with_retry

log = logging.getLogger(__name__)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ReadWrote(RuntimeError):
    """A GET view tried to write: a programming error, never a client's."""


def _commit_once(view, args, kwargs):
    try:
        resp = make_response(view(*args, **kwargs))
    except ApiError as err:
        if err.keeps_changes:
            db.session.commit()
        else:
            db.session.rollback()
        raise
    except BaseException:
        db.session.rollback()
        raise
    if resp.status_code >= 400:
        db.session.rollback()
        return resp
    db.session.commit()
    return resp


def write_unit(view, args, kwargs):
    """One write request: the view, then one commit (see the module docstring)."""
    spec = getattr(view, "idempotency", None)
    if spec is not None:
        return run_idempotent(view, args, kwargs, spec, _commit_once)
    return run_with_retry(lambda: _commit_once(view, args, kwargs))


def read_unit(view, args, kwargs):
    """One read request: nothing but audit entries may be written (see the docstring)."""
    state = {"wrote": False}
    token = _reading.set(state)
    try:
        resp = make_response(view(*args, **kwargs))
        if state["wrote"]:
            db.session.commit()
        return resp
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _reading.reset(token)


_reading: ContextVar[dict | None] = ContextVar("llt_reading", default=None)
_WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)
_LOCK = re.compile(r"\bFOR\s+(NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b", re.IGNORECASE)
AUTOCOMMIT = {"isolation_level": "AUTOCOMMIT", "llt_read": True}  # (the mark: this rule only)
_READ_KEY = "llt.read_without_transaction"


def begin_read() -> None:
    """`before_request`: a GET or HEAD of a view in the boundary, on PostgreSQL, reads
    without a transaction (above); `end_read` gives the connection back as it was."""
    if request.method not in ("GET", "HEAD") or db.engine.dialect.name != "postgresql":
        return
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    session = db.session()
    if not getattr(view, "boundary", False) or session.in_transaction():
        return  # (an outer app context, as in tests, may hold a transaction open)
    try:
        session.connection(execution_options=AUTOCOMMIT)
    except DBAPIError:  # the database is down: the view meets it and answers (503, /healthz)
        session.rollback()
        return
    request.environ[_READ_KEY] = True


def end_read(_exc=None) -> None:
    """`teardown_request`: end the session's transaction of a read without one (nothing to
    send: PostgreSQL holds none unless the read wrote, and `read_unit` committed that)."""
    if request.environ.pop(_READ_KEY, False):
        db.session.rollback()


@event.listens_for(Engine, "before_cursor_execute")
def _transaction_before_writing(conn, cursor, statement, parameters, context, executemany):
    """In a read without a transaction, open one before the first write or lock."""
    if not conn.get_execution_options().get("llt_read"):
        return
    raw = cursor.connection
    if raw.info.transaction_status != 0:  # not idle: already in a transaction
        return
    streams = context is not None and context.execution_options.get("stream_results")
    if streams or _WRITE.match(statement) or _LOCK.search(statement):  # a server-side
        raw.execute("BEGIN")                                          # cursor needs one too


@lru_cache(maxsize=1)
def _tables_written_on_read() -> frozenset[str]:
    return frozenset(m.class_.__tablename__ for m in db.Model.registry.mappers
                     if getattr(m.class_, "__written_on_read__", False))


@event.listens_for(Engine, "before_cursor_execute")
def _refuse_writes_on_read(conn, cursor, statement, parameters, context, executemany):
    state = _reading.get()
    if state is None:
        return
    match = _WRITE.match(statement)
    if match is None:
        return
    if match.group(2) not in _tables_written_on_read():
        raise ReadWrote(f"a read wrote to {match.group(2)}")
    state["wrote"] = True


def boundary(view):
    """Wrap `view` in the unit of work its HTTP method calls for."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method in WRITE_METHODS:
            return write_unit(view, args, kwargs)
        return read_unit(view, args, kwargs)

    wrapper.boundary = True
    return wrapper


class Blueprint(SmorestBlueprint):
    """flask-smorest's Blueprint whose every view runs inside the write boundary.

    `tag`: the OpenAPI tag its operations are listed under when it is not the blueprint's own
    name (a domain's blueprint listed under another's tag); the Api then adds no tag of its own.
    """

    def __init__(self, *args, tag: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tag = tag

    @staticmethod
    def _generate_etag(etag_data, extra_data=None):
        """flask-smorest's ETag, a SHA-1 of the data as JSON with sorted keys, written by
        orjson (the standard encoder was a tenth of a list request's time)."""
        if extra_data:
            etag_data = (etag_data, extra_data)
        try:
            data = orjson.dumps(etag_data, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # what orjson does not write (huge integers, non-string keys)
            data = json.dumps(etag_data, sort_keys=True).encode()
        return hashlib.sha1(data, usedforsecurity=False).hexdigest()

    def _store_endpoint_docs(self, endpoint, obj, parameters, tags, **options):
        if tags is None and self.tag is not None:
            tags = [self.tag]
        super()._store_endpoint_docs(endpoint, obj, parameters, tags, **options)

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None,
                     **options):
        if view_func is not None and not getattr(view_func, "boundary", False):
            view_func = boundary(view_func)
        return super().add_url_rule(rule, endpoint, view_func, provide_automatic_options,
                                    **options)

