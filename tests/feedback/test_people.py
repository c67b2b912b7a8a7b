"""Reopen rules, "me too" and merging duplicates, anonymity, and photos: whose ids may be
attached, and who may read them."""
from datetime import timedelta

import sqlalchemy as sa

from app.common.timeutil import utcnow


# -- reopen ------------------------------------------------------------------------------------
def test_the_author_reopens_once_within_seven_days(fb):
    fid = fb.to_state("resolved")
    view = fb.view(fid, "demo-resident-1")
    assert view["reopen_until"] and "reopen" in view["actions"]
    fb.do(fid, "reopen", "demo-resident-2", {"reason": "我也觉得没修好"}, expect=403)
    reopened = fb.do(fid, "reopen", "demo-resident-1", {"reason": "没有清理干净"})
    assert reopened["status"] == "reopened" and reopened["reopen_count"] == 1
    assert reopened["clock"]["step"] == "accept"
    assert [n["kind"] for n in fb.inbox("grid-1")][0] == "feedback_reopened"
    fb.do(fid, "accept", "grid-1")
    fb.do(fid, "resolve", "grid-1", {"reply": "已彻底清理"})
    assert fb.view(fid, "demo-resident-1")["reopen_until"] is None
    events = len(fb.events(fid))
    resp = fb.post(f"/feedback/{fid}/reopen", "demo-resident-1", {"reason": "还是不行"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "already_reopened"
    assert fb.view(fid)["status"] == "resolved" and len(fb.events(fid)) == events
    assert fb.row(fid).reopen_count == 1


def test_no_reopen_after_seven_days(fb):
    fid = fb.to_state("resolved")
    fb.set(fid, resolved_at=utcnow() - timedelta(days=7, minutes=1))
    resp = fb.post(f"/feedback/{fid}/reopen", "demo-resident-1", {"reason": "又坏了"})
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "reopen_window_closed"
    row = fb.row(fid)
    assert row.status == "resolved" and row.reopen_count == 0
    # Rating is still open to the author until the job closes it.
    assert fb.do(fid, "rate", "demo-resident-1", {"score": 3})["status"] == "closed"


# -- me too and merging ------------------------------------------------------------------------
def test_neighbours_add_me_too_to_an_open_report_once(fb):
    fid = fb.create()["id"]
    listed = fb.get("/feedback", "demo-resident-2", scope="open", community_id=fb.c1)["items"]
    assert [r["id"] for r in listed] == [fid] and listed[0]["author"] is None
    supported = fb.post(f"/feedback/{fid}/support", "demo-resident-2", expect=200).get_json()
    assert supported["supporters"] == 1 and supported["supported_by_me"] is True
    resp = fb.post(f"/feedback/{fid}/support", "demo-resident-2")
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "already_supported"
    assert fb.post(f"/feedback/{fid}/support", "demo-resident-1").status_code == 409  # own
    assert fb.post(f"/feedback/{fid}/support", "demo-resident-3").status_code == 404  # elsewhere
    assert fb.post(f"/feedback/{fid}/support", "demo-partner-1").status_code == 404
    fb.post(f"/feedback/{fid}/support", "demo-volunteer-1", expect=200)  # a party member there
    assert fb.view(fid)["supporters"] == 2
    closed = fb.to_state("closed")
    resp = fb.post(f"/feedback/{closed}/support", "demo-resident-2")
    assert resp.status_code == 409 and fb.view(closed)["supporters"] == 0


def test_staff_merge_a_duplicate_keeping_its_supporters(fb):
    keep = fb.create()["id"]
    dup = fb.create("demo-resident-2", text="1栋楼道纸箱太多")["id"]
    fb.bind("neighbour-a")
    fb.bind("neighbour-b")
    fb.post(f"/feedback/{dup}/support", "neighbour-a", expect=200)
    fb.post(f"/feedback/{dup}/support", "neighbour-b", expect=200)
    fb.post(f"/feedback/{keep}/support", "neighbour-b", expect=200)  # supports both already
    fb.post(f"/feedback/{dup}/support", "demo-resident-1", expect=200)  # the kept one's author
    fb.do(dup, "merge", "grid-1", {"into_id": keep}, expect=403)  # staff only
    merged = fb.do(dup, "merge", "demo-staff-1", {"into_id": keep})
    assert merged["status"] == "merged" and merged["merged_into_id"] == keep
    kept = fb.view(keep)
    # neighbour-b once, neighbour-a, and the duplicate's author; never the kept one's author.
    assert kept["supporters"] == 3
    assert fb.view(keep, "demo-resident-2")["supported_by_me"] is True
    assert fb.events(keep)[-1]["action"] == "merge_in"
    assert fb.events(keep)[-1]["data"] == {"from_id": dup, "supporters_added": 2}
    assert [n["kind"] for n in fb.inbox("demo-resident-2")][0] == "feedback_merged"
    # A merged report is final.
    fb.do(dup, "accept", "grid-1", expect=409)


def test_merge_refuses_another_community_itself_and_a_closed_report(fb):
    fid = fb.create()["id"]
    closed = fb.to_state("closed")
    resp = fb.post(f"/feedback/{fid}/merge", "demo-staff-1", {"into_id": fid})
    assert resp.status_code == 422
    resp = fb.post(f"/feedback/{fid}/merge", "demo-staff-1", {"into_id": closed})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "merge_target_closed"
    other = fb.post("/feedback", "demo-resident-3", {
        "community_id": fb.c2, "category": "other", "text": "A栋门口积水",
        "building_id": fb.other_building}, expect=201).get_json()["id"]
    assert fb.post(f"/feedback/{fid}/merge", "demo-staff-1",
                   {"into_id": other}).status_code == 422
    assert fb.view(fid)["status"] == "open"


# -- anonymity ---------------------------------------------------------------------------------
def test_an_anonymous_author_is_hidden_from_everyone_but_admins(fb, app):
    fid = fb.create(anonymous=True)["id"]
    me = fb.user_id("demo-resident-1")
    for who in ("grid-1", "demo-staff-1", "street-1", "demo-resident-2"):
        view = fb.view(fid, who)
        assert view["author"] is None and view["anonymous"] is True, who
        assert fb.events(fid, who)[0]["actor"] == {"id": None, "role": "author"}, who
        for scope, extra in (("community", {}), ("grid", {}),
                             ("open", {"community_id": fb.c1})):
            resp = fb.client.get("/api/v1/feedback", headers=fb.h(who),
                                 query_string={"scope": scope, **extra})
            if resp.status_code == 200:
                assert all(r["author"] is None for r in resp.get_json()["items"])
    assert fb.view(fid, "demo-resident-1")["author"]["id"] == me
    assert fb.events(fid, "demo-resident-1")[0]["actor"]["id"] == me
    listed = fb.get("/feedback", "demo-admin", scope="community", community_id=fb.c1)["items"]
    assert listed[0]["author"] is None  # lists never unmask
    assert fb.view(fid, "demo-admin")["author"]["id"] == me
    from app.audit.models import AuditEntry
    from app.extensions import db

    with app.app_context():
        rows = db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == "unmask", AuditEntry.target_type == "feedback")).all()
        assert [(r.target_id, r.actor_id) for r in rows] == [(fid, fb.user_id("demo-admin"))]


def test_a_named_author_is_shown_to_handlers_never_to_neighbours(fb):
    fid = fb.create()["id"]
    me = fb.user_id("demo-resident-1")
    for who in ("grid-1", "demo-staff-1", "street-1"):
        assert fb.view(fid, who)["author"] == {"id": me, "nickname": "张阿姨"}, who
    assert fb.view(fid, "demo-resident-2")["author"] is None
    assert fb.events(fid, "demo-resident-2")[0]["actor"]["id"] is None


def test_text_held_by_the_check_is_shown_to_handlers_only(fb):
    fid = fb.create(text="[wechat-down] 1栋楼道杂物")["id"]
    assert fb.view(fid, "demo-staff-1")["content_held"] is True
    assert "杂物" in fb.view(fid, "grid-1")["text"]
    assert fb.view(fid, "demo-resident-2")["text"] == "（内容审核中）"
    assert fb.get("/feedback", "demo-resident-2", scope="open", community_id=fb.c1)["items"] == []
    resp = fb.post("/feedback", "demo-resident-1", {
        "community_id": fb.c1, "category": "other", "text": "违禁词", "building_id": fb.garden})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "content_rejected"


# -- photos ------------------------------------------------------------------------------------
def _read(fb, url, who=None):
    return fb.client.get(url if url.startswith("/") else f"/api/v1/files/{url}",
                         headers=fb.h(who) if who else {})


def test_report_and_resolution_photos_are_read_only_by_those_who_see_the_report(fb):
    mine = fb.photo("demo-resident-1")
    created = fb.create(photo_ids=[mine], where="courtyard")
    assert [p["id"] for p in created["photos"]] == [mine]
    fid = created["id"]
    for who in ("demo-staff-1", "demo-resident-2", "street-1", "demo-admin"):
        assert _read(fb, str(mine), who).status_code == 200, who
    for stranger in ("demo-resident-3", "demo-staff-2", "demo-partner-1", "grid-1"):
        assert _read(fb, str(mine), stranger).status_code == 404, stranger
    assert _read(fb, created["photos"][0]["url"]).status_code == 200  # signed for the author
    fb.do(fid, "accept", "demo-staff-1")
    proof = fb.photo("demo-staff-1")
    done = fb.do(fid, "resolve", "demo-staff-1", {"reply": "已处理", "photo_ids": [proof]})
    assert [p["id"] for p in done["resolution"]["photos"]] == [proof]
    shown = fb.view(fid, "demo-resident-1")["resolution"]["photos"]
    assert _read(fb, shown[0]["url"]).status_code == 200
    resolve = [e for e in fb.events(fid, "demo-resident-1") if e["action"] == "resolve"][0]
    assert [p["id"] for p in resolve["photos"]] == [proof]
    assert resolve["data"] == {"photo_ids": [proof]}
    assert _read(fb, str(proof), "demo-resident-2").status_code == 200
    assert _read(fb, str(proof), "demo-resident-3").status_code == 404


def test_someone_elses_photo_is_refused_and_nothing_is_written(fb):
    theirs = fb.photo("demo-resident-2")
    resp = fb.post("/feedback", "demo-resident-1", {
        "community_id": fb.c1, "category": "sanitation", "text": "楼道脏",
        "building_id": fb.garden, "photo_ids": [theirs]})
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["details"]["file_ids"] == [theirs]
    assert fb.get("/feedback", "demo-resident-1")["items"] == []
    fid = fb.to_state("accepted")
    resp = fb.post(f"/feedback/{fid}/resolve", "grid-1",
                   {"reply": "已处理", "photo_ids": [theirs]})
    assert resp.status_code == 422
    assert fb.view(fid)["status"] == "accepted"
    assert [e["action"] for e in fb.events(fid)] == ["create", "accept"]
