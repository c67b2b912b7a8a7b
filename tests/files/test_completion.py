"""Service completion takes `photo_ids` as proof; a category with `photo_required` refuses a
completion without one."""
import sqlalchemy as sa


def _require_photo(files, code="appliance_repair"):
    cat = next(c for c in files.client.get("/api/v1/categories", headers=files.h("demo-admin"))
               .get_json()["items"]
               if c["code"] == code)
    body = {k: cat[k] for k in ("code", "name", "payer", "points_per_hour")}
    resp = files.client.patch(f"/api/v1/categories/{cat['id']}", headers=files.h("demo-admin"),
                              json={**body, "photo_required": True})
    assert resp.status_code == 200 and resp.get_json()["photo_required"] is True


def test_categories_do_not_require_photos_by_default(files):
    resp = files.client.post("/api/v1/categories", headers=files.h("demo-admin"), json={
        "code": "window_cleaning", "name": "擦窗", "payer": "community", "points_per_hour": 10})
    assert resp.status_code == 201 and resp.get_json()["photo_required"] is False
    rid = files.to_state("in_service")
    files.do(rid, "complete", "demo-partner-1", {"minutes": 30})  # no photo needed


def test_completion_without_a_photo_is_refused_where_the_category_requires_one(files):
    _require_photo(files)
    rid = files.to_state("in_service")
    resp = files.do(rid, "complete", "demo-partner-1", {"minutes": 60}, expect=422)
    assert resp["error"]["code"] == "photo_required"
    assert files.get(rid)["status"] == "in_service"
    assert [e["action"] for e in files.events(rid)][-1] == "start"


def test_completion_with_photos_attaches_them_as_proof(files):
    _require_photo(files)
    rid = files.to_state("in_service")
    proof = files.photo("demo-partner-1")
    done = files.do(rid, "complete", "demo-partner-1", {"minutes": 60, "photo_ids": [proof]})
    assert done["status"] == "completed"
    assert [p["id"] for p in done["photos"]] == [proof]
    assert files.events(rid)[-1]["data"] == {"minutes": 60, "photo_ids": [proof]}
    resident_view = files.get(rid, "demo-resident-1")
    url = resident_view["photos"][0]["url"]
    assert files.client.get(url).status_code == 200                 # the resident sees the proof
    assert files.client.get(f"/api/v1/files/{proof}",
                            headers=files.h("demo-resident-2")).status_code == 404


def test_completion_with_someone_elses_photo_is_422_and_changes_nothing(files, app):
    from app.extensions import db
    from app.files.models import StoredFile

    _require_photo(files)
    rid = files.to_state("in_service")
    residents = files.photo("demo-resident-1")
    resp = files.do(rid, "complete", "demo-partner-1", {"minutes": 60,
                                                        "photo_ids": [residents]}, expect=422)
    assert resp["error"]["details"]["file_ids"] == [residents]
    assert files.get(rid)["status"] == "in_service"
    with app.app_context():
        assert db.session.scalar(sa.select(StoredFile.record_type).where(
            StoredFile.id == residents)) is None


def test_the_residents_and_the_partners_photos_are_both_on_the_request(files):
    before = files.photo("demo-resident-1")
    rid = files.create_with([before])["id"]
    files.do(rid, "dispatch", "demo-staff-1", {"partner_id": files.partner_id()})
    files.do(rid, "accept", "demo-partner-1")
    files.do(rid, "start", "demo-partner-1")
    after = files.photo("demo-partner-1")
    files.do(rid, "complete", "demo-partner-1", {"minutes": 30, "photo_ids": [after]})
    assert [p["id"] for p in files.get(rid, "demo-resident-1")["photos"]] == [before, after]
