import hashlib

from flask import current_app
from flask_limiter.util import get_remote_address

from app.auth import service
from app.auth.permissions import login_required, require_user, roles_required
from app.auth.schemas import (
    GrantIn,
    GrantListArgs,
    GrantOut,
    GrantPage,
    LoginIn,
    LoginOut,
    MeOut,
    PhoneIn,
    ProfileIn,
)
from app.extensions import limiter
from app.web.boundary import Blueprint
from app.web.pagination import page
from app.web.ratelimit import enforce

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="登录与身份")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _admit_openid(openid: str) -> None:
    """Per WeChat account, counted once code2session has named it: a wx.login code is new at
    every call, so a count per code would limit nothing, and the account is known only here.
    The key is a digest, so the counters hold no openid."""
    digest = hashlib.sha256(openid.encode()).hexdigest()[:32]
    enforce(current_app.config["LOGIN_OPENID_RATE_LIMIT"], "login-openid", digest)


# Login limits, in the order they are counted: per client address (LOGIN_RATE_LIMIT: every
# attempt with a readable JSON body, before validation), one ceiling for the whole deployment
# (LOGIN_GLOBAL_RATE_LIMIT: only attempts the client limit let through, so one flooding
# address cannot use it up), then per openid (LOGIN_OPENID_RATE_LIMIT).
@blp.route("/auth/wechat-login", methods=["POST"])
@limiter.limit(_login_limit, key_func=get_remote_address)
@blp.arguments(LoginIn)
@blp.response(200, LoginOut)
def wechat_login(data):
    """Exchange a wx.login code for a token. The fake client takes `test:<openid>` once."""
    enforce(current_app.config["LOGIN_GLOBAL_RATE_LIMIT"], "login-global", "all")
    user, token, ttl = service.login_with_wechat(data["code"], admit=_admit_openid)
    return {"token": token, "expires_in": ttl, "user": user}


@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
@login_required
def logout():
    service.logout()


@blp.route("/me", methods=["GET"])
@blp.response(200, MeOut)
@login_required
def me():
    return require_user()


@blp.route("/me", methods=["PATCH"])
@blp.arguments(ProfileIn(partial=True))
@blp.response(200, MeOut)
@login_required
def update_me(data):
    """Only the nickname can change here; roles, phone and openid have their own flows. Others
    see the nickname, so it goes through the content check first."""
    user = require_user()
    service.update_profile(user, data)
    return user


@blp.route("/me/phone", methods=["POST"])
@blp.arguments(PhoneIn)
@blp.response(200, MeOut)
@login_required
def bind_phone(data):
    user = service.bind_phone(require_user(), data["code"])
    return user


@blp.route("/roles/grants", methods=["POST"])
@blp.arguments(GrantIn)
@blp.response(201, GrantOut)
@roles_required("staff", "admin")
def grant_role(data):
    """Admins grant any role; staff grant volunteer, party_member and mediator in their
    community, and grid_worker (网格员, with `grid_id`) in one of its grids."""
    user_id, role = data.pop("user_id"), data.pop("role")
    grant = service.grant_role(require_user(), user_id, role, data)
    return grant


@blp.route("/roles/grants/<int:grant_id>", methods=["DELETE"])
@blp.response(200, GrantOut)
@roles_required("staff", "admin")
def revoke_role(grant_id):
    grant = service.revoke_role(require_user(), grant_id)
    return grant


@blp.route("/roles/grants", methods=["GET"])
@blp.arguments(GrantListArgs, location="query")
@blp.response(200, GrantPage)
@roles_required("staff", "admin")
def list_grants(args):
    """Grants and revocations (with who and when), newest first; staff see their community."""
    from app.auth.models import RoleGrant

    stmt = service.list_grants_stmt(require_user(), args.get("community_id"))
    return page(stmt, RoleGrant.id, args)


from app.auth import routes_privacy, routes_roles  # noqa: E402, F401  (more routes on blp)
