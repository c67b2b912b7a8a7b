"""The request list is read as plain rows and written without marshmallow (app/orders/views.py):
it must be exactly what `RequestPage` dumps of the same page read as ORM requests, for every
scope and viewer, held text and photos included."""
import pytest


def _schema_page(app, headers, query):
    """The same page as the route builds it, dumped by the documented schema."""
    from app.auth.permissions import require_user
    from app.files import service as files
    from app.orders import queries, service
    from app.orders import schemas as s

    with app.test_request_context(f"/api/v1/requests?{query}", headers=headers):
        args = s.ListArgs().load(dict(__import__("flask").request.args))
        user = require_user()
        stmt = queries.scoped_stmt(user, args["scope"], args["community_id"])
        rows, cursor = queries.page(stmt, args, by_deadline=args["scope"] == "community")
        photos = files.refs_for_many("request", [r.id for r in rows], user.id)
        shown = [service.request_view(r, user, in_list=True, photos=photos.get(r.id, []))
                 for r in rows]
        return s.RequestPage().dump({"items": shown, "next_cursor": cursor})


@pytest.mark.parametrize(("who", "query"), [
    ("demo-staff-1", "scope=community&limit=50"),
    ("demo-staff-1", "scope=community&limit=2"),
    ("demo-resident-1", "scope=mine&limit=50"),
    ("demo-partner-1", "scope=assigned&limit=50"),
    ("demo-partner-1", "scope=pool&limit=50"),
    ("demo-staff-1", "scope=community&status=dispatched&limit=50"),
])
def test_the_list_is_what_the_schema_dumps(flow, app, who, query):
    for state in ("submitted", "pooled", "dispatched", "in_service", "confirmed", "cancelled"):
        flow.to_state(state)
    flow.create(description="水管漏水 [wechat-down]")  # held text
    photo = flow.client.post("/api/v1/files", headers=flow.h("demo-resident-1"), data={
        "file": (__import__("io").BytesIO(_png()), "a.png"), "purpose": "request"})
    if photo.status_code == 201:
        flow.client.post("/api/v1/requests", headers=flow.keyed("demo-resident-1"), json={
            "category_id": flow.category("appliance_repair"),
            "household_id": flow.household("demo-resident-1"), "description": "有照片",
            "photo_ids": [photo.get_json()["id"]]})
    # a proxy order (代下单) with a noted call: who placed it, and the note only for some viewers
    from tests.orders.test_proxy import _proxy
    _proxy(flow, "demo-staff-1")
    headers = flow.h(who)
    resp = flow.client.get(f"/api/v1/requests?{query}", headers=headers)
    assert resp.status_code == 200
    got = resp.get_json()
    assert got["items"], "the page is not empty, or the test proves nothing"
    want = _schema_page(app, headers, query)
    for item in got["items"] + want["items"]:  # signed photo URLs carry their own time
        for p in item["photos"]:
            p["url"] = p["url"].split("?")[0]
    assert got == want


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()
