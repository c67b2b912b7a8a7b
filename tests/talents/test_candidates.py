"""Choosing a compound party secretary: nomination (self or unit), the checklist of 5 positive
standards and 3 negative lists with who checked each, verification by 组织部, appointment as
a seat through organisations, and the negative-list block (409)."""
import sqlalchemy as sa

from tests.talents.conftest import ALL_MET


def _path(org, cid, step=""):
    return f"/compound-party-orgs/{org}/candidates/{cid}" + (f"/{step}" if step else "")


def test_from_the_pool_to_a_seat(world):
    org = world.party_org()
    talent = world.talent(name="张建国", user_id=world.users["r_garden"])
    cand = world.nominate(org, talent_id=talent["id"], source="unit",
                          recommended_by="古湖中学党总支")
    assert cand["status"] == "nominated" and cand["name"] == "张建国"
    assert cand["user_id"] == world.users["r_garden"] and cand["title"] == "书记"
    assert [c["item"] for c in cand["checks"]] == list(ALL_MET)
    assert all(c["result"] is None and c["checked_by"] is None for c in cand["checks"])
    done = world.checks(org, cand["id"], ALL_MET)
    for check in done["checks"]:
        assert check["checked_by"]["id"] == world.users["staff1"]
        assert check["checked_at"] is not None
    verified = world.post(_path(org, cand["id"], "verify"), "orgdept", {"note": "同意"}, 200)
    assert verified["status"] == "verified" and verified["verified_at"]
    appointed = world.post(_path(org, cand["id"], "appoint"), "orgdept", {}, 200)
    assert appointed["status"] == "appointed" and appointed["seat_id"]
    seats = world.get(f"/org-bodies/{org}/seats", "staff1")["items"]
    assert [(s["id"], s["name"], s["role"], s["title"], s["user_id"]) for s in seats] == [
        (appointed["seat_id"], "张建国", "head", "书记", world.users["r_garden"])]
    # Appointed once: a second appointment is refused and adds no seat.
    world.post(_path(org, cand["id"], "appoint"), "orgdept", {}, 409)
    assert len(world.get(f"/org-bodies/{org}/seats", "staff1")["items"]) == 1


def test_any_negative_item_blocks_the_appointment(world):
    from app.organisations.models import OrgSeat

    org = world.party_org()
    cid = world.nominate(org, user_id=world.users["r_garden2"], name="刘明")["id"]
    # With a negative item, 组织部 cannot verify ...
    world.checks(org, cid, {**ALL_MET, "criminal_record": "hit"})
    refused = world.post(_path(org, cid, "verify"), "orgdept", {}, 409)
    assert refused["error"]["code"] == "negative_list"
    assert refused["error"]["details"]["items"] == ["criminal_record"]
    # ... nor can anyone appoint, whatever the status.
    refused = world.post(_path(org, cid, "appoint"), "orgdept", {}, 409)
    assert refused["error"]["code"] == "negative_list"
    # Cleared, verified; then a new finding is recorded before the appointment: blocked.
    world.checks(org, cid, {"criminal_record": "clear"})
    assert world.post(_path(org, cid, "verify"), "orgdept", {}, 200)["status"] == "verified"
    after = world.checks(org, cid, {"discipline_violation": "hit"}, who="orgdept")
    assert after["negative_hits"] == ["discipline_violation"]
    for who in ("orgdept", "staff1", "admin"):
        refused = world.post(_path(org, cid, "appoint"), who, {}, 409)
        assert refused["error"]["code"] == "negative_list"
        assert refused["error"]["details"]["names"] == ["受过党纪政务处分"]
    assert world.db_value(sa.select(sa.func.count()).select_from(OrgSeat)) == 0
    assert world.get(_path(org, cid), "staff1")["status"] == "verified"


def test_verification_needs_every_item_and_every_standard(world):
    org = world.party_org()
    cid = world.nominate(org, user_id=world.users["r_garden"])["id"]
    world.post(_path(org, cid, "appoint"), "orgdept", {}, 409)  # not verified yet
    world.checks(org, cid, {"political_quality": "met"})
    refused = world.post(_path(org, cid, "verify"), "orgdept", {}, 409)
    assert refused["error"]["code"] == "checks_incomplete"
    assert len(refused["error"]["details"]["items"]) == 7
    world.checks(org, cid, {**ALL_MET, "age_fit": "not_met"})
    refused = world.post(_path(org, cid, "verify"), "orgdept", {}, 409)
    assert refused["error"]["code"] == "standards_not_met"
    assert refused["error"]["details"]["items"] == ["age_fit"]
    # Only 组织部 verifies (admins pass every role check).
    world.checks(org, cid, ALL_MET)
    for who in ("staff1", "street1"):
        world.post(_path(org, cid, "verify"), who, {}, 403)
    not_verified = world.post(_path(org, cid, "appoint"), "staff1", {}, 409)
    assert not_verified["error"]["code"] == "not_verified"
    world.post(_path(org, cid, "verify"), "orgdept", {}, 200)
    world.post(_path(org, cid, "verify"), "orgdept", {}, 409)  # once


def test_rejected_candidates_take_no_more_checks(world):
    org = world.party_org()
    cid = world.nominate(org, user_id=world.users["r_garden"])["id"]
    gone = world.post(_path(org, cid, "verify"), "orgdept", {"approve": False,
                                                             "note": "群众意见较大"}, 200)
    assert gone["status"] == "rejected" and gone["verify_note"] == "群众意见较大"
    world.checks(org, cid, ALL_MET, expect=409)
    world.post(_path(org, cid, "appoint"), "orgdept", {}, 409)
    # Rejected is not live: the same person may be put forward again.
    world.nominate(org, user_id=world.users["r_garden"])


def test_each_item_records_who_checked_it_last(world):
    org = world.party_org()
    cid = world.nominate(org, user_id=world.users["r_garden"])["id"]
    world.checks(org, cid, {"work_style": "met"})
    again = world.checks(org, cid, {"work_style": "not_met"}, who="orgdept")
    item = next(c for c in again["checks"] if c["item"] == "work_style")
    assert item["result"] == "not_met" and item["checked_by"]["id"] == world.users["orgdept"]
    # A positive standard is met or not; a negative list is clear or hit.
    world.checks(org, cid, {"work_style": "hit"}, expect=422)
    world.checks(org, cid, {"criminal_record": "met"}, expect=422)
    world.post(_path(org, cid, "checks"), "staff1",
               {"items": [{"item": "unknown", "result": "met"}]}, 422)


def test_nomination_rules_and_who_may_nominate(world):
    org = world.party_org()
    world.nominate(org, user_id=world.users["r_garden"], source="unit", expect=422)
    world.nominate(org, expect=422)  # neither talent nor user
    other = world.talent(community=world.c2, who="staff2")
    world.nominate(org, talent_id=other["id"], expect=422)  # another community's pool
    first = world.nominate(org, user_id=world.users["r_garden"])
    dup = world.nominate(org, user_id=world.users["r_garden"], expect=409)
    assert dup["error"]["details"]["candidate_id"] == first["id"]
    world.nominate(org, user_id=world.users["r_garden2"], who="orgdept")
    world.nominate(org, user_id=world.users["r_courtyard"], who="street1", expect=403)
    for who in ("staff2", "street_other", "r_garden", "outsider"):
        world.nominate(org, user_id=world.users["r_courtyard"], who=who, expect=404)
        world.get(f"/compound-party-orgs/{org}/candidates", who, expect=404)
        world.get(_path(org, first["id"]), who, expect=404)
    listed = world.get(f"/compound-party-orgs/{org}/candidates", "street1")["items"]
    assert len(listed) == 2
    owners = world.body("owners_committee")["id"]  # not a party organisation
    world.nominate(owners, user_id=world.users["r_garden"], expect=404)
    world.get(_path(org, 99999), "staff1", expect=404)
