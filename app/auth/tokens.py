"""Signed, expiring, revocable bearer tokens.

The token is an itsdangerous signature over a random session id (jti) and the user's id. The
session row in the database is the source of truth: logout revokes it, and every process sees
that at once.

The hot path does not read it every time. Each process keeps, for `AUTH_CACHE_SECONDS`, what
it last read of a session (the session, its user and the user's live grants), stamped with the
user's revocation version in Redis. Every request asks Redis for that version (one MGET, with
the epoch of the Redis instance) and uses the kept copy only when both are unchanged.
Whatever changes a user's sessions, grants or profile bumps the version after its commit
(`_note_changes` below, on every ORM flush; `forget_user` for bulk SQL), so logout and role
revocation take effect at once in every process. Without Redis, or while it does not answer,
every request reads PostgreSQL, as before; a Redis that restarts empty has a new epoch, which
no kept copy matches.
"""
import logging
import secrets
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from redis import RedisError
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.models import AuthSession, RoleGrant, User
from app.common.timeutil import utcnow
from app.errors import ApiError, Unauthorized
from app.extensions import db, get_redis

log = logging.getLogger(__name__)
SALT = "llt-auth-token"
ENV_KEY = "llt.auth_session"
EPOCH_KEY = "llt:auth:epoch"
VERSION_KEY = "llt:auth:v:{}"
BUMPS = "llt_auth_bumps"  # session.info: users whose version is bumped after the commit
MAX_KEPT = 50_000
_kept: dict[str, tuple[float, tuple, tuple]] = {}  # jti -> (monotonic, stamp, snapshot)
_redis_quiet_until = 0.0  # after a Redis error, PostgreSQL alone for a second


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def new_session(user: User) -> AuthSession:
    """A session row for a token not yet signed (the console hands it out later, once)."""
    ttl = current_app.config["TOKEN_TTL_SECONDS"]
    sess = AuthSession(jti=secrets.token_urlsafe(24), user_id=user.id,
                       expires_at=utcnow() + timedelta(seconds=ttl))
    db.session.add(sess)
    return sess


def sign(sess: AuthSession) -> str:
    """The bearer token of a session."""
    return _serializer().dumps({"sid": sess.jti, "uid": sess.user_id})


def issue_token(user: User) -> tuple[str, int]:
    return sign(new_session(user)), current_app.config["TOKEN_TTL_SECONDS"]


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("invalid_token", "登录凭证无效，请重新登录")
    return value.strip()


def load_session() -> AuthSession | None:
    """The current request's session, verified once per request and kept in its environ
    (not on `g`, which an outer app context may share between requests)."""
    if ENV_KEY in request.environ:
        return request.environ[ENV_KEY]
    token = _bearer()
    if token is None:
        request.environ[ENV_KEY] = None
        return None
    ttl = current_app.config["TOKEN_TTL_SECONDS"]
    try:
        data = _serializer().loads(token, max_age=ttl)
    except SignatureExpired:
        raise Unauthorized("token_expired", "登录已过期，请重新登录") from None
    except BadSignature:
        raise Unauthorized("invalid_token", "登录凭证无效，请重新登录") from None
    if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
        raise Unauthorized("invalid_token", "登录凭证无效，请重新登录")
    uid = data.get("uid")
    stamp = _stamp(uid) if isinstance(uid, int) else None
    sess = _from_kept(data["sid"], stamp) if stamp is not None else None
    if sess is None:
        # One query: the session, its user and the user's live grants.
        sess = db.session.scalars(
            sa.select(AuthSession).where(AuthSession.jti == data["sid"])
            .options(joinedload(AuthSession.user).joinedload(User.grants))).unique().first()
        if sess is None or sess.revoked_at is not None or (uid is not None
                                                           and sess.user_id != uid):
            raise Unauthorized("token_revoked", "登录已失效，请重新登录")
        if stamp is not None:
            _keep(sess, stamp)
    if sess.expires_at <= utcnow():
        raise Unauthorized("token_expired", "登录已过期，请重新登录")
    request.environ[ENV_KEY] = sess
    return sess


# -- the kept copies and the revocation versions ----------------------------------------------
def _stamp(user_id: int) -> tuple | None:
    """(epoch, version) of the user in Redis, read in one round trip; None without Redis."""
    global _redis_quiet_until
    redis = get_redis()
    if redis is None or current_app.config.get("AUTH_CACHE_SECONDS", 0) <= 0 or \
            time.monotonic() < _redis_quiet_until:
        return None
    try:
        epoch, version = redis.mget(EPOCH_KEY, VERSION_KEY.format(user_id))
        if epoch is None:  # a Redis that (re)started empty: a new epoch invalidates every copy
            redis.set(EPOCH_KEY, secrets.token_hex(8), nx=True)
            epoch, version = redis.mget(EPOCH_KEY, VERSION_KEY.format(user_id))
    except RedisError:
        _redis_quiet_until = time.monotonic() + 1.0
        _kept.clear()
        return None
    return epoch, version


def _columns(obj) -> dict:
    return {c.key: getattr(obj, c.key) for c in sa.inspect(type(obj)).column_attrs}


def _keep(sess: AuthSession, stamp: tuple) -> None:
    if len(_kept) >= MAX_KEPT:
        _kept.clear()
    snapshot = (_columns(sess), _columns(sess.user), tuple(_columns(g) for g in sess.user.grants))
    _kept[sess.jti] = (time.monotonic(), stamp, snapshot)


def _detached(cls, values: dict):
    obj = cls(**values)
    make_transient_to_detached(obj)
    return db.session.merge(obj, load=False)


def _from_kept(jti: str, stamp: tuple) -> AuthSession | None:
    """The kept session, in this request's database session without a query, when its stamp
    is the current one and it is young enough."""
    entry = _kept.get(jti)
    if entry is None:
        return None
    at, kept_stamp, (sess_cols, user_cols, grant_cols) = entry
    if kept_stamp != stamp or time.monotonic() - at > current_app.config["AUTH_CACHE_SECONDS"]:
        _kept.pop(jti, None)
        return None
    user = _detached(User, user_cols)
    set_committed_value(user, "grants", [_detached(RoleGrant, g) for g in grant_cols])
    sess = _detached(AuthSession, sess_cols)
    set_committed_value(sess, "user", user)
    return sess


def forget_user(user_id: int) -> None:
    """Bump the user's version after this transaction commits: for changes made with bulk SQL,
    which the flush hook below does not see."""
    db.session.info.setdefault(BUMPS, set()).add(user_id)


@sa.event.listens_for(Session, "after_flush")
def _note_changes(session, _context) -> None:
    """A user row, one of their grants or sessions written: their kept copies are stale."""
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, User):
            session.info.setdefault(BUMPS, set()).add(obj.id)
        elif isinstance(obj, (RoleGrant, AuthSession)):
            session.info.setdefault(BUMPS, set()).add(obj.user_id)


@sa.event.listens_for(Session, "after_commit")
def _bump_versions(session) -> None:
    users = session.info.pop(BUMPS, None)
    if not users:
        return
    try:
        redis = get_redis()
    except RuntimeError:  # no app context (a script): nothing kept to invalidate here
        redis = None
    if redis is None:
        return
    ttl = max(60, 10 * int(current_app.config.get("AUTH_CACHE_SECONDS", 0)))
    try:
        pipe = redis.pipeline(transaction=False)
        for user_id in users:
            if user_id is not None:
                pipe.incr(VERSION_KEY.format(user_id))
                pipe.expire(VERSION_KEY.format(user_id), ttl)
        pipe.execute()
    except RedisError:
        # Other processes cannot read versions either while Redis is down (they read
        # PostgreSQL), and a Redis that comes back empty has a new epoch.
        _kept.clear()
        log.warning("auth versions not bumped (Redis unreachable) users=%s", sorted(users))


def revoke_current() -> None:
    sess = load_session()
    if sess is not None:
        sess.revoked_at = utcnow()


def current_identity() -> int | None:
    """The signed-in user's id, or None (no token, or one the view will refuse): the resolver
    that `create_app` registers for the rate-limit and idempotency keys."""
    try:
        sess = load_session()
    except ApiError:
        return None
    return sess.user_id if sess else None
