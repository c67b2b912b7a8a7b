"""The audit log, searchable by admins (newest first, cursor pages)."""
from app.audit import schemas as s
from app.audit import service
from app.audit.models import AuditEntry
from app.auth.permissions import roles_required
from app.web.boundary import Blueprint
from app.web.pagination import page

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="审计日志")


@blp.route("/audit-log", methods=["GET"])
@blp.arguments(s.AuditQuery, location="query")
@blp.response(200, s.AuditPage)
@roles_required("admin")
def search(args):
    """Who did what to which record, and when: filter by action, actor, target and time."""
    return page(service.search_stmt(args), AuditEntry.id, args)
