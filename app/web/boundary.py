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

Services flush and never commit; CLI commands and jobs commit per batch in their own modules.
"""
import logging
import random
import re
import time
from contextvars import ContextVar
from functools import lru_cache, wraps

from flask import make_response, request
from flask_smorest import Blueprint as SmorestBlueprint
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from app.errors import ApiError
from app.extensions import db

log = logging.getLogger(__name__)

RETRIES = 5
RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ReadWrote(RuntimeError):
    """A GET view tried to write: a programming error, never a client's."""


def is_retryable(err: Exception) -> bool:
    """A deadlock or serialization failure: the transaction may simply be run again."""
    orig = getattr(err, "orig", None)
    return isinstance(err, DBAPIError) and getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES


def run_with_retry(unit):
    """Run `unit()` (a whole transaction), again after a rollback when the database asks."""
    for attempt in range(RETRIES):
        try:
            return unit()
        except DBAPIError as err:
            db.session.rollback()
            if not is_retryable(err):
                raise
            log.info("transaction retried sqlstate=%s attempt=%s", err.orig.sqlstate,
                     attempt + 1)
            time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))  # noqa: S311
    raise ApiError("busy_try_again", "系统繁忙，请稍后重试", 409)


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
        from app.web.idempotency import run_idempotent  # the key handling builds on this unit

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

    `doc_tag`: document the views under that tag, another blueprint's, instead of one named
    after this blueprint (a domain moved out of another keeps its place in the document)."""

    def __init__(self, *args, doc_tag: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.doc_tag = doc_tag

    def route(self, rule, *, parameters=None, tags=None, **options):
        if tags is None and self.doc_tag is not None:
            tags = [self.doc_tag]
        return super().route(rule, parameters=parameters, tags=tags, **options)

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None,
                     **options):
        if view_func is not None and not getattr(view_func, "boundary", False):
            view_func = boundary(view_func)
        return super().add_url_rule(rule, endpoint, view_func, provide_automatic_options,
                                    **options)

