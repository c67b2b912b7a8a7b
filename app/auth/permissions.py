"""Authenticate in a decorator, authorize in the domain.

`@login_required` and `@roles_required("staff", "admin")` guard routes (JSON 401/403, never a
redirect). Object-level checks use `has_role(user, "staff", community_id=...)` or
`require(condition)` inside services and routes, so a staff member of one community is refused
in another; `has_street_scope(user, community.street_id)` checks a street admin. Admin passes
every role check.
"""
from functools import wraps

from app.auth.models import User
from app.auth.tokens import load_session
from app.errors import Forbidden, NotFound, Unauthorized


def current_user() -> User | None:
    sess = load_session()
    return sess.user if sess else None


def require_user() -> User:
    user = current_user()
    if user is None:
        raise Unauthorized()
    return user


def has_role(user: User, role: str, **scope) -> bool:
    """True if the user holds `role` in the given scope (e.g. community_id=1), or is admin."""
    for grant in user.grants:
        if grant.role == "admin":
            return True
        if grant.role == role and all(getattr(grant, k) == v for k, v in scope.items()):
            return True
    return role == "resident" and not scope


def is_admin(user: User) -> bool:
    return any(g.role == "admin" for g in user.grants)


def scope_ids(user: User, role: str, key: str) -> set[int]:
    """The ids of the scopes (communities, partners, merchants) where the user holds `role`."""
    return {getattr(g, key) for g in user.grants if g.role == role and getattr(g, key)}


def street_ids(user: User) -> set[int]:
    """The streets where the user is street admin (街道管理员)."""
    return scope_ids(user, "street_admin", "street_id")


def has_street_scope(user: User, street_id: int) -> bool:
    """True for a street admin of `street_id`, or an admin. A street admin oversees every
    community of the street; pass `Community.street_id` to check a community."""
    return has_role(user, "street_admin", street_id=street_id)


def require(condition: bool, hide: bool = False) -> None:
    """Refuse with 403, or 404 where even the object's existence must not leak."""
    if not condition:
        raise NotFound() if hide else Forbidden()


def login_required(fn):
    @wraps(fn)
    def wrapper(*args, **kwargs):
        require_user()
        return fn(*args, **kwargs)

    return wrapper


def roles_required(*roles: str):
    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            user = require_user()
            if not any(has_role(user, r) for r in roles):
                raise Forbidden()
            return fn(*args, **kwargs)

        return wrapper

    return decorator
