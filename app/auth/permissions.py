"""Authenticate in a decorator, authorize in the domain.

`@login_required` and `@roles_required("staff", "admin")` guard routes (JSON 401/403, never a
redirect). Object-level checks use `has_role(user, "staff", community_id=...)` or
`require(condition)` inside services and routes, so a staff member of one community is refused
in another; `has_street_scope(user, community.street_id)` checks a street admin. Admin passes
every role check.

Both decorators also mark the view, and `authenticate_first` (a `before_request`) applies the
same check before any of the view's decorators run: a caller without a token, or without the
role, is refused before the body or the query is validated, so validation errors never tell
an anonymous caller which fields a route takes.
"""
from functools import wraps

from flask import current_app, request

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


AUTH_MARK = "llt_auth_roles"  # () for any signed-in user, else the roles of which one is needed


def _check(roles: tuple[str, ...]) -> None:
    user = require_user()
    if roles and not any(has_role(user, r) for r in roles):
        raise Forbidden()


def login_required(fn):
    @wraps(fn)
    def wrapper(*args, **kwargs):
        _check(())
        return fn(*args, **kwargs)

    setattr(wrapper, AUTH_MARK, ())
    return wrapper


def roles_required(*roles: str):
    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            _check(roles)
            return fn(*args, **kwargs)

        setattr(wrapper, AUTH_MARK, roles)
        return wrapper

    return decorator


def required_roles(view) -> tuple[str, ...] | None:
    """The mark left by `login_required` / `roles_required` anywhere in the view's decorator
    chain (flask-smorest, webargs and the limiter wrap it further); None for a public view."""
    seen = 0
    while view is not None and seen < 32:
        roles = getattr(view, AUTH_MARK, None)
        if roles is not None:
            return roles
        view, seen = getattr(view, "__wrapped__", None), seen + 1
    return None


def authenticate_first() -> None:
    """`before_request`: run the route's own authentication before its argument parsing."""
    if request.endpoint is None or request.method == "OPTIONS":  # Flask answers OPTIONS itself
        return
    roles = required_roles(current_app.view_functions.get(request.endpoint))
    if roles is not None:
        _check(roles)
