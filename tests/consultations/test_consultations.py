"""Consultations over HTTP: scope and roll, who votes, sealed counts, the close and its result."""
from datetime import timedelta

import sqlalchemy as sa

from app.common.timeutil import utcnow
from app.consultations.models import Ballot, Consultation, RollEntry, Vote
from app.consultations.service import receipts_hash, roll_hash


def cid_of(made):
    return made["id"]


# -- creation, scope, roll ---------------------------------------------------------------
def test_opening_now_freezes_every_household_in_scope_bound_or_not(world):
    made = world.consult()
    assert made["status"] == "open" and made["accepting_votes"] is True
    assert made["scope"] == {"kind": "unit", "compound_id": world.compound,
                             "building_id": world.a1, "unit": "1", "label": "观湖花园1栋1单元"}
    # five households, 105 among them though nobody is bound to it
    assert made["eligible"] == 5 and made["by_area"]["eligible"] == "500.00"
    assert made["rule"] == {"kind": "share_of_all", "threshold": 0.8}
    assert made["needed"] == {"agree": 4}
    roll = world.get(f"/consultations/{made['id']}/roll", "o-102")
    assert roll["frozen"] is True and roll["hash"] == made["roll_hash"]
    assert [e["label"] for e in roll["entries"]] == [
        "1栋1单元1*1室", "1栋1单元1*2室", "1栋1单元1*3室", "1栋1单元1*4室", "1栋1单元1*5室"]
    assert [e["mine"] for e in roll["entries"]] == [False, True, False, False, False]
    # anyone can recompute the published hash from the published roll
    entries = [{"seq": e["seq"], "label": e["label"],
                "area": int(float(e["area_m2"]) * 100)} for e in roll["entries"]]
    assert roll_hash(made["id"], entries) == roll["hash"]


def test_scopes_compound_building_and_unit(world):
    compound = world.consult(scope={"compound_id": world.compound})
    building = world.consult(scope={"building_id": world.a1})
    unit2 = world.consult(scope={"building_id": world.a1, "unit": "2"})
    assert (compound["eligible"], building["eligible"], unit2["eligible"]) == (13, 10, 5)
    assert compound["scope"]["kind"] == "compound"
    assert building["scope"]["kind"] == "building"
    world.consult(scope={"building_id": world.a1, "unit": "9"}, expect=404)
    world.consult(scope={"compound_id": 999}, expect=404)
    world.consult(scope={"unit": "1"}, expect=422)
    world.consult(scope={"compound_id": world.compound, "building_id": world.a1}, expect=422)


def test_only_staff_of_the_community_create(world):
    world.consult(who="staff2", expect=403)
    world.consult(who="o-101", expect=403)
    world.consult(who="street1", expect=403)


def test_bad_windows_and_rules_are_refused_with_nothing_written(world):
    now = utcnow()
    world.consult(closes=now - timedelta(minutes=1), opens=now - timedelta(hours=1), expect=422)
    world.consult(opens=now + timedelta(days=2), closes=now + timedelta(days=1), expect=422)
    world.consult(rule={"kind": "civil_code_278", "threshold": 0.9}, expect=422)
    world.consult(rule={"kind": "share_of_all", "threshold": 0.3}, expect=422)
    world.consult(rule={"kind": "share_of_all", "threshold": 0.805}, expect=422)
    world.consult(objections_close_at=(now + timedelta(hours=1)).isoformat(), expect=422)
    assert world.db_value(sa.select(sa.func.count(Consultation.id))) == 0


def test_civil_code_needs_every_area_and_shows_what_it_takes(world):
    world.set_area("105", None)
    world.consult(rule={"kind": "civil_code_278"}, expect=409)
    assert world.db_value(sa.select(sa.func.count(Consultation.id))) == 0
    world.set_area("105", "80.00")
    made = world.consult(rule={"kind": "civil_code_278"})
    assert made["needed"] == {"voted": 4, "voted_area_m2": "333.34"}
    assert "三分之二" in made["rule_text"]
    # share_of_all does not need areas: A2 has none
    assert world.consult(scope={"building_id": world.a2})["by_area"]["eligible"] == "0.00"


# -- draft, objections, freezing ---------------------------------------------------------
def draft(world, **extra):
    now = utcnow()
    return world.consult(opens=now + timedelta(days=3), closes=now + timedelta(days=10),
                         **extra)


def test_a_draft_publishes_a_live_roll_which_freezes_at_opening(world):
    from app.community.models import Household
    from app.extensions import db

    made = draft(world)
    assert made["status"] == "draft" and made["roll_hash"] is None
    before = world.get(f"/consultations/{made['id']}/roll", "o-101")
    assert before["frozen"] is False and before["eligible"] == 5
    # the register changes before the opening: the published roll follows, with a new hash
    world.set_area("102", "95.50")
    changed = world.get(f"/consultations/{made['id']}/roll", "o-101")
    assert changed["hash"] != before["hash"]
    assert changed["entries"][1]["area_m2"] == "95.50"
    world.vote(made["id"], "o-101", "101", expect=409)  # not open yet: consultation_closed

    opened = world.post(f"/consultations/{made['id']}/open", "staff1", expect=200).get_json()
    assert opened["status"] == "open" and opened["roll_hash"] == changed["hash"]
    # after the opening the register changes, the roll does not
    world.set_area("102", "10.00")
    with world.app.app_context():
        db.session.add(Household(building_id=world.a1, unit="1", room="106"))
        db.session.commit()
    frozen = world.get(f"/consultations/{made['id']}/roll", "o-101")
    assert frozen["hash"] == changed["hash"] and frozen["eligible"] == 5
    assert frozen["entries"][1]["area_m2"] == "95.50"
    detail = world.get(f"/consultations/{made['id']}", "staff1")
    assert detail["eligible"] == 5 and detail["by_area"]["eligible"] == "505.50"
    world.post(f"/consultations/{made['id']}/open", "staff1", expect=409)


def test_the_job_opens_a_draft_at_its_time_and_freezes_the_roll_then(world):
    made = draft(world)
    assert world.tick()["opened"] == 0
    world.set_area("101", "151.00")
    assert world.tick(utcnow() + timedelta(days=3, minutes=1))["opened"] == 1
    got = world.get(f"/consultations/{made['id']}", "o-101")
    assert got["status"] == "open" and got["by_area"]["eligible"] == "501.00"
    assert world.db_value(sa.select(RollEntry.area).where(
        RollEntry.household_id == world.hh["101"])) == 15100


def test_objections_are_answered_before_the_roll_freezes(world):
    now = utcnow()
    made = draft(world, objections_close_at=(now + timedelta(days=1)).isoformat())
    path = f"/consultations/{made['id']}/objections"
    world.post(path, "o-101", {"household_id": world.hh["102"], "reason": "x"}, expect=403)
    world.post(path, "outsider", {"household_id": world.hh["b:101"], "reason": "x"},
               expect=404)
    made_obj = world.post(path, "o-102", {"household_id": world.hh["102"],
                                          "reason": "面积应为 95.5 平方米"}, expect=201).get_json()
    assert made_obj["status"] == "pending"
    assert world.get(path, "o-101")["items"] == []
    assert [o["id"] for o in world.get(path, "staff1")["items"]] == [made_obj["id"]]
    # staff cannot open early while the window they promised runs
    refused = world.post(f"/consultations/{made['id']}/open", "staff1", expect=409)
    assert refused.get_json()["error"]["code"] == "objection_window_open"
    # the job does not open it while the objection waits
    assert world.tick(now + timedelta(days=3, minutes=1)) == {
        "opened": 0, "closed": 0, "waiting": 1}
    world.post(f"{path}/{made_obj['id']}/answer", "o-102",
               {"decision": "upheld", "answer": "已更正"}, expect=403)
    world.set_area("102", "95.50")
    answered = world.post(f"{path}/{made_obj['id']}/answer", "staff1",
                          {"decision": "upheld", "answer": "已更正面积"}, expect=200).get_json()
    assert answered["status"] == "upheld"
    world.post(f"{path}/{made_obj['id']}/answer", "staff1",
               {"decision": "dismissed", "answer": "再答"}, expect=409)
    assert world.tick(now + timedelta(days=3, minutes=1))["opened"] == 1
    world.post(path, "o-102", {"household_id": world.hh["102"], "reason": "晚了"}, expect=409)


# -- voting ------------------------------------------------------------------------------
def test_one_vote_per_household_the_latest_counts(world):
    made = world.consult()
    first = world.vote(made["id"], "o-101", "101", "disagree")
    second = world.vote(made["id"], "o2-101", "101", "agree")  # the other owner of 101
    assert first["receipt"] != second["receipt"]
    assert world.db_value(sa.select(sa.func.count(Vote.id))) == 1
    assert world.db_value(sa.select(sa.func.count(Ballot.id))) == 2
    mine = world.get(f"/consultations/{made['id']}", "o-101")["my_households"]
    assert mine == [{"household_id": world.hh["101"], "address": "观湖花园1栋1单元101室",
                     "relation": "owner", "can_vote": True,
                     "vote": {"choice": "agree", "receipt": second["receipt"], "channel": "app",
                              "cast_at": second["cast_at"]}}]


def test_who_may_vote(world):
    made = world.consult()
    path = f"/consultations/{made['id']}/vote"
    # a family member of a household in scope: 403
    refused = world.post(path, "fam-101", {"household_id": world.hh["101"], "choice": "agree"},
                         expect=403)
    assert refused.get_json()["error"]["code"] == "not_owner"
    assert world.get(f"/consultations/{made['id']}", "fam-101")["my_households"][0] == {
        "household_id": world.hh["101"], "address": "观湖花园1栋1单元101室",
        "relation": "family", "can_vote": False, "vote": None}
    # an owner in scope voting for a household outside it, or not theirs
    world.post(path, "o-101", {"household_id": world.hh["201"], "choice": "agree"}, expect=404)
    world.post(path, "o-101", {"household_id": world.hh["102"], "choice": "agree"}, expect=403)
    # owners outside the scope do not even see it
    world.post(path, "o-201", {"household_id": world.hh["201"], "choice": "agree"}, expect=404)
    world.post(path, "outsider", {"household_id": world.hh["b:101"], "choice": "agree"},
               expect=404)
    world.get(f"/consultations/{made['id']}", "outsider", expect=404)
    world.get(f"/consultations/{made['id']}", "o-201", expect=404)
    world.get(f"/consultations/{made['id']}/roll", "outsider", expect=404)
    world.get(f"/consultations/{made['id']}/receipts", "outsider", expect=404)
    world.get(f"/consultations/{made['id']}/voters", "o-101", expect=403)
    world.get("/consultations/999", "o-101", expect=404)
    # staff vote only on paper
    world.post(path, "staff1", {"household_id": world.hh["101"], "choice": "agree"},
               expect=403)
    world.post(path, "o-101", {"household_id": world.hh["101"], "choice": "yes"}, expect=422)
    assert world.db_value(sa.select(sa.func.count(Vote.id))) == 0


def test_lists_show_each_person_their_own(world):
    unit1 = world.consult()
    unit2 = world.consult(scope={"building_id": world.a1, "unit": "2"})
    later = draft(world)
    mine = world.get("/consultations", "o-101")["items"]
    assert [c["id"] for c in mine] == [later["id"], unit1["id"]]
    assert [c["id"] for c in world.get("/consultations", "o-201")["items"]] == [unit2["id"]]
    assert world.get("/consultations", "outsider")["items"] == []
    staff = world.get(f"/consultations?community_id={world.c1}", "staff1")["items"]
    assert len(staff) == 3
    assert world.get(f"/consultations?community_id={world.c1}&status=draft",
                     "street1")["items"][0]["id"] == later["id"]
    assert world.get(f"/consultations?community_id={world.c1}", "staff2")["items"] == []


def test_choices_stay_sealed_while_open_turnout_is_live(world):
    made = world.consult()
    world.vote(made["id"], "o-101", "101", "agree")
    world.vote(made["id"], "o-102", "102", "disagree")
    world.paper(made["id"], "105", "abstain")
    for who in ("staff1", "street1", "o-101", "o-103"):
        got = world.get(f"/consultations/{made['id']}", who)
        assert (got["agree"], got["disagree"], got["abstain"], got["result"]) == \
            (None, None, None, None)
        assert (got["by_area"]["agree"], got["by_area"]["disagree"],
                got["by_area"]["abstain"]) == (None, None, None)
        assert (got["voted"], got["eligible"], got["turnout"]) == (3, 5, 0.6)
        assert (got["by_area"]["voted"], got["by_area"]["turnout"]) == ("320.00", 0.64)
    listed = world.get(f"/consultations?community_id={world.c1}", "staff1")["items"][0]
    assert listed["agree"] is None and listed["voted"] == 3
    voters = world.get(f"/consultations/{made['id']}/voters", "staff1")["items"]
    assert sorted(v["label"] for v in voters) == ["1栋1单元1*1室", "1栋1单元1*2室",
                                                  "1栋1单元1*5室"]
    assert all(set(v) == {"id", "label", "channel", "cast_at"} for v in voters)
    world.get(f"/consultations/{made['id']}/receipts", "o-101", expect=409)


# -- paper ballots -----------------------------------------------------------------------
def test_paper_ballots_are_entered_by_staff_with_a_photo_nobody_else_sees(world):
    made = world.consult()
    ballot = world.paper(made["id"], "105", "agree")
    assert ballot["channel"] == "paper" and ballot["household_id"] == world.hh["105"]
    assert world.db_value(sa.select(Vote.channel).where(
        Vote.household_id == world.hh["105"])) == "paper"
    # a paper ballot replaces the household's app vote, like any later vote
    world.vote(made["id"], "o-104", "104", "disagree")
    world.paper(made["id"], "104", "agree")
    assert world.db_value(sa.select(Vote.choice).where(
        Vote.household_id == world.hh["104"])) == "agree"
    # the photo shows the choice: only its uploader may read it
    file_id = world.db_value(sa.select(Ballot.file_id).where(Ballot.id == sa.select(
        Vote.ballot_id).where(Vote.household_id == world.hh["105"]).scalar_subquery()))
    world.user("staff1b", [("staff", {"community_id": world.c1})])
    assert world.client.get(f"/api/v1/files/{file_id}",
                            headers=world.h("staff1b")).status_code == 404
    assert world.client.get(f"/api/v1/files/{file_id}",
                            headers=world.h("staff1")).status_code == 200
    # a used file, someone else's file, a resident, a household outside scope
    used = world.post(f"/consultations/{made['id']}/paper-votes", "staff1", {
        "household_id": world.hh["103"], "choice": "agree", "file_id": file_id}, expect=422)
    assert used.get_json()["error"]["code"] == "invalid_file"
    world.paper(made["id"], "103", file_id=world.upload("o-101"), expect=422)
    world.paper(made["id"], "101", who="o-101", expect=403)
    world.paper(made["id"], "201", expect=404)
    world.paper(made["id"], "b:101", who="staff2", expect=404)
    assert world.db_value(sa.select(sa.func.count(Vote.id))) == 2


def test_paper_ballots_are_audited_without_the_choice(world):
    from app.audit.models import AuditEntry

    made = world.consult()
    ballot = world.paper(made["id"], "105", "disagree")
    with world.app.app_context():
        from app.extensions import db

        entry = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.target_type == "consultation_ballot"))
        assert entry.action == "approve" and entry.actor_id == world.users["staff1"]
        assert entry.details["household_id"] == ballot["household_id"]
        assert "disagree" not in str(entry.details) and "choice" not in entry.details


# -- the close ---------------------------------------------------------------------------
def test_exactly_80_percent_of_all_households_passes(world):
    made = world.consult()
    for who, room in (("o-101", "101"), ("o-102", "102"), ("o-103", "103")):
        world.vote(made["id"], who, room, "agree")
    world.paper(made["id"], "105", "agree")   # 4 of 5 = 80 %
    world.vote(made["id"], "o-104", "104", "disagree")
    closed = world.close(made["id"])
    assert (closed["status"], closed["result"]) == ("closed", "passed")
    assert (closed["agree"], closed["disagree"], closed["abstain"], closed["voted"]) == \
        (4, 1, 0, 5)
    assert closed["by_area"]["agree"] == "410.00"


def test_one_household_short_of_80_percent_fails_though_every_voter_agreed(world):
    made = world.consult()
    for who, room in (("o-101", "101"), ("o-102", "102"), ("o-103", "103")):
        world.vote(made["id"], who, room, "agree")
    world.vote(made["id"], "o-104", "104", "abstain")  # takes part, never agrees
    closed = world.close(made["id"])
    assert (closed["result"], closed["agree"], closed["abstain"]) == ("failed", 3, 1)


def test_civil_code_count_passes_but_area_fails(world):
    # 101 holds 600 of 950 m². The four others take part and agree: 4 of 5 households
    # (4 × 3 ≥ 5 × 2) but 350 of 950 m² (350 × 3 < 950 × 2).
    world.set_area("101", "600.00")
    made = world.consult(rule={"kind": "civil_code_278"})
    for who, room in (("o-102", "102"), ("o-103", "103"), ("o-104", "104")):
        world.vote(made["id"], who, room, "agree")
    world.paper(made["id"], "105", "agree")
    closed = world.close(made["id"])
    assert closed["voted"] * 3 >= closed["eligible"] * 2       # count: 4 × 3 ≥ 5 × 2
    assert closed["by_area"]["voted"] == "350.00" and closed["by_area"]["eligible"] == "950.00"
    assert closed["result"] == "failed"


def test_civil_code_area_passes_but_count_of_agreement_fails(world):
    # All five take part; 101 (1000 m²), 102 and 103 agree: 1180 of 1350 m² (≥ 3/4) but
    # 3 of 5 households (< 3/4).
    world.set_area("101", "1000.00")
    made = world.consult(rule={"kind": "civil_code_278"})
    for who, room, choice in (("o-101", "101", "agree"), ("o-102", "102", "agree"),
                              ("o-103", "103", "agree"), ("o-104", "104", "disagree")):
        world.vote(made["id"], who, room, choice)
    world.paper(made["id"], "105", "disagree")
    closed = world.close(made["id"])
    agree_area = float(closed["by_area"]["agree"])
    voted_area = float(closed["by_area"]["voted"])
    assert agree_area * 4 >= voted_area * 3          # area: 1180 of 1350 m²
    assert closed["agree"] * 4 < closed["voted"] * 3  # count: 3 of 5
    assert closed["result"] == "failed"


def test_civil_code_passes_on_both_counts(world):
    made = world.consult(rule={"kind": "civil_code_278"})
    for who, room in (("o-101", "101"), ("o-102", "102"), ("o-103", "103")):
        world.vote(made["id"], who, room, "agree")
    world.vote(made["id"], "o-104", "104", "abstain")
    # 4 of 5 take part (410 of 500 m²); 3 of 4 agree (330 of 420 m²: 1320 ≥ 1260)
    closed = world.close(made["id"])
    assert closed["result"] == "passed"


def test_the_close_waits_for_closes_at_then_publishes_the_receipts(world):
    made = world.consult()
    replaced = world.vote(made["id"], "o-101", "101", "disagree")
    counted = world.vote(made["id"], "o-101", "101", "agree")
    other = world.vote(made["id"], "o-102", "102", "disagree")
    refused = world.post(f"/consultations/{made['id']}/close", "staff1", expect=409)
    assert refused.get_json()["error"]["code"] == "consultation_open"
    world.post(f"/consultations/{made['id']}/close", "o-101", expect=403)
    closed = world.close(made["id"])
    published = world.get(f"/consultations/{made['id']}/receipts", "o-101")
    assert {(i["receipt"], i["choice"]) for i in published["items"]} == {
        (counted["receipt"], "agree"), (other["receipt"], "disagree")}
    assert replaced["receipt"] not in {i["receipt"] for i in published["items"]}
    assert [i["receipt"] for i in published["items"]] == sorted(
        i["receipt"] for i in published["items"])
    lines = [(i["receipt"], i["choice"]) for i in published["items"]]
    assert published["hash"] == closed["receipts_hash"] == receipts_hash(made["id"], lines)


def test_the_job_closes_at_closes_at_and_the_result_never_changes(world):
    made = world.consult()
    for who, room in (("o-101", "101"), ("o-102", "102"), ("o-103", "103"),
                      ("o-104", "104")):
        world.vote(made["id"], who, room, "agree")
    world.end_window(made["id"])
    assert world.tick() == {"opened": 0, "closed": 1, "waiting": 0}
    first = world.get(f"/consultations/{made['id']}", "staff1")
    assert first["result"] == "passed" and first["agree"] == 4
    keys = ("status", "result", "closed_at", "agree", "disagree", "abstain", "voted",
            "eligible", "by_area", "receipts_hash", "roll_hash")
    # nothing moves it afterwards: votes, paper ballots, the register, the job, the close
    refused = world.vote(made["id"], "o-101", "101", "disagree", expect=409)
    assert refused["error"]["code"] == "consultation_closed"
    world.paper(made["id"], "105", "disagree", expect=409)
    world.set_area("101", "1.00")
    world.bind("o-105", "105")
    assert world.tick(utcnow() + timedelta(days=30)) == {"opened": 0, "closed": 0,
                                                         "waiting": 0}
    again = world.post(f"/consultations/{made['id']}/close", "staff1", expect=200).get_json()
    latest = world.get(f"/consultations/{made['id']}", "o-101")
    for got in (again, latest):
        assert {k: got[k] for k in keys} == {k: first[k] for k in keys}
    assert world.db_value(sa.select(sa.func.count(Ballot.id))) == 4


def test_votes_outside_the_window_are_409(world):
    made = world.consult()
    world.end_window(made["id"])  # past closes_at, not yet closed by the job
    refused = world.vote(made["id"], "o-101", "101", expect=409)
    assert refused["error"]["code"] == "consultation_closed"
    got = world.get(f"/consultations/{made['id']}", "o-101")
    assert got["status"] == "open" and got["accepting_votes"] is False
    assert got["my_households"][0]["can_vote"] is False


def test_a_draft_cannot_be_closed_nor_an_expired_draft_opened(world):
    made = draft(world)
    world.post(f"/consultations/{made['id']}/close", "staff1", expect=409)
    world.end_window(made["id"])
    expired = world.post(f"/consultations/{made['id']}/open", "staff1", expect=409)
    assert expired.get_json()["error"]["code"] == "consultation_expired"


def test_residents_are_told_when_it_opens_and_of_the_result(world):
    from app.notifications.models import Notification

    made = world.consult()
    world.close(made["id"])
    titles = world.db_value(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == world.users["o-101"]))
    assert titles == 2
    assert world.db_value(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == world.users["o-201"])) == 0


def test_the_whole_roll_is_told_set_based_and_each_owner_pushed_once(world):
    """Opening and closing tell every bound user through notify_many: one inbox item each
    (as before), one WeChat message each, whichever way the jobs run."""
    from app.extensions import db
    from app.jobs import OutboxJob, drain
    from app.wechat import get_client

    made = world.consult()
    world.close(made["id"])
    if world.app.extensions.get("rq_queue") is not None:
        with world.app.app_context():
            drain()
            db.session.remove()
    told = ["o-101", "o-102", "o-103", "o-104", "o2-101", "fam-101"]
    for who in told:
        items = world.get("/notifications", who)["items"]
        assert [(i["kind"], i["ref"]) for i in items] == [
            ("consultation", f"consultation:{made['id']}")] * 2
        assert items[1]["title"] == "协商表决已开始"
    assert world.get("/notifications", "o-201")["items"] == []
    with world.app.app_context():
        sent = sorted(m["touser"] for m in get_client().sent)
    assert sent == sorted(told * 2)
    with world.app.app_context():
        paths = set(db.session.scalars(sa.select(OutboxJob.path)))
        db.session.remove()
    assert paths == {"app.notifications.jobs:send_subscribe_messages"}
