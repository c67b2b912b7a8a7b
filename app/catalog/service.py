"""Categories and partners; what the request state machine asks of them.

Partners are scopes of the partner_member role: such a grant is checked here (404 when the
partner does not exist; see `auth.service.register_scope`)."""
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.auth.models import RoleGrant, User
from app.auth.permissions import is_admin, require, scope_ids
from app.auth.service import register_scope
from app.catalog.models import Partner, ServiceCategory, partner_categories, partner_communities
from app.common.timeutil import SHANGHAI, utcnow
from app.community.models import Community, Grid
from app.errors import Conflict, NotFound, Unprocessable
from app.extensions import db
from app.sql import get_or_404
from app.wechat.content import require_clean


def today() -> date:
    """Contracts run by the calendar of Asia/Shanghai."""
    return utcnow().astimezone(SHANGHAI).date()


def under_contract(partner: Partner, on: date | None = None) -> bool:
    """Active and its contract not ended (a contract without an end date runs on)."""
    on = on or today()
    return partner.active and (partner.contract_end is None or partner.contract_end >= on)


def under_contract_clause(on: date | None = None):
    return sa.and_(Partner.active.is_(True),
                   sa.or_(Partner.contract_end.is_(None), Partner.contract_end >= (on or today())))


def get_category(category_id: int, active_only: bool = False) -> ServiceCategory:
    category = db.session.get(ServiceCategory, category_id)
    if category is None or (active_only and not category.active):
        raise NotFound(message="服务类别不存在")
    return category


def get_partner(partner_id: int) -> Partner:
    return get_or_404(Partner, partner_id, "合伙人不存在")


register_scope("partner_id", get_partner)


def partners_stmt(community_id: int | None = None, category_id: int | None = None,
                  include_inactive: bool = False):
    """Partners under contract (active, contract not ended): the only ones listed in a
    community's service list, ranked as candidates, or dispatched to."""
    stmt = sa.select(Partner).options(
        selectinload(Partner.categories), selectinload(Partner.communities))
    if not include_inactive:
        stmt = stmt.where(under_contract_clause())
    if community_id is not None:
        stmt = stmt.where(Partner.id.in_(sa.select(partner_communities.c.partner_id).where(
            partner_communities.c.community_id == community_id)))
    if category_id is not None:
        stmt = stmt.where(Partner.id.in_(sa.select(partner_categories.c.partner_id).where(
            partner_categories.c.category_id == category_id)))
    return stmt


def serves(partner: Partner, category_id: int, community_id: int) -> bool:
    return (under_contract(partner) and any(c.id == category_id for c in partner.categories)
            and any(c.id == community_id for c in partner.communities))


def member_partner_ids(user: User) -> set[int]:
    return scope_ids(user, "partner_member", "partner_id")


def partner_member_ids(partner_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(RoleGrant.user_id).where(
        RoleGrant.role == "partner_member", RoleGrant.partner_id == partner_id,
        RoleGrant.revoked_at.is_(None))))


def change_open_tasks(partner_id: int, delta: int) -> None:
    """Atomic counter change in the caller's transaction."""
    db.session.execute(sa.update(Partner).where(Partner.id == partner_id)
                       .values(open_tasks=Partner.open_tasks + delta)
                       .execution_options(synchronize_session=False))


def add_rating(partner_id: int, rating: int) -> None:
    db.session.execute(sa.update(Partner).where(Partner.id == partner_id)
                       .values(rating_sum=Partner.rating_sum + rating,
                               rating_count=Partner.rating_count + 1)
                       .execution_options(synchronize_session=False))


def check_points_ceiling(points_per_hour: int | None) -> None:
    """Categories are global: their points per hour stay within `MAX_POINTS_PER_HOUR`."""
    ceiling = current_app.config["MAX_POINTS_PER_HOUR"]
    if points_per_hour is not None and points_per_hour > ceiling:
        raise Unprocessable("points_ceiling_exceeded", f"每小时积分不能超过上限{ceiling}",
                            details={"fields": {"points_per_hour": [f"不能超过{ceiling}"]},
                                     "max_points_per_hour": ceiling})


def create_category(data: dict) -> ServiceCategory:
    check_points_ceiling(data.get("points_per_hour"))
    if db.session.scalar(sa.select(ServiceCategory.id).where(
            ServiceCategory.code == data["code"])):
        raise Conflict("already_exists", "类别代码已存在")
    category = ServiceCategory(**data)
    db.session.add(category)
    db.session.flush()
    return category


def update_category(category: ServiceCategory, changes: dict) -> ServiceCategory:
    """Change only the fields given (a partial edit)."""
    check_points_ceiling(changes.get("points_per_hour"))
    if "code" in changes and changes["code"] != category.code and db.session.scalar(
            sa.select(ServiceCategory.id).where(ServiceCategory.code == changes["code"])):
        raise Conflict("already_exists", "类别代码已存在")
    for key, value in changes.items():
        setattr(category, key, value)
    return category


def create_partner(actor: User, data: dict) -> Partner:
    if db.session.scalar(sa.select(Partner.id).where(Partner.name == data["name"])):
        raise Conflict("already_exists", "合伙人名称已存在")
    _check_homes(data)
    require_clean({"name": data["name"], "description": data.get("description")},
                  actor.openid)
    category_ids = data.pop("category_ids", [])
    community_ids = data.pop("community_ids", [])
    partner = Partner(**data)
    partner.categories = _all(ServiceCategory, category_ids, "服务类别")
    partner.communities = _all(Community, community_ids, "社区")
    db.session.add(partner)
    db.session.flush()
    return partner


def _check_homes(data: dict) -> None:
    if data.get("home_community_id") is not None:
        _all(Community, [data["home_community_id"]], "社区")
    if data.get("home_grid_id") is not None:
        _all(Grid, [data["home_grid_id"]], "网格")


def update_partner(actor: User, partner: Partner, changes: dict) -> Partner:
    """An admin's partial edit: any field, `active` (deactivate or reactivate), the contract
    dates, and the lists of categories and communities (replaced when given)."""
    if "name" in changes and changes["name"] != partner.name and db.session.scalar(
            sa.select(Partner.id).where(Partner.name == changes["name"])):
        raise Conflict("already_exists", "合伙人名称已存在")
    start = changes.get("contract_start", partner.contract_start)
    end = changes.get("contract_end", partner.contract_end)
    if start and end and end < start:
        raise Unprocessable(details={"fields": {"contract_end": ["合同结束日期早于开始日期"]}})
    _check_homes(changes)
    require_clean({k: changes[k] for k in ("name", "description") if k in changes},
                  actor.openid)
    if "category_ids" in changes:
        partner.categories = _all(ServiceCategory, changes.pop("category_ids"), "服务类别")
    if "community_ids" in changes:
        partner.communities = _all(Community, changes.pop("community_ids"), "社区")
    for key, value in changes.items():
        setattr(partner, key, value)
    db.session.flush()
    return partner


def update_offer(actor: User, partner: Partner, changes: dict) -> Partner:
    """A partner's own members (or an admin) edit its offer (服务清单): the categories it
    serves and its capacity. Categories must be active. A capacity below the tasks already
    open only stops new ones."""
    require(is_admin(actor) or partner.id in member_partner_ids(actor))
    if "category_ids" in changes:
        categories = _all(ServiceCategory, changes["category_ids"], "服务类别")
        if any(not c.active for c in categories):
            raise Unprocessable(details={"fields": {"category_ids": ["含已停用的服务类别"]}})
        partner.categories = categories
    if "capacity" in changes:
        partner.capacity = changes["capacity"]
    db.session.flush()
    return partner


def _all(model, ids, what):
    rows = list(db.session.scalars(sa.select(model).where(model.id.in_(ids)))) if ids else []
    if len(rows) != len(set(ids)):
        raise NotFound(message=f"{what}不存在")
    return rows
