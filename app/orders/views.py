"""A page of requests as JSON without the ORM or marshmallow: the hottest read there is (the
staff queue, P1 of the quality bars). `line(row, viewer, photos)` builds, from one row of
`queries.LINE_COLUMNS`, exactly what `RequestOut` dumps for a line of a list (never shown in
full, so always masked); `tests/orders/test_list_json.py` holds the two equal for every scope
and viewer. The route keeps `RequestPage` as its documented response, so the OpenAPI document
is unchanged.
"""
from app.common.masking import mask_phone
from app.common.timeutil import local_iso, utcnow
from app.community.models import masked_address
from app.orders.schemas import HELD_TEXT, Viewer


def line(row, viewer: Viewer, photos: list[dict], now=None) -> dict:
    assert viewer.listed  # noqa: S101 (a line of a list is never shown in full)
    return {
        "id": row.id,
        "status": row.status,
        "community_id": row.community_id,
        "category": {"id": row.category_id, "name": row.category_name,
                     "code": row.category_code, "payer": row.payer,
                     "points_per_hour": row.points_per_hour,
                     "photo_required": row.category_photo_required},
        "description": row.description if row.content_ok or viewer.reads_held_text()
        else HELD_TEXT,
        "content_held": not row.content_ok,
        "household": {"id": row.household_id,
                      "address": masked_address(row.compound_name, row.building_name),
                      "lat": None, "lng": None},
        "resident": {"id": row.resident_id, "nickname": row.resident_nickname,
                     "phone": mask_phone(row.resident_phone)},
        "partner": {"id": row.partner_id, "name": row.partner_name}
        if row.partner_id is not None else None,
        "assignee_id": row.assignee_id,
        "preferred_start": local_iso(row.preferred_start),
        "preferred_end": local_iso(row.preferred_end),
        "deadline_at": local_iso(row.deadline_at),
        "overdue": bool(row.deadline_at and row.deadline_at < (now or utcnow())),
        "minutes": row.minutes,
        "rating": row.rating,
        "held_points": row.held_points,
        "points_settled": row.points_settled,
        "photos": [{"id": p["id"], "url": p["url"]} for p in photos],
        "placed_by": {"id": row.placed_by_id, "nickname": row.placer_nickname,
                      "placed_as": row.placed_as} if row.placed_by_id is not None else None,
        "consent": {"kind": row.consent,
                    "note": row.consent_note if viewer.reads_consent() else None}
        if row.consent else None,
        "created_at": local_iso(row.created_at),
        "updated_at": local_iso(row.updated_at),
    }


def page(lines: list[tuple], next_cursor: str | None) -> dict:
    """`lines`: (row, viewer, photos) of each request, as `service.request_lines` gives them."""
    now = utcnow()
    return {"items": [line(row, viewer, photos, now) for row, viewer, photos in lines],
            "next_cursor": next_cursor}
