"""What each audience sees of a request: the resident, staff, partners — masked by default."""
from app.auth.models import User
from app.common.masking import mask_phone
from app.common.timeutil import utcnow
from app.orders.machine import actor_roles
from app.orders.models import ServiceRequest

# Once a partner has taken the task it needs the address (and phone) to do the work.
PARTNER_SEES_ADDRESS = ("accepted", "in_service", "completed", "confirmed", "disputed")
HELD_TEXT = "（内容审核中）"


def request_view(req: ServiceRequest, viewer: User, in_list: bool = False) -> dict:
    roles = actor_roles(viewer, req) if not in_list else _list_roles(viewer, req)
    trusted = bool(roles & {"resident", "staff"})
    partner_working = bool(roles & {"partner", "assignee"}) and req.status in PARTNER_SEES_ADDRESS
    full = not in_list and (trusted or partner_working)
    household = req.household
    resident = req.resident
    return {
        "id": req.id,
        "status": req.status,
        "community_id": req.community_id,
        "category": {"id": req.category.id, "code": req.category.code,
                     "name": req.category.name, "payer": req.category.payer,
                     "points_per_hour": req.category.points_per_hour},
        "description": req.description if (req.content_ok or trusted) else HELD_TEXT,
        "content_held": not req.content_ok,
        "household": {"id": household.id,
                      "address": household.address if full else household.address_masked,
                      # The building's entrance (GCJ-02) for navigation, with the full address.
                      "lat": household.building.lat if full else None,
                      "lng": household.building.lng if full else None},
        "resident": {"id": resident.id, "nickname": resident.nickname,
                     "phone": resident.phone if full and resident.phone else
                     mask_phone(resident.phone)},
        "partner": ({"id": req.partner.id, "name": req.partner.name}
                    if req.partner_id else None),
        "assignee_id": req.assignee_id,
        "preferred_start": req.preferred_start,
        "preferred_end": req.preferred_end,
        "deadline_at": req.deadline_at,
        "overdue": bool(req.deadline_at and req.deadline_at < utcnow()),
        "minutes": req.minutes,
        "rating": req.rating,
        "held_points": req.held_points,
        "points_settled": req.points_settled,
        "created_at": req.created_at,
        "updated_at": req.updated_at,
    }


def _list_roles(viewer: User, req: ServiceRequest) -> set[str]:
    """Roles without the pool check (lists already filter what a partner may see)."""
    from app.auth.permissions import has_role
    from app.catalog.service import member_partner_ids

    roles = set()
    if req.resident_id == viewer.id:
        roles.add("resident")
    if has_role(viewer, "staff", community_id=req.community_id):
        roles.add("staff")
    if req.partner_id and req.partner_id in member_partner_ids(viewer):
        roles.add("partner")
    return roles


def event_view(event, viewer: User, staff: bool) -> dict:
    show_note = event.note_ok or staff or event.actor_id == viewer.id
    return {
        "id": event.id, "action": event.action, "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": {"id": event.actor_id, "role": event.actor_role},
        "at": event.at,
        "note": (event.note if show_note else HELD_TEXT) if event.note else None,
        "data": event.data,
    }
