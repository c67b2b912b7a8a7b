"""`Idempotency-Key` for write endpoints, stored in the database so that every process agrees.

A request with the header that repeats an earlier one of the same user with the same method,
path and body gets the first answer again (status and body, plus `Idempotent-Replayed: true`)
and changes nothing; the same key with another body is refused with 422
`idempotency_key_reused`. Keys live 24 hours.

How concurrent duplicates end up with exactly one effect: the key row is inserted with
`ON CONFLICT DO NOTHING` in the same transaction as the effect, and the answer is written to
it before that transaction commits. A duplicate arriving meanwhile waits on the unique index
(PostgreSQL) or the write lock (SQLite) until the first commits, then finds the stored answer.
If the first fails, its row disappears with its rollback and the duplicate runs instead.
Domain refusals (`ApiError`, such as 409 `insufficient_points`) are stored and replayed too;
malformed requests (schema errors) and server errors are not.

`@idempotent(required=True)` refuses a request without the header (422
`idempotency_key_required`, after authentication) for writes whose retry must never repeat
the effect (gifts, orders). The OpenAPI document lists the header on every such operation,
marked required where it is.

Usage, between `@blp.route` and the flask-smorest argument/response decorators::

    @blp.route("/things", methods=["POST"])
    @idempotent
    @blp.arguments(ThingIn)
    @blp.response(201, ThingOut)
    @login_required
    def create_thing(data): ...   # flushes; the write boundary commits

The decorator only marks the view (and documents the header); the write boundary
(app/web/boundary.py) claims the key, runs the view, stores the answer and commits, all in one
unit that it reruns when PostgreSQL reports a deadlock or a serialization failure.
"""
import hashlib
import json
import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Response, jsonify, make_response, request
from flask_smorest import Blueprint
from sqlalchemy.orm import Mapped, mapped_column

from app.common.timeutil import UTCDateTime, utcnow
from app.errors import ApiError, error_body
from app.extensions import current_user_id, db
from app.sql import insert_ignoring_conflict
from app.web.retry import run_with_retry

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 128
REPLAYED_HEADERS = ("Location",)


class IdempotencyKey(db.Model):
    """The first answer given to (user, key); `status_code` is NULL until it is known."""

    __tablename__ = "idempotency_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(sa.String(MAX_KEY_LENGTH))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int | None] = mapped_column(sa.Integer)
    body: Mapped[str | None] = mapped_column(sa.Text)
    headers: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (sa.UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_id"),)

    def __repr__(self):
        return f"<IdempotencyKey {self.id} user={self.user_id} status={self.status_code}>"


def _fingerprint() -> str:
    body = request.get_json(silent=True)
    raw = (json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
           if body is not None else request.get_data())
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(raw)
    return digest.hexdigest()


def _key_from_header() -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not (0 < len(key) <= MAX_KEY_LENGTH) or not key.isascii() or not key.isprintable():
        raise ApiError("validation_error", "提交的内容有误", 422,
                       {"fields": {HEADER: [f"须为 1-{MAX_KEY_LENGTH} 个可打印 ASCII 字符"]}})
    return key


def _replay(row) -> Response:
    resp = Response(row.body, status=row.status_code, mimetype="application/json")
    for name, value in json.loads(row.headers or "{}").items():
        resp.headers[name] = value
    resp.headers["Idempotent-Replayed"] = "true"
    return resp


_KEYS = IdempotencyKey.__table__
# The answer kept on the claimed row (parameters: row_id, status_code, body, headers).
_STORE_ANSWER = _KEYS.update().where(_KEYS.c.id == sa.bindparam("row_id"))


def _claim(user_id: int, key: str, fingerprint: str) -> int | Response:
    """Insert the key row (waiting for a concurrent twin), or answer from the stored one."""
    now = utcnow()
    row_id = db.session.connection().execute(
        insert_ignoring_conflict(_KEYS, ["user_id", "key"], ("id",)),
        {"user_id": user_id, "key": key, "fingerprint": fingerprint, "created_at": now,
         "expires_at": now + TTL}).scalar()
    if row_id is not None:
        return row_id
    row = db.session.execute(sa.select(
        IdempotencyKey.id, IdempotencyKey.fingerprint, IdempotencyKey.status_code,
        IdempotencyKey.body, IdempotencyKey.headers, IdempotencyKey.expires_at).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)).first()
    if row is not None and row.expires_at <= now:  # past its 24 hours: the key is free again
        db.session.execute(sa.delete(IdempotencyKey).where(
            IdempotencyKey.id == row.id, IdempotencyKey.expires_at <= now))
        return _claim(user_id, key, fingerprint)
    db.session.rollback()
    if row is None:  # purged between the two statements: run again
        return _claim(user_id, key, fingerprint)
    if row.fingerprint != fingerprint:
        raise ApiError("idempotency_key_reused", "该幂等键已用于另一个请求", 422)
    if row.status_code is None:
        raise ApiError("idempotency_key_in_progress", "相同请求正在处理中，请稍后重试", 409)
    return _replay(row)


def _store(row_id: int | None, user_id: int, key: str, fingerprint: str, resp: Response):
    headers = {h: resp.headers[h] for h in REPLAYED_HEADERS if h in resp.headers}
    values = {"status_code": resp.status_code, "body": resp.get_data(as_text=True),
              "headers": json.dumps(headers)}
    if row_id is not None:
        db.session.connection().execute(_STORE_ANSWER, {"row_id": row_id, **values})
    else:  # after a rollback: the refusal is remembered in a transaction of its own
        now = utcnow()
        db.session.execute(insert_ignoring_conflict(IdempotencyKey, ["user_id", "key"]).values(
            user_id=user_id, key=key, fingerprint=fingerprint, created_at=now,
            expires_at=now + TTL, **values))


def _run(view, args, kwargs, user_id: int | None, key: str, fingerprint: str):
    """One unit: claim the key, run the view, store its answer and commit, all together."""
    claimed = _claim(user_id, key, fingerprint)
    if isinstance(claimed, Response):
        return claimed
    try:
        resp = make_response(view(*args, **kwargs))
    except ApiError as err:
        if not err.keeps_changes:
            db.session.rollback()
            claimed = None  # the key row went with the rollback
        if err.status < 500 and err.status != 429:
            # The refusal is remembered (with what the unit did, if it keeps it) and raised.
            answer = make_response(jsonify(error_body(err.code, err.message, err.details)),
                                   err.status)
            _store(claimed, user_id, key, fingerprint, answer)
        db.session.commit()
        raise
    except BaseException:
        db.session.rollback()
        raise
    if resp.status_code >= 500:
        db.session.rollback()
        return resp
    _store(claimed, user_id, key, fingerprint, resp)
    db.session.commit()
    return resp


def run_idempotent(view, args, kwargs, spec: dict, commit_once):
    """The write boundary's unit for a view marked `@idempotent` (see the module docstring);
    `commit_once(view, args, kwargs)` is the boundary's plain unit, for calls without a key."""
    key = _key_from_header()
    if key is None and spec["required"]:
        raise ApiError("idempotency_key_required", "请携带 Idempotency-Key 请求头", 422,
                       {"fields": {HEADER: ["此操作必须携带幂等键"]}})
    user_id = current_user_id() if key is not None else None
    if key is None or user_id is None:  # no key, or anonymous (the view refuses it anyway)
        return run_with_retry(lambda: commit_once(view, args, kwargs))
    fingerprint = _fingerprint()
    return run_with_retry(
        lambda: _run(view, args, kwargs, user_id, key, fingerprint))


def idempotent(view=None, *, required: bool = False):
    """Mark a write endpoint safe to retry (see the module docstring)."""

    def decorate(fn):
        fn.idempotency = {"required": required}
        description = "重试安全：24 小时内同一用户同一键同一请求体返回首次结果"
        if required:
            description += "。必填：缺少时返回 422 idempotency_key_required"
        return Blueprint.doc(parameters=[{
            "in": "header", "name": HEADER, "required": required,
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
            "description": description,
        }])(fn)

    return decorate(view) if view is not None else decorate


def purge_expired(now: datetime | None = None) -> int:
    """Delete keys past their 24 hours; run by `flask timebank sweep-vouchers` and its job."""
    result = db.session.execute(sa.delete(IdempotencyKey).where(
        IdempotencyKey.expires_at <= (now or utcnow())))
    return result.rowcount or 0

