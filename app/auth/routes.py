"""Logout, role grants, admin grants with four eyes, and my personal information (consents,
export, cancellation). Login and `/me`, which show the user with their households, are served
by the community domain (app/community/routes.py), under this blueprint's tag."""
from flask import current_app, request
from flask_limiter.util import get_remote_address

from app.auth import admin_grants, consents, console, privacy, service
from app.auth import schemas as s
from app.auth.models import AdminGrantRequest, RoleGrant
from app.auth.permissions import login_required, require_user, roles_required
from app.extensions import limiter
from app.web.boundary import Blueprint
from app.web.pagination import page

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="登录与身份")


# -- the staff web console's login by ticket --------------------------------------------
@blp.route("/auth/console-tickets", methods=["POST"])
@limiter.limit(lambda: current_app.config["CONSOLE_TICKET_RATE_LIMIT"],
               key_func=get_remote_address)
@blp.response(201, s.ConsoleTicketOut)
def create_console_ticket():
    """A one-time login ticket for the web console, shown as a QR (`qr`). Keep `poll_secret`
    in the browser that asked: only it can collect the token. Expires unconfirmed in 2 min."""
    ticket, secret = console.create_ticket()
    return {"ticket": ticket.ticket, "qr": console.QR_PREFIX + ticket.ticket,
            "poll_secret": secret, "expires_in": console.PENDING_SECONDS}


@blp.route("/auth/console-tickets/<ticket>/confirm", methods=["POST"])
@blp.response(200, s.ConsoleConfirmOut)
@login_required
def confirm_console_ticket(ticket):
    """A signed-in staff member, street admin, organisation department member or admin confirms
    a ticket scanned from the console (in the mini-program). Once: a second confirmation is
    409 `ticket_used`; an expired ticket is 410 `ticket_expired`."""
    console.confirm(require_user(), ticket)
    return {"status": "confirmed"}


@blp.route("/auth/console-tickets/<ticket>", methods=["GET"])
@blp.response(200, s.ConsoleTicketStatusOut)
def poll_console_ticket(ticket):
    """The console polls with header `X-Poll-Secret`: `pending`, `expired`, or `confirmed` with
    the token, handed out once (then 409 `ticket_used`); another secret is 403."""
    return console.poll(ticket, request.headers.get("X-Poll-Secret"))


@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
@login_required
def logout():
    service.logout()


@blp.route("/roles/grants", methods=["POST"])
@blp.arguments(s.GrantIn)
@blp.response(201, s.GrantOut)
@roles_required("staff", "admin")
def grant_role(data):
    """Admins grant any role; staff grant volunteer, party_member and mediator in their
    community, and grid_worker (网格员, with `grid_id`) in one of its grids."""
    user_id, role = data.pop("user_id"), data.pop("role")
    grant = service.grant_if_allowed(require_user(), user_id, role, data)
    return grant


@blp.route("/roles/grants/<int:grant_id>", methods=["DELETE"])
@blp.response(200, s.GrantOut)
@roles_required("staff", "admin")
def revoke_role(grant_id):
    grant = service.revoke_role(require_user(), grant_id)
    return grant


@blp.route("/roles/grants", methods=["GET"])
@blp.arguments(s.GrantListArgs, location="query")
@blp.response(200, s.GrantPage)
@roles_required("staff", "admin")
def list_grants(args):
    """Grants and revocations (with who and when), newest first; staff see their community."""
    stmt = service.list_grants_stmt(require_user(), args.get("community_id"))
    return page(stmt, RoleGrant.id, args)


# -- admin grants with four eyes: one admin asks, another approves ---------------------
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


# -- my personal information ----------------------------------------------------------
@blp.route("/me/consents", methods=["POST"])
@blp.arguments(s.ConsentIn)
@blp.response(201, s.ConsentOut)
@login_required
def set_consent(data):
    """Grant or withdraw one consent (`location`, `phone`), recorded with its time.
    Withdrawing the phone consent erases the bound phone."""
    consent = consents.set_consent(require_user(), data["kind"], data["granted"])
    return consent


@blp.route("/me/export", methods=["GET"])
@blp.response(200, s.ExportOut)
@limiter.limit("10 per hour")
@login_required
def export_me():
    """Everything held about me, as JSON (profile with my full phone, consents, roles,
    households, points and statement, orders, volunteering, vouchers, notifications)."""
    data = privacy.export(require_user())
    return data


@blp.route("/me/cancel", methods=["POST"])
@blp.arguments(s.CancelIn)
@blp.response(204)
@login_required
def cancel_me(data):
    """Cancel my account: my personal data is erased, every session ends, my points stay
    in the ledger on an anonymous account. 409 `open_requests` while an order is open."""
    user = require_user()
    privacy.cancel_account(user, actor_id=user.id)
