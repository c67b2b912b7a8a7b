"""改造清单: proposals, curation, the share_of_all consultation, and reporting only what passed."""
from datetime import timedelta

import sqlalchemy as sa

from app.common.timeutil import utcnow
from app.consultations.models import Consultation
from app.renovations.models import Renovation
from tests.renovations.conftest import OWNERS


def start(world, who="staff1", expect=201):
    return world.post("/renovations", who, {"compound_id": world.compound,
                                            "title": "观湖花园2026年改造",
                                            "summary": "请大家提出需要改造的地方"},
                      expect).get_json()


def window(now=None):
    now = now or utcnow()
    return {"opens_at": (now - timedelta(minutes=1)).isoformat(),
            "closes_at": (now + timedelta(days=7)).isoformat()}


def test_without_a_self_governing_body_no_renovation_starts(world):
    from app.renovations.service import _has_self_governing_body

    refused = start(world, expect=409)
    assert refused["error"]["code"] == "no_self_governing_body"
    assert world.db_value(sa.select(sa.func.count(Renovation.id))) == 0
    with world.app.app_context():
        assert _has_self_governing_body(world.compound) is False


def test_residents_propose_staff_curate_and_the_list_goes_to_the_vote(world, governed):
    made = start(world)
    assert made["status"] == "proposing" and made["can_manage"] is True
    rid = made["id"]
    seen = world.get(f"/renovations/{rid}", "a2-1")
    assert (seen["can_propose"], seen["can_manage"]) == (True, False)
    world.post(f"/renovations/{rid}/consult", "staff1", window(), expect=409)  # empty list
    a = world.post(f"/renovations/{rid}/items", "o-101",
                   {"title": "更换单元门禁", "detail": "1栋两个单元"}, 201).get_json()
    b = world.post(f"/renovations/{rid}/items", "a2-1", {"title": "修补道路"}, 201).get_json()
    c = world.post(f"/renovations/{rid}/items", "o-201", {"title": "增设充电棚"}, 201).get_json()
    ids = [a["items"][-1]["id"], b["items"][-1]["id"], c["items"][-1]["id"]]
    # a resident sees their own proposals and what staff accepted; staff see every item
    assert [i["title"] for i in world.get(f"/renovations/{rid}", "o-101")["items"]] == \
        ["更换单元门禁"]
    assert len(world.get(f"/renovations/{rid}", "staff1")["items"]) == 3
    world.post(f"/renovations/{rid}/items/{ids[0]}/curate", "o-101",
               {"decision": "accepted"}, 403)
    for item_id, decision in zip(ids, ("accepted", "accepted", "rejected"), strict=True):
        world.post(f"/renovations/{rid}/items/{item_id}/curate", "staff1",
                   {"decision": decision, "note": "已核实"}, 200)
    seen = world.get(f"/renovations/{rid}", "o-102")["items"]
    assert [i["title"] for i in seen] == ["更换单元门禁", "修补道路"]

    put = world.post(f"/renovations/{rid}/consult", "staff1", window(), 200).get_json()
    assert put["status"] == "consulting"
    consultation = world.get(f"/consultations/{put['consultation']['id']}", "o-101")
    assert consultation["rule"] == {"kind": "share_of_all", "threshold": 0.8}
    assert consultation["scope"]["kind"] == "compound" and consultation["eligible"] == 13
    assert consultation["origin"] == "renovation"
    assert consultation["body"] == "1. 更换单元门禁：1栋两个单元\n2. 修补道路"
    # the list is frozen while it is put to the vote
    world.post(f"/renovations/{rid}/items", "o-101", {"title": "晚到的建议"}, 409)
    world.post(f"/renovations/{rid}/items/{ids[2]}/curate", "staff1",
               {"decision": "accepted"}, 409)
    world.post(f"/renovations/{rid}/consult", "staff1", window(), 409)


def vote_all(world, cid, owners, choice="agree"):
    for who, room in owners:
        world.vote(cid, who, room, choice)


def test_reported_only_if_the_consultation_passed(world, governed):
    rid = start(world)["id"]
    item = world.post(f"/renovations/{rid}/items", "o-101", {"title": "更换单元门禁"},
                      201).get_json()["items"][0]["id"]
    world.post(f"/renovations/{rid}/items/{item}/curate", "staff1", {"decision": "accepted"},
               200)
    cid = world.post(f"/renovations/{rid}/consult", "staff1", window(),
                     200).get_json()["consultation"]["id"]
    vote_all(world, cid, OWNERS)      # 10 of 13 households: 76.9 %
    refused = world.post(f"/renovations/{rid}/report", "staff1", {"note": "报街道"}, 409)
    assert refused.get_json()["error"]["code"] == "consultation_not_closed"
    assert world.close(cid)["result"] == "failed"
    refused = world.post(f"/renovations/{rid}/report", "staff1", {"note": "报街道"}, 409)
    assert refused.get_json()["error"]["code"] == "consultation_not_passed"
    assert world.get(f"/renovations/{rid}", "o-101")["consultation"]["result"] == "failed"

    # revised and put to the vote again: 10 owners and one paper ballot, 11 of 13 ≥ 80 %
    world.post(f"/renovations/{rid}/revise", "staff1", {}, 200)
    world.post(f"/renovations/{rid}/items", "o-102", {"title": "加装休息座椅"}, 201)
    again = world.post(f"/renovations/{rid}/consult", "staff1", window(), 200).get_json()
    assert again["consultation"]["id"] != cid
    cid = again["consultation"]["id"]
    world.post(f"/renovations/{rid}/revise", "staff1", {}, 409)  # not failed (still open)
    vote_all(world, cid, OWNERS)
    world.paper(cid, "105", "agree")
    assert world.close(cid)["result"] == "passed"
    photo = world.upload("staff1")
    world.post(f"/renovations/{rid}/report", "o-101", {"note": "x"}, 403)
    reported = world.post(f"/renovations/{rid}/report", "staff1",
                          {"note": "已报街道实施", "file_ids": [photo]}, 200).get_json()
    assert reported["status"] == "reported" and reported["reported_at"]
    assert [f["id"] for f in reported["files"]] == [photo]
    world.post(f"/renovations/{rid}/report", "staff1", {"note": "again"}, 409)
    # residents of the compound may see the report's photo, others not
    assert world.client.get(f"/api/v1/files/{photo}",
                            headers=world.h("o-101")).status_code == 200
    assert world.client.get(f"/api/v1/files/{photo}",
                            headers=world.h("outsider")).status_code == 404
    assert world.db_value(sa.select(sa.func.count(Consultation.id))) == 2


def test_outsiders_do_not_see_a_renovation(world, governed):
    rid = start(world)["id"]
    world.get(f"/renovations/{rid}", "outsider", expect=404)
    world.get(f"/renovations/{rid}", "staff2", expect=404)
    world.post(f"/renovations/{rid}/items", "outsider", {"title": "x"}, 404)
    world.post(f"/renovations/{rid}/items/1/curate", "staff2", {"decision": "accepted"}, 404)
    assert world.get("/renovations", "outsider")["items"] == []
    assert world.get(f"/renovations?community_id={world.c1}", "outsider")["items"] == []
    assert [r["id"] for r in world.get("/renovations", "o-101")["items"]] == [rid]
    assert [r["id"] for r in world.get(f"/renovations?compound_id={world.compound}",
                                       "staff1")["items"]] == [rid]
    assert [r["id"] for r in world.get(f"/renovations?community_id={world.c1}",
                                       "street1")["items"]] == [rid]
    world.get("/renovations/999", "o-101", expect=404)
    start(world, who="staff2", expect=403)
    start(world, who="o-101", expect=403)
