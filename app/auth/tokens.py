"""Signed, expiring, revocable bearer tokens.

The token is an itsdangerous signature over a random session id (jti). The session row in the
database is the source of truth: logout revokes it, and every process sees that at once.
"""
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload

from app.auth.models import AuthSession, User
from app.common.timeutil import utcnow
from app.errors import ApiError, Unauthorized
from app.extensions import db

SALT = "llt-auth-token"
ENV_KEY = "llt.auth_session"


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
    return _serializer().dumps({"sid": sess.jti})


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
    # One query: the session, its user and the user's live grants.
    sess = db.session.scalars(
        sa.select(AuthSession).where(AuthSession.jti == data["sid"])
        .options(joinedload(AuthSession.user).joinedload(User.grants))).unique().first()
    if sess is None or sess.revoked_at is not None:
        raise Unauthorized("token_revoked", "登录已失效，请重新登录")
    if sess.expires_at <= utcnow():
        raise Unauthorized("token_expired", "登录已过期，请重新登录")
    request.environ[ENV_KEY] = sess
    return sess


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
