from flask import current_app
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint

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
from app.common.pagination import page
from app.extensions import db, limiter

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="登录与身份")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@blp.route("/auth/wechat-login", methods=["POST"])
@blp.arguments(LoginIn)
@blp.response(200, LoginOut)
@limiter.limit(_login_limit, key_func=get_remote_address)
def wechat_login(data):
    """Exchange a wx.login code for a token. The fake client takes `test:<openid>` once."""
    user, token, ttl = service.login_with_wechat(data["code"])
    db.session.commit()
    return {"token": token, "expires_in": ttl, "user": user}


@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
@login_required
def logout():
    service.logout()
    db.session.commit()


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
    db.session.commit()
    return user


@blp.route("/me/phone", methods=["POST"])
@blp.arguments(PhoneIn)
@blp.response(200, MeOut)
@login_required
def bind_phone(data):
    user = service.bind_phone(require_user(), data["code"])
    db.session.commit()
    return user


@blp.route("/roles/grants", methods=["POST"])
@blp.arguments(GrantIn)
@blp.response(201, GrantOut)
@roles_required("staff", "admin")
def grant_role(data):
    """Admins grant any role; staff grant volunteer and party_member in their community."""
    user_id, role = data.pop("user_id"), data.pop("role")
    grant = service.grant_role(require_user(), user_id, role, data)
    db.session.commit()
    return grant


@blp.route("/roles/grants/<int:grant_id>", methods=["DELETE"])
@blp.response(200, GrantOut)
@roles_required("staff", "admin")
def revoke_role(grant_id):
    grant = service.revoke_role(require_user(), grant_id)
    db.session.commit()
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
