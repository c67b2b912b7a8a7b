"""Activities, shifts, sign-ups and on-site check-in. Review, teams and party routes live in
`routes_review.py` and `routes_party.py` on the same blueprint.

Writes a phone may retry on a bad network (sign-up, check-in, check-out, approval, make-up
record) accept an `Idempotency-Key`; `@idempotent` commits those, the other views commit once.
"""
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.auth.permissions import login_required, require_user, roles_required
from app.common.timeutil import utcnow
from app.extensions import limiter
from app.volunteering import attendance, codes, service
from app.volunteering import schemas as s
from app.volunteering.models import Activity, Signup
from app.web.boundary import Blueprint
from app.web.idempotency import idempotent
from app.web.pagination import page

blp = Blueprint("volunteering", __name__, url_prefix="/api/v1", description="志愿服务与党员双报到")


def users_brief(*relationships):
    """Loader options for lists that show users by nickname: joined, without their grants."""
    return [joinedload(rel).lazyload(User.grants) for rel in relationships]


def _checkin_limit() -> str:
    """Per volunteer: enough for real retries, far too few to guess a six-digit code."""
    return current_app.config.get("CHECKIN_RATE_LIMIT", "30 per minute")


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


@blp.route("/shifts/<int:shift_id>/checkin-code", methods=["GET"])
@blp.response(200, s.CheckinCodeOut)
@roles_required("staff", "admin")
def checkin_code(shift_id):
    """The code to show as a QR on site; every staff device shows the same one."""
    shift = service.staff_shift(require_user(), shift_id)
    code, expires_in = codes.current(shift.secret, utcnow())
    return {"code": code, "expires_in": expires_in, "qr": f"llt:checkin:{shift.id}:{code}"}


@blp.route("/shifts/<int:shift_id>/checkin", methods=["POST"])
@idempotent
@blp.arguments(s.OnSitePositionIn)
@blp.response(201, s.CheckinOut)
@blp.alt_response(200, schema=s.CheckinOut, description="已签到：返回首次签到")
@limiter.limit(_checkin_limit)
@login_required
def checkin(data, shift_id):
    """On site, inside the window (30 min grace) and, where asked, with the current code.
    Checking in again returns the first check-in (200)."""
    att, created = attendance.check_in(require_user(), shift_id, data["lat"], data["lng"],
                                       data["code"], utcnow())
    return att, 201 if created else 200


@blp.route("/shifts/<int:shift_id>/checkout", methods=["POST"])
@idempotent
@blp.arguments(s.OnSitePositionIn)
@blp.response(200, s.CheckoutOut)
@limiter.limit(_checkin_limit)
@login_required
def checkout(data, shift_id):
    """Minutes clipped to the shift; `pending` (or `partial`) until staff approve: the
    shift-wide code never credits on its own, whatever the activity's auto-approval."""
    return attendance.check_out(require_user(), shift_id, data["lat"], data["lng"],
                                data["code"], utcnow())


@blp.route("/shifts/<int:shift_id>/pass", methods=["GET"])
@blp.response(200, s.PassOut)
@login_required
def shift_pass(shift_id):
    """The signed-up volunteer's personal pass, shown as a QR for staff on site to scan: for
    check-in, then (once checked in) for check-out. Single-use, valid for 60 seconds."""
    body = attendance.issue_pass(require_user(), shift_id, utcnow())
    return body, 200, {"Cache-Control": "no-store"}


@blp.route("/shifts/<int:shift_id>/scan", methods=["POST"])
@idempotent
@blp.arguments(s.ScanIn)
@blp.response(200, s.ScanOut)
@roles_required("staff", "admin")
def scan_pass(data, shift_id):
    """Staff of the shift's community scan a volunteer's pass to check them in (`in`) or out
    (`out`), proven on site. A used, expired, forged or other shift's pass is refused."""
    return attendance.scan(require_user(), shift_id, data["token"], data["kind"], utcnow())


@blp.route("/shifts/<int:shift_id>/close", methods=["POST"])
@blp.response(200, s.ShiftCloseOut)
@roles_required("staff", "admin")
def close_shift(shift_id):
    """Mark no-shows and unfinished check-ins once the check-out grace has passed."""
    service.staff_shift(require_user(), shift_id)
    result = service.close_shift(shift_id, utcnow())
    return result


from app.volunteering import routes_party, routes_review  # noqa: E402, F401
