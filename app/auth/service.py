"""Login, logout, phone binding and role grants. Knows nothing of HTTP, nor of what a scope
(a community, a street, a partner, a merchant) is: the domain that owns each kind of scope
registers how to check it (`register_scope`)."""
import logging
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.audit.service import record
from app.auth.consents import require_consent
from app.auth.models import ROLE_CONTEXT, ROLE_SCOPE, SEAT_ROLES, RoleGrant, User
from app.auth.permissions import has_role, is_admin
from app.auth.tokens import issue_token, revoke_current
from app.common.timeutil import utcnow
from app.errors import ApiError, Conflict, Forbidden, Unprocessable
from app.extensions import db
from app.sql import get_or_404
from app.wechat import get_client
from app.wechat.content import require_clean

log = logging.getLogger(__name__)
# Roles staff may grant inside their own community (a grid worker: in a grid of it); everything
# else needs an admin.
STAFF_GRANTABLE = {"volunteer", "party_member", "mediator", "grid_worker"}
GRANTABLE = (set(ROLE_SCOPE) - set(SEAT_ROLES)) | {"admin", "org_dept"}
# Logins by holders of these roles are written to the audit log.
AUDITED_LOGIN_ROLES = {"staff", "admin", "street_admin", "org_dept"}


def login_with_wechat(code: str, admit=None) -> tuple[User, str, int]:
    """`admit(openid)`, if given, may refuse the login once WeChat has named the account."""
    session = get_client().code2session(code)  # session_key stays in this frame
    if admit is not None:
        admit(session.openid)
    user = _get_or_create_user(session.openid, session.unionid)
    user.last_login_at = utcnow()
    token, ttl = issue_token(user)
    roles = sorted({g.role for g in user.grants} & AUDITED_LOGIN_ROLES)
    if roles:
        record("login", actor_id=user.id, target_type="user", target_id=user.id,
               details={"roles": roles})
    log.info("login user=%s", user.id)
    return user, token, ttl


def _get_or_create_user(openid: str, unionid: str | None) -> User:
    """First logins of one openid racing on several workers end with one user."""
    stmt = sa.select(User).where(User.openid == openid)
    user = db.session.scalar(stmt)
    if user is not None:
        return user
    try:
        with db.session.begin_nested():
            user = User(openid=openid, unionid=unionid, nickname="")
            db.session.add(user)
        log.info("user created id=%s", user.id)
        return user
    except IntegrityError:
        return db.session.scalar(stmt)


def logout() -> None:
    revoke_current()


def bind_phone(user: User, code: str) -> User:
    require_consent(user, "phone")  # before the single-use code is spent
    info = get_client().phone_number(code)
    user.phone = info.phone
    log.info("phone bound user=%s", user.id)
    return user


def update_profile(user: User, changes: dict) -> User:
    """Apply a (partial) profile change; text others see is checked before it is kept."""
    if "nickname" in changes:
        require_clean({"nickname": changes["nickname"]}, user.openid)
        user.nickname = changes["nickname"]
    return user


class RoleFollowsSeat(ApiError):
    status, code = 409, "role_follows_seat"
    message = "该角色随业委会、物业公司的任职自动授予和撤销，请登记或结束任职"



# scope key (community_id, street_id, partner_id, merchant_id) -> check(id), raising 404 when
# there is no such scope; registered by the domain that owns that kind of scope.
_SCOPE_CHECKS: dict[str, Callable[[int], object]] = {}
_SCOPE_COMMUNITY: dict[str, Callable[[int], int]] = {}


def register_scope(key: str, check: Callable[[int], object],
                   community_of: Callable[[int], int] | None = None) -> None:
    """Grants scoped by `key` are checked with `check(scope_id)`, which raises NotFound;
    `community_of(scope_id)` names the community of a scope inside one (a grid)."""
    _SCOPE_CHECKS[key] = check
    if community_of is not None:
        _SCOPE_COMMUNITY[key] = community_of


def _checked_scope(user_id: int, role: str, scope: dict) -> dict:
    """The scope a grant of `role` carries ({} or {its key: id}); 422 for a role that cannot
    be granted or a scope that does not fit it, 404 for an unknown user."""
    if role not in GRANTABLE:
        raise Unprocessable(details={"fields": {"role": ["该角色不可授予"]}})
    get_or_404(User, user_id, "用户不存在")
    key = ROLE_SCOPE.get(role)
    scope = {k: v for k, v in scope.items() if v is not None}
    if key and set(scope) != {key}:
        raise Unprocessable(details={"fields": {key: [f"角色 {role} 需要且只需要 {key}"]}})
    if not key and scope:
        raise Unprocessable(details={"fields": {"role": ["该角色不带范围"]}})
    if role in ROLE_CONTEXT:  # a grid worker's grant also names the grid's community
        scope[ROLE_CONTEXT[role]] = _SCOPE_COMMUNITY[key](scope[key])
    return scope


def grant_if_allowed(actor: User, user_id: int, role: str, scope: dict) -> RoleGrant:
    """`POST /roles/grants`: admins grant any role; staff grant volunteer, party_member and
    mediator in their own community."""
    if role in SEAT_ROLES:
        raise RoleFollowsSeat()
    _require_can_manage(actor, role, _checked_scope(user_id, role, scope))
    return grant_role(actor, user_id, role, scope)


def grant_role(actor: User, user_id: int, role: str, scope: dict) -> RoleGrant:
    """Grant `role` to the user within `scope` (`{}` or `{"community_id": 3}` ...), audited.

    Every role grant goes through here, except the admin role (four eyes: admin_grants). The
    caller has decided that `actor` may grant it; the scope is checked by the check its owner
    registered (404 when it does not exist). 409 when the user already holds the role there,
    or when the role follows a seat (organisations grant those with the seat)."""
    if role in SEAT_ROLES:
        raise RoleFollowsSeat()
    scope = _checked_scope(user_id, role, scope)
    if role == "admin":
        raise ApiError("admin_grant_needs_approval",
                       "授予管理员须由另一位管理员审批，请提交授予申请", status=403)
    for key, value in scope.items():
        check = _SCOPE_CHECKS.get(key)
        if check is not None:
            check(value)
    existing = db.session.scalar(sa.select(RoleGrant).where(
        RoleGrant.user_id == user_id, RoleGrant.role == role, RoleGrant.revoked_at.is_(None),
        *[getattr(RoleGrant, k) == v for k, v in scope.items()]))
    if existing:
        raise Conflict("role_already_granted", "该用户已拥有此角色")
    grant = RoleGrant(user_id=user_id, role=role, granted_by_id=actor.id, **scope)
    db.session.add(grant)
    db.session.flush()
    record_grant(actor.id, grant)
    log.info("role granted id=%s role=%s user=%s by=%s", grant.id, role, user_id, actor.id)
    return grant


def record_grant(actor_id: int | None, grant: RoleGrant, **details) -> None:
    record("role_grant", actor_id=actor_id, target_type="user", target_id=grant.user_id,
           details={"grant_id": grant.id, "role": grant.role, **grant.scope, **details})


def record_revoke(actor_id: int | None, grant: RoleGrant, **details) -> None:
    record("role_revoke", actor_id=actor_id, target_type="user", target_id=grant.user_id,
           details={"grant_id": grant.id, "role": grant.role, **grant.scope, **details})


def revoke_role(actor: User, grant_id: int) -> RoleGrant:
    grant = get_or_404(RoleGrant, grant_id)
    _require_can_manage(actor, grant.role, grant.scope)
    if grant.role in SEAT_ROLES:
        raise RoleFollowsSeat()
    if grant.revoked_at is not None:
        raise Conflict("role_already_revoked", "该角色已被撤销")
    if grant.user_id == actor.id and grant.role == "admin":
        raise ApiError("cannot_revoke_self", "不能撤销自己的管理员角色", status=409)
    grant.revoked_at = utcnow()
    grant.revoked_by_id = actor.id
    record_revoke(actor.id, grant)
    log.info("role revoked id=%s by=%s", grant.id, actor.id)
    return grant


def _require_can_manage(actor: User, role: str, scope: dict) -> None:
    if is_admin(actor):
        return
    community_id = scope.get("community_id")
    if role in STAFF_GRANTABLE and community_id and has_role(actor, "staff",
                                                             community_id=community_id):
        return
    raise Forbidden()


def list_grants_stmt(actor: User, community_id: int | None):
    stmt = sa.select(RoleGrant)
    if community_id is not None:
        stmt = stmt.where(RoleGrant.community_id == community_id)
    if not is_admin(actor) and (
            community_id is None or not has_role(actor, "staff", community_id=community_id)):
        raise Forbidden()
    return stmt


def holders(role: str, **scope) -> list[int]:
    """Ids of users holding `role` in the scope (e.g. staff of a community), for notifications."""
    stmt = sa.select(RoleGrant.user_id).where(RoleGrant.role == role,
                                              RoleGrant.revoked_at.is_(None))
    for key, value in scope.items():
        stmt = stmt.where(getattr(RoleGrant, key) == value)
    return list(db.session.scalars(stmt.distinct()))
