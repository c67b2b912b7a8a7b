"""What each audience sees of a request: the resident, staff, partners — masked by default."""
from app.audit.service import record
from app.auth.models import User
from app.common.masking import mask_phone
from app.common.timeutil import utcnow
from app.files import service as files
from app.orders.machine import actor_roles
from app.orders.models import ServiceRequest

# The partner member who took the task needs the address (and phone) to do the work, and
# only while doing it; the partner's other members never see them.
ASSIGNEE_SEES_ADDRESS = ("accepted", "in_service")
HELD_TEXT = "（内容审核中）"


def request_view(req: ServiceRequest, viewer: User, in_list: bool = False,
                 photos: list[dict] | None = None) -> dict:
    """One request as `viewer` may see it. Showing the resident's address and phone in full to
    anyone but the resident is an unmasking, written to the audit log in the caller's
    transaction (the caller commits). `photos`: the request's `[{id, url}]` when a list
    fetched them for the whole page."""
    roles = actor_roles(viewer, req) if not in_list else _list_roles(viewer, req)
    trusted = bool(roles & {"resident", "staff"})
    working = "assignee" in roles and req.status in ASSIGNEE_SEES_ADDRESS
    full = not in_list and (trusted or working)
    household = req.household
    resident = req.resident
    if full and "resident" not in roles:
        fields = ["address", "phone"] if resident.phone else ["address"]
        record("unmask", actor_id=viewer.id, target_type="request", target_id=req.id,
               details={"fields": fields, "as": "staff" if "staff" in roles else "assignee"})
    return {
        "id": req.id,
        "status": req.status,
        "community_id": req.community_id,
        "category": {"id": req.category.id, "code": req.category.code,
                     "name": req.category.name, "payer": req.payer,
                     "points_per_hour": req.points_per_hour,  # this request's own price
                     "photo_required": req.category.photo_required},
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
        "photos": photos if photos is not None else files.refs("request", req.id, viewer.id),
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
