import sqlalchemy as sa

from app.auth.permissions import is_admin, login_required, require_user, roles_required
from app.catalog import schemas as s
from app.catalog import service
from app.catalog.models import Partner, ServiceCategory
from app.community.service import get_community
from app.web.boundary import Blueprint
from app.web.pagination import page

blp = Blueprint("catalog", __name__, url_prefix="/api/v1", description="服务类别与红色合伙人")


@blp.route("/categories", methods=["GET"])
@blp.arguments(s.CategoryArgs, location="query")
@blp.response(200, s.CategoryPage)
@login_required
def list_categories(args):
    stmt = sa.select(ServiceCategory).where(ServiceCategory.active.is_(True))
    return page(stmt, ServiceCategory.id, args, newest_first=False)


@blp.route("/categories", methods=["POST"])
@blp.arguments(s.CategoryIn)
@blp.response(201, s.CategoryOut)
@roles_required("admin")
def create_category(data):
    category = service.create_category(data)
    return category


@blp.route("/categories/<int:category_id>", methods=["PATCH"])
@blp.arguments(s.CategoryPatch(partial=True))
@blp.response(200, s.CategoryOut)
@roles_required("admin")
def update_category(data, category_id):
    """Change only the fields sent; the others keep their values."""
    category = service.update_category(service.get_category(category_id), data)
    return category


@blp.route("/partners", methods=["GET"])
@blp.arguments(s.PartnerListArgs, location="query")
@blp.response(200, s.PartnerPage)
@login_required
def list_partners(args):
    """Partners under contract, optionally those serving a community and/or a category;
    admins may add `include_inactive` to see deactivated and expired ones too."""
    everyone = args["include_inactive"] and is_admin(require_user())
    stmt = service.partners_stmt(args["community_id"], args["category_id"],
                                 include_inactive=everyone)
    return page(stmt, Partner.id, args, newest_first=False)


@blp.route("/partners/<int:partner_id>", methods=["GET"])
@blp.response(200, s.PartnerOut)
@login_required
def get_partner(partner_id):
    return service.get_partner(partner_id)


@blp.route("/partners", methods=["POST"])
@blp.arguments(s.PartnerIn)
@blp.response(201, s.PartnerOut)
@roles_required("admin")
def create_partner(data):
    partner = service.create_partner(require_user(), data)
    return partner


@blp.route("/partners/<int:partner_id>", methods=["PATCH"])
@blp.arguments(s.PartnerPatch(partial=True))
@blp.response(200, s.PartnerOut)
@roles_required("admin")
def update_partner(data, partner_id):
    """Edit a partner (admin): any field, `active: false` to deactivate it, `contract_end` to
    end its contract. A partner that is inactive or whose contract has ended is no longer
    listed, ranked as a candidate, dispatched to, nor offered pooled requests."""
    partner = service.update_partner(require_user(), service.get_partner(partner_id), data)
    return partner


@blp.route("/partners/<int:partner_id>/offer", methods=["PATCH"])
@blp.arguments(s.OfferPatch(partial=True))
@blp.response(200, s.PartnerOut)
@login_required
def update_offer(data, partner_id):
    """The partner's own members edit its offer (服务清单): `category_ids` it serves and its
    `capacity` (open tasks at once)."""
    partner = service.update_offer(require_user(), service.get_partner(partner_id), data)
    return partner


@blp.route("/communities/<int:community_id>/services", methods=["GET"])
@blp.arguments(s.PartnerArgs, location="query")
@blp.response(200, s.PartnerPage)
@login_required
def service_list(args, community_id):
    """The community's service list (服务清单): partners serving it and what they offer."""
    get_community(community_id)
    stmt = service.partners_stmt(community_id, args["category_id"])
    return page(stmt, Partner.id, args, newest_first=False)
