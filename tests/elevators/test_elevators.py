"""加装电梯: the ledger, the stages and their guards, pledges against the budget, events."""
from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from app.common.timeutil import utcnow
from app.elevators.models import ElevatorEvent, ElevatorProject
from app.elevators.service import expected_shares, floor_of

UNIT1_OWNERS = [("o-101", "101"), ("o-102", "102"), ("o-103", "103"), ("o-104", "104")]


def ledger(world, unit="1", floors=6, building=None, who="staff1", expect=200, **extra):
    body = {"building_id": building or world.a1, "unit": unit, "floors": floors, **extra}
    return world.post("/elevator-ledger", who, body, expect).get_json()


def project(world, unit="1", building=None, expect=201, who="staff1"):
    return world.post("/elevators", who, {"building_id": building or world.a1, "unit": unit,
                                          "note": "入户调查"}, expect).get_json()


def window():
    now = utcnow()
    return {"opens_at": (now - timedelta(minutes=1)).isoformat(),
            "closes_at": (now + timedelta(days=7)).isoformat()}


def advance(world, pid, expect=200, who="staff1", **body):
    return world.post(f"/elevators/{pid}/advance", who, {"note": "推进", **body}, expect)


def to_consent(world, unit="1"):
    ledger(world, unit=unit)
    made = project(world, unit=unit)
    moved = advance(world, made["id"], consultation=window()).get_json()
    return made["id"], moved["consultation"]["id"]


def test_the_ledger_says_which_units_are_eligible(world):
    assert ledger(world)["eligible"] is True
    assert ledger(world, unit="2", floors=3)["eligible"] is False
    assert ledger(world, building=world.a2, unit="", floors=5,
                  has_elevator=True)["eligible"] is False
    corrected = ledger(world, unit="2", floors=7)          # recorded again: corrected
    assert corrected["eligible"] is True and corrected["floors"] == 7
    ledger(world, unit="9", expect=404)
    ledger(world, who="staff2", expect=403)
    ledger(world, who="o-101", expect=403)
    listed = world.get(f"/elevator-ledger?community_id={world.c1}", "o-101")["items"]
    assert [(e["unit"], e["eligible"]) for e in listed] == [("1", True), ("2", True),
                                                           ("", False)]
    only = world.get(f"/elevator-ledger?community_id={world.c1}&eligible=true", "street1")
    assert len(only["items"]) == 2
    world.get(f"/elevator-ledger?community_id={world.c1}", "outsider", expect=404)


def test_a_project_needs_an_eligible_unit_in_the_ledger_and_is_one_per_unit(world):
    refused = project(world, expect=409)
    assert refused["error"]["code"] == "not_in_ledger"
    ledger(world, unit="2", floors=3)
    assert project(world, unit="2", expect=409)["error"]["code"] == "not_eligible"
    ledger(world)
    made = project(world)
    assert (made["stage"], made["place"], made["floors"]) == ("survey", "观湖花园1栋1单元", 6)
    assert project(world, expect=409)["error"]["code"] == "project_exists"
    project(world, who="staff2", expect=403)
    project(world, who="o-101", expect=403)
    events = world.get(f"/elevators/{made['id']}/events", "o-101")["items"]
    assert [(e["from_stage"], e["to_stage"], e["note"]) for e in events] == \
        [(None, "survey", "入户调查")]


def test_consent_is_a_civil_code_278_consultation_of_the_unit(world):
    ledger(world)
    pid = project(world)["id"]
    missing = advance(world, pid, expect=422)
    assert "consultation" in missing.get_json()["error"]["details"]["fields"]
    world.set_area("105", None)   # votes by area need every area
    assert advance(world, pid, expect=409, consultation=window()).get_json()["error"][
        "code"] == "household_area_missing"
    assert world.get(f"/elevators/{pid}", "staff1")["stage"] == "survey"
    world.set_area("105", "80.00")
    moved = advance(world, pid, consultation=window()).get_json()
    assert moved["stage"] == "consent" and moved["next_stage"] == "funding"
    consultation = world.get(f"/consultations/{moved['consultation']['id']}", "o-101")
    assert consultation["rule"]["kind"] == "civil_code_278"
    assert consultation["scope"]["label"] == "观湖花园1栋1单元"
    assert consultation["eligible"] == 5 and consultation["origin"] == "elevator"


def test_consent_is_left_only_when_the_consultation_passed(world):
    pid, cid = to_consent(world)
    refused = advance(world, pid, expect=409).get_json()
    assert refused["error"]["code"] == "consent_not_passed"
    for who, room in UNIT1_OWNERS:
        world.vote(cid, who, room, "agree")
    advance(world, pid, expect=409)            # passed by the count, not yet closed
    assert world.close(cid)["result"] == "passed"
    assert advance(world, pid).get_json()["stage"] == "funding"


def test_a_failed_consultation_keeps_the_project_in_consent(world):
    pid, cid = to_consent(world, unit="2")
    for room in ("201", "202", "203"):
        world.vote(cid, f"o-{room}", room, "agree")
    world.vote(cid, "o-204", "204", "disagree")
    world.vote(cid, "o-205", "205", "disagree")    # 3 of 5 agree: < 3/4
    assert world.close(cid)["result"] == "failed"
    refused = advance(world, pid, expect=409).get_json()
    assert refused["error"] == {"code": "consent_not_passed", "message": refused["error"][
        "message"], "details": {"result": "failed"}}
    assert world.get(f"/elevators/{pid}", "o-201")["stage"] == "consent"


def to_funding(world):
    pid, cid = to_consent(world)
    for who, room in UNIT1_OWNERS:
        world.vote(cid, who, room, "agree")
    world.close(cid)
    advance(world, pid)
    return pid


def test_funding_is_left_only_when_pledges_cover_the_budget(world):
    pid = to_funding(world)
    world.post(f"/elevators/{pid}", "staff1", {}, 405)
    patch = world.client.patch(f"/api/v1/elevators/{pid}", headers=world.h("staff1"),
                               json={"budget_fen": 50_000_000, "share_weights": {"1": 1}})
    assert patch.status_code == 200, patch.get_json()
    got = patch.get_json()
    assert got["budget_fen"] == 50_000_000 and got["shortfall_fen"] == 50_000_000
    assert {h["expected_fen"] for h in got["households"]} == {10_000_000}
    refused = advance(world, pid, expect=409).get_json()
    assert refused["error"]["code"] == "pledges_short"
    assert refused["error"]["details"] == {"budget_fen": 50_000_000, "pledged_fen": 0}

    path = f"/elevators/{pid}/pledges"
    world.post(path, "fam-101", {"household_id": world.hh["101"], "amount_fen": 1}, 403)
    world.post(path, "o-101", {"household_id": world.hh["102"], "amount_fen": 1}, 403)
    world.post(path, "o-101", {"household_id": world.hh["201"], "amount_fen": 1}, 404)
    world.post(path, "outsider", {"household_id": world.hh["b:101"], "amount_fen": 1}, 404)
    world.post(path, "o-101", {"household_id": world.hh["101"], "amount_fen": -1}, 422)
    world.post(path, "o-101", {"household_id": world.hh["101"], "amount_fen": 5_000_000}, 200)
    world.post(path, "o-101", {"household_id": world.hh["101"], "amount_fen": 20_000_000}, 200)
    for room in ("102", "103", "104"):
        world.post(path, f"o-{room}", {"household_id": world.hh[room],
                                       "amount_fen": 7_000_000}, 200)
    assert world.get(f"/elevators/{pid}", "o-101")["pledged_fen"] == 41_000_000
    advance(world, pid, expect=409)
    world.post(path, "staff1", {"household_id": world.hh["105"], "amount_fen": 8_999_999},
               200)   # staff record the unbound household's pledge: one fen short
    advance(world, pid, expect=409)
    world.post(path, "staff1", {"household_id": world.hh["105"], "amount_fen": 9_000_000},
               200)
    mine = world.get(f"/elevators/{pid}", "o-101")
    assert mine["shortfall_fen"] == 0
    assert [(h["label"], h["pledged_fen"], h["expected_fen"]) for h in mine["households"]] == \
        [("观湖花园1栋1单元101室", 20_000_000, 10_000_000)]
    assert advance(world, pid).get_json()["stage"] == "procurement"
    # the budget is settled and pledges are closed from then on
    late = world.client.patch(f"/api/v1/elevators/{pid}", headers=world.h("staff1"),
                              json={"budget_fen": 60_000_000})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "budget_locked"
    world.post(path, "o-101", {"household_id": world.hh["101"], "amount_fen": 1}, 409)


def test_every_advance_is_an_event_with_files_up_to_in_service(world):
    pid = to_funding(world)
    world.client.patch(f"/api/v1/elevators/{pid}", headers=world.h("staff1"),
                       json={"budget_fen": 100, "share_weights": {"1": 1}})
    world.post(f"/elevators/{pid}/pledges", "staff1",
               {"household_id": world.hh["105"], "amount_fen": 100}, 200)
    photos = []
    for stage in ("procurement", "works", "acceptance", "in_service"):
        photo = world.upload("staff1")
        photos.append(photo)
        moved = advance(world, pid, file_ids=[photo], note=f"进入{stage}").get_json()
        assert moved["stage"] == stage
    assert advance(world, pid, expect=409).get_json()["error"]["code"] == "invalid_transition"
    advance(world, pid, who="o-101", expect=403)
    events = world.get(f"/elevators/{pid}/events", "o-201")["items"]   # same building
    assert [e["to_stage"] for e in events] == ["survey", "consent", "funding", "procurement",
                                               "works", "acceptance", "in_service"]
    assert [e["files"][0]["id"] for e in events[3:]] == photos
    assert world.client.get(events[-1]["files"][0]["url"]).status_code == 200
    assert world.client.get(f"/api/v1/files/{photos[0]}",
                            headers=world.h("a2-1")).status_code == 404
    assert world.db_value(sa.select(sa.func.count(ElevatorEvent.id))) == 7
    assert world.db_value(sa.select(ElevatorProject.stage)) == "in_service"


def test_outsiders_do_not_see_a_project(world):
    ledger(world)
    pid = project(world)["id"]
    for who in ("outsider", "a2-1", "staff2"):
        world.get(f"/elevators/{pid}", who, expect=404)
        world.get(f"/elevators/{pid}/events", who, expect=404)
    world.post(f"/elevators/{pid}/advance", "staff2", {"note": "x"}, 404)
    world.post(f"/elevators/{pid}/pledges", "outsider",
               {"household_id": world.hh["b:101"], "amount_fen": 1}, 404)
    assert world.get("/elevators", "outsider")["items"] == []
    assert world.get(f"/elevators?community_id={world.c1}", "a2-1")["items"] == []
    assert [p["id"] for p in world.get("/elevators", "o-201")["items"]] == [pid]
    assert [p["id"] for p in world.get(f"/elevators?community_id={world.c1}",
                                       "street1")["items"]] == [pid]
    assert world.get(f"/elevators/{pid}", "street1")["households"][0]["label"] == \
        "观湖花园1栋****"
    world.get("/elevators/999", "o-101", expect=404)


def test_shares_follow_the_floor_weights_and_add_up_to_the_budget():
    homes = [SimpleNamespace(id=i, room=room) for i, room in
             enumerate(("101", "201", "301", "401", "502", "602", "1203", "3"), 1)]
    assert [floor_of(h.room) for h in homes] == [1, 2, 3, 4, 5, 6, 12, None]
    rule = SimpleNamespace(budget_fen=100_001,
                           share_weights={"1": 0, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6,
                                          "12": 6})
    parts = expected_shares(rule, homes)
    assert sum(parts.values()) == 100_001
    assert parts[1] == 0 and parts[8] == 0          # ground floor, unknown floor
    assert parts[2] < parts[3] < parts[4] < parts[5] < parts[6]
    assert abs(parts[6] - parts[7]) <= 1
    assert expected_shares(SimpleNamespace(budget_fen=None, share_weights={"2": 1}),
                           homes) == {}
