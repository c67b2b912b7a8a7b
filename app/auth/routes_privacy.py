"""My personal information: consents, my data as JSON, cancelling my account (注销)."""
from app.auth import privacy
from app.auth import schemas as s
from app.auth.permissions import login_required, require_user
from app.auth.routes import blp
from app.extensions import limiter


@blp.route("/me/consents", methods=["POST"])
@blp.arguments(s.ConsentIn)
@blp.response(201, s.ConsentOut)
@login_required
def set_consent(data):
    """Grant or withdraw one consent (`location`, `phone`), recorded with its time.
    Withdrawing the phone consent erases the bound phone."""
    consent = privacy.set_consent(require_user(), data["kind"], data["granted"])
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
