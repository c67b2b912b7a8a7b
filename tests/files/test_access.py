"""Who may read a file: its uploader, and whoever may see the record it is attached to; others
get 404. Records carry `{id, url}`, the url signed for the viewer for 10 minutes."""
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import sqlalchemy as sa
import time_machine

from app.common.timeutil import utcnow
from tests.factories import image_bytes


def _read(files, url_or_id, who=None):
    url = url_or_id if isinstance(url_or_id, str) else f"/api/v1/files/{url_or_id}"
    return files.client.get(url, headers=files.h(who) if who else {})


def test_unattached_file_is_readable_by_its_uploader_only(files):
    fid = files.photo("demo-resident-1")
    assert _read(files, fid, "demo-resident-1").status_code == 200
    for stranger in ("demo-resident-2", "demo-staff-1", "demo-partner-1"):
        resp = _read(files, fid, stranger)
        assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
    assert _read(files, fid).status_code == 401  # neither a token nor a signature
    assert _read(files, 999999, "demo-resident-1").status_code == 404


def test_attached_photo_readable_by_who_sees_the_request_and_nobody_else(files):
    fid = files.photo("demo-resident-1")
    req = files.create_with([fid])
    assert [p["id"] for p in req["photos"]] == [fid]
    assert _read(files, fid, "demo-staff-1").status_code == 200   # staff of the community
    assert _read(files, fid, "demo-admin").status_code == 200
    for stranger in ("demo-resident-2", "demo-staff-2", "demo-partner-1", "demo-resident-3"):
        assert _read(files, fid, stranger).status_code == 404, stranger
    files.do(req["id"], "dispatch", "demo-staff-1", {"partner_id": files.partner_id()})
    assert _read(files, fid, "demo-partner-1").status_code == 200  # now the partner's task


def test_records_carry_signed_urls_that_work_without_a_header(files):
    fid = files.photo("demo-resident-1")
    rid = files.create_with([fid])["id"]
    detail = files.get(rid, "demo-staff-1")
    url = detail["photos"][0]["url"]
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).path == f"/api/v1/files/{fid}" and set(query) == {"exp", "u", "sig"}
    resp = _read(files, url)
    assert resp.status_code == 200 and resp.mimetype == "image/jpeg"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    mine = files.client.get("/api/v1/requests?scope=mine",
                            headers=files.h("demo-resident-1")).get_json()["items"]
    assert mine[0]["photos"][0]["id"] == fid
    assert _read(files, mine[0]["photos"][0]["url"]).status_code == 200


def _tamper(url, **changes):
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    path = changes.pop("path", parts.path)
    query.update({k: str(v) for k, v in changes.items()})
    return f"{path}?{urlencode(query)}"


def test_tampered_signed_urls_are_refused(files):
    a = files.photo("demo-resident-1")
    b = files.photo("demo-resident-1")
    rid = files.create_with([a, b])["id"]
    url = files.get(rid, "demo-staff-1")["photos"][0]["url"]
    query = parse_qs(urlsplit(url).query)
    sig, exp, user = query["sig"][0], int(query["exp"][0]), int(query["u"][0])
    flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
    for bad in (_tamper(url, sig=flipped),                       # forged signature
                _tamper(url, exp=exp + 3600),                   # longer life
                _tamper(url, u=user + 1),                       # another viewer
                _tamper(url, path=f"/api/v1/files/{b}"),        # another file
                _tamper(url, u=0)):                             # the image check's reader
        resp = _read(files, bad)
        assert resp.status_code == 403, bad
        assert resp.get_json()["error"]["code"] == "invalid_signature"
    no_sig = f"/api/v1/files/{a}?exp={exp}&u={user}"
    assert _read(files, no_sig).status_code == 401


def test_signed_url_expires_after_ten_minutes(files):
    fid = files.photo("demo-resident-1")
    rid = files.create_with([fid])["id"]
    url = files.get(rid, "demo-staff-1")["photos"][0]["url"]
    with time_machine.travel(utcnow() + timedelta(seconds=590)):
        assert _read(files, url).status_code == 200
    with time_machine.travel(utcnow() + timedelta(seconds=601)):
        resp = _read(files, url)
        assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "link_expired"


def test_signed_url_is_for_its_viewer_while_they_may_see_the_record(files, app):
    """The signature names the viewer; access is checked again for that viewer."""
    from app.auth.models import RoleGrant, User
    from app.extensions import db

    fid = files.photo("demo-resident-1")
    rid = files.create_with([fid])["id"]
    url = files.get(rid, "demo-staff-1")["photos"][0]["url"]
    assert _read(files, url).status_code == 200
    with app.app_context():
        staff = db.session.scalar(sa.select(User).where(User.openid == "demo-staff-1"))
        grant = db.session.scalar(sa.select(RoleGrant).where(RoleGrant.user_id == staff.id))
        grant.revoked_at = utcnow()
        db.session.commit()
    assert _read(files, url).status_code == 404


def test_another_users_file_id_is_422_and_nothing_is_written(files, app):
    from app.extensions import db
    from app.orders.models import ServiceRequest

    theirs = files.photo("demo-resident-2")
    mine = files.photo("demo-resident-1")
    resp = files.create_with([mine, theirs], expect=422)
    assert resp["error"]["details"]["file_ids"] == [theirs]
    assert "photo_ids" in resp["error"]["details"]["fields"]
    files.create_with([999999], expect=422)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceRequest)) == 0
    assert files.stored(mine).record_type is None and files.stored(theirs).record_type is None


def test_a_file_is_attached_once(files):
    fid = files.photo("demo-resident-1")
    files.create_with([fid])
    resp = files.create_with([fid], expect=422)
    assert resp["error"]["details"]["file_ids"] == [fid]


def test_description_may_be_empty_with_a_photo_but_not_without(files):
    fid = files.photo("demo-resident-1")
    req = files.create_with([fid], description="")
    assert req["description"] == "" and [p["id"] for p in req["photos"]] == [fid]
    resp = files.create_with([], description="  ", expect=422)
    assert "description" in resp["error"]["details"]["fields"]
    resp = files.client.post("/api/v1/requests", headers=files.keyed("demo-resident-1"), json={
        "category_id": files.category("appliance_repair"),
        "household_id": files.household("demo-resident-1")})
    assert resp.status_code == 422


def test_photo_ids_are_validated(files):
    for bad in (["1"], [1.5], "1", list(range(1, 12))):
        resp = files.client.post("/api/v1/requests", headers=files.keyed("demo-resident-1"), json={
            "category_id": files.category("appliance_repair"),
            "household_id": files.household("demo-resident-1"), "description": "x",
            "photo_ids": bad})
        assert resp.status_code == 422, bad


def test_pdf_attached_and_listed_like_a_photo(files):
    from tests.factories import pdf_bytes

    pdf = files.upload("demo-resident-1", pdf_bytes(), filename="quote.pdf")["id"]
    png = files.upload("demo-resident-1", image_bytes("PNG"), filename="x.png")["id"]
    req = files.create_with([png, pdf])
    assert [p["id"] for p in req["photos"]] == [pdf, png]  # oldest first
    assert _read(files, req["photos"][0]["url"]).mimetype == "application/pdf"
