"""Admin grants with four eyes: one admin asks, another approves (on the auth blueprint)."""
from app.auth import admin_grants
from app.auth import schemas as s
from app.auth.models import AdminGrantRequest
from app.auth.permissions import require_user, roles_required
from app.auth.routes import blp
from app.web.pagination import page


@blp.route("/roles/admin-requests", methods=["POST"])
@blp.arguments(s.AdminRequestIn)
@blp.response(201, s.AdminRequestOut)
@roles_required("admin")
def request_admin(data):
    """Ask for a user to become admin; another admin must approve it."""
    req = admin_grants.request_admin(require_user(), data["user_id"])
    return req


@blp.route("/roles/admin-requests", methods=["GET"])
@blp.arguments(s.AdminRequestListArgs, location="query")
@blp.response(200, s.AdminRequestPage)
@roles_required("admin")
def list_admin_requests(args):
    return page(admin_grants.list_stmt(require_user(), args["status"]), AdminGrantRequest.id,
                args)


@blp.route("/roles/admin-requests/<int:request_id>/approve", methods=["POST"])
@blp.response(200, s.AdminRequestOut)
@roles_required("admin")
def approve_admin_request(request_id):
    """Neither the requester, nor the future admin, nor an admin the requester made in the
    last 30 days may approve."""
    req = admin_grants.approve(require_user(), request_id)
    return req


@blp.route("/roles/admin-requests/<int:request_id>/reject", methods=["POST"])
@blp.response(200, s.AdminRequestOut)
@roles_required("admin")
def reject_admin_request(request_id):
    req = admin_grants.reject(require_user(), request_id)
    return req
