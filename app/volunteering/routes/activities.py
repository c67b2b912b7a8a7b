"""Activities, their shifts and sign-ups (capacity, waitlist), and closing a shift.

Sign-up accepts an `Idempotency-Key` (a phone may retry it on a bad network).
"""
import sqlalchemy as sa

from app.auth.permissions import login_required, require_user, roles_required
from app.common.timeutil import utcnow
from app.volunteering import schemas as s
from app.volunteering import service
from app.volunteering.models import Activity, Signup
from app.volunteering.service import users_brief
from app.web.boundary import Blueprint
from app.web.idempotency import idempotent
from app.web.pagination import page

blp = Blueprint("activities", __name__, description="志愿活动、班次与报名")


@blp.route("/activities", methods=["GET"])
@blp.arguments(s.ActivityListArgs, location="query")
@blp.response(200, s.ActivityPage)
@login_required
def list_activities(args):
    """Activities with their shifts, newest first; `upcoming=true` keeps those with a shift
    still to end. Each shift shows the viewer's own sign-up status (`my_status`)."""
    stmt = service.activities_stmt(args["community_id"], args["upcoming"], utcnow(),
                                   require_user().id)
    return page(stmt, Activity.id, args)


@blp.route("/activities", methods=["POST"])
@blp.arguments(s.ActivityIn)
@blp.response(201, s.ActivityOut)
@roles_required("staff", "admin")
def create_activity(data):
    activity = service.create_activity(require_user(), data, utcnow())
    return activity


@blp.route("/activities/<int:activity_id>", methods=["GET"])
@blp.response(200, s.ActivityOut)
@login_required
def get_activity(activity_id):
    return service.viewed_activity(activity_id, require_user().id)


@blp.route("/activities/<int:activity_id>", methods=["PATCH"])
@blp.arguments(s.ActivityPatch)
@blp.response(200, s.ActivityOut)
@roles_required("staff", "admin")
def update_activity(data, activity_id):
    """Change an activity's title, description, team or auto-approval (only the fields sent);
    texts pass the content check as on creation."""
    service.update_activity(require_user(), activity_id, data)
    return service.viewed_activity(activity_id, require_user().id)


@blp.route("/activities/<int:activity_id>/shifts", methods=["POST"])
@blp.arguments(s.ShiftIn)
@blp.response(201, s.ShiftOut)
@roles_required("staff", "admin")
def add_shift(data, activity_id):
    shift = service.add_shift(require_user(), activity_id, data, utcnow())
    return shift


@blp.route("/shifts/<int:shift_id>", methods=["GET"])
@blp.response(200, s.ShiftOut)
@login_required
def get_shift(shift_id):
    return service.viewed_shift(shift_id, require_user().id)


@blp.route("/shifts/<int:shift_id>", methods=["PATCH"])
@blp.arguments(s.ShiftPatch)
@blp.response(200, s.ShiftOut)
@roles_required("staff", "admin")
def update_shift(data, shift_id):
    """Change a shift (only the fields sent): times under the rules of creation, place,
    capacity (never below the confirmed sign-ups: 409 `capacity_below_signups`; raising it
    confirms waitlisted volunteers in sign-up order), points per hour, roles, code."""
    service.update_shift(require_user(), shift_id, data, utcnow())
    return service.viewed_shift(shift_id, require_user().id)


@blp.route("/shifts/<int:shift_id>/signup", methods=["POST"])
@idempotent
@blp.response(201, s.SignupOut)
@blp.alt_response(200, schema=s.SignupOut, description="已报名：返回原有报名")
@login_required
def signup(shift_id):
    """Confirmed while places remain, else waitlisted (201); signing up again returns the
    same sign-up (200)."""
    row, created = service.signup(require_user(), shift_id, utcnow())
    return row, 201 if created else 200


@blp.route("/shifts/<int:shift_id>/signup", methods=["DELETE"])
@blp.response(200, s.SignupOut)
@login_required
def cancel_signup(shift_id):
    """Frees the place; the first waitlisted volunteer is promoted and notified."""
    row = service.cancel_signup(require_user(), shift_id, utcnow())
    return row


@blp.route("/shifts/<int:shift_id>/signups", methods=["GET"])
@blp.arguments(s.SignupListArgs, location="query")
@blp.response(200, s.SignupPage)
@roles_required("staff", "admin")
def list_signups(args, shift_id):
    """Sign-ups of a shift in sign-up order (the waitlist order), for its community's staff."""
    service.staff_shift(require_user(), shift_id)
    stmt = sa.select(Signup).options(*users_brief(Signup.user)).where(
        Signup.shift_id == shift_id)
    if args["status"]:
        stmt = stmt.where(Signup.status == args["status"])
    return page(stmt, Signup.id, args, newest_first=False)


@blp.route("/shifts/<int:shift_id>/close", methods=["POST"])
@blp.response(200, s.ShiftCloseOut)
@roles_required("staff", "admin")
def close_shift(shift_id):
    """Mark no-shows and unfinished check-ins once the check-out grace has passed."""
    service.staff_shift(require_user(), shift_id)
    result = service.close_shift(shift_id, utcnow())
    return result
