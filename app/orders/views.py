"""A page of requests as JSON without marshmallow: the hottest read there is (the staff queue,
P1 of the quality bars). `line(shown)` builds exactly what `RequestOut` dumps for a line of a
list (never shown in full, so always masked); `tests/orders/test_views.py` holds the two
equal for every viewer. The route keeps `RequestPage` as its documented response, so the
OpenAPI document is unchanged.
"""
from app.common.masking import mask_phone
from app.common.timeutil import local_iso, utcnow
from app.orders.schemas import HELD_TEXT, Shown


def line(shown: Shown, now=None) -> dict:
    req, viewer = shown.row, shown.viewer
    assert viewer.listed  # noqa: S101 (a line of a list is never shown in full)
    category, household, resident, partner = req.category, req.household, req.resident, \
        req.partner
    return {
        "id": req.id,
        "status": req.status,
        "community_id": req.community_id,
        "category": {"id": category.id, "name": category.name, "code": category.code,
                     "payer": req.payer, "points_per_hour": req.points_per_hour,
                     "photo_required": category.photo_required},
        "description": req.description if req.content_ok or viewer.reads_held_text()
        else HELD_TEXT,
        "content_held": not req.content_ok,
        "household": {"id": household.id, "address": household.address_masked, "lat": None,
                      "lng": None},
        "resident": {"id": resident.id, "nickname": resident.nickname,
                     "phone": mask_phone(resident.phone)},
        "partner": {"id": partner.id, "name": partner.name} if partner is not None else None,
        "assignee_id": req.assignee_id,
        "preferred_start": local_iso(req.preferred_start),
        "preferred_end": local_iso(req.preferred_end),
        "deadline_at": local_iso(req.deadline_at),
        "overdue": bool(req.deadline_at and req.deadline_at < (now or utcnow())),
        "minutes": req.minutes,
        "rating": req.rating,
        "held_points": req.held_points,
        "points_settled": req.points_settled,
        "photos": [{"id": p["id"], "url": p["url"]} for p in shown.photos],
        "placed_by": shown.placed_by,
        "consent": _consent(shown, viewer),
        "created_at": local_iso(req.created_at),
        "updated_at": local_iso(req.updated_at),
    }


def _consent(shown: Shown, viewer) -> dict | None:
    consent = shown.consent
    if consent and not viewer.reads_consent():
        consent["note"] = None
    return consent


def page(items: list[Shown], next_cursor: str | None) -> dict:
    now = utcnow()
    return {"items": [line(s, now) for s in items], "next_cursor": next_cursor}
