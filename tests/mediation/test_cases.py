"""Mediation cases: who opens and works them, masking by viewer, related cases, the overdue
flag, outcome rules, the follow-up visit and the teams that helped."""
from datetime import timedelta

import sqlalchemy as sa

from app.common.timeutil import utcnow


def _counts(world):
    from app.extensions import db
    from app.mediation.models import MediationCase, MediationDuty, MediationSession

    with world.app.app_context():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                     for m in (MediationCase, MediationSession, MediationDuty))


# -- opening ----------------------------------------------------------------------------------
def test_staff_and_mediators_of_the_community_open_cases_nobody_else(world):
    assert world.open("staff1")["status"] == "open"
    made = world.open("med1")
    assert made["mediator_ids"] == [world.users["med1"]]  # the opening mediator is on the case
    for who, status in (("resident", 403), ("staff2", 403), ("med_c2", 403),
                        ("street1", 403)):
        world.open(who, expect=status)
    assert _counts(world)[0] == 2


def test_parties_are_households_of_the_community_or_outsiders(world):
    outsider = world.open(parties=[{"name": "王五", "phone": "13700000000"},
                                   {"name": "赵六", "household_id": world.h1}])
    assert [p["household_id"] for p in outsider["parties"]] == [None, world.h1]
    assert outsider["address"] == "观湖花园1栋1单元101室"  # from the first household
    resp = world.open(parties=[{"name": "王五"}, {"name": "赵六", "household_id": world.h_away}],
                      expect=422)
    assert resp["error"]["details"]["fields"]["parties"]["1"]["household_id"]
    world.open(parties=[{"name": "王五"}, {"name": "赵六", "household_id": 999}], expect=422)
    world.open(parties=[{"name": "王五"}], expect=422)  # a dispute has two sides
    world.open(parties=[{"name": "王五", "phone": "abc"}, {"name": "赵六"}], expect=422)
    world.open(mediator_ids=[world.users["med_c2"]], expect=422)  # another community's
    assert _counts(world)[0] == 1


def test_mediator_role_comes_with_an_approved_registration_or_from_staff(world):
    """双报到 as a mediator, approved by staff, grants `mediator` in that community."""
    world.post("/party/registrations", "lawyer", {"community_id": world.c1,
                                                  "unit_name": "区司法局",
                                                  "roles": ["mediator"]}, 201)
    world.open("lawyer", expect=403)
    reg = world.get(f"/party/registrations?community_id={world.c1}&status=pending",
                    "staff1")["items"][0]
    world.post(f"/party/registrations/{reg['id']}/approve", "staff1", {}, 200)
    roles = world.get("/me", "lawyer")["roles"]
    assert {"role": "mediator", "community_id": world.c1} in roles
    world.open("lawyer")
    # Staff grant the role directly too, in their own community only.
    uid = world.user("elder")
    world.post("/roles/grants", "staff1", {"user_id": uid, "role": "mediator",
                                           "community_id": world.c2}, 403)
    world.post("/roles/grants", "staff1", {"user_id": uid, "role": "mediator",
                                           "community_id": world.c1}, 201)
    world.open("elder")


# -- masking --------------------------------------------------------------------------------
def test_parties_are_masked_for_everyone_but_the_cases_mediators_and_staff(world):
    case = world.open("med1")
    path = f"/mediations/{case['id']}"
    for who in ("med1", "staff1"):
        seen = world.get(path, who)
        assert seen["masked"] is False
        assert [(p["name"], p["phone"]) for p in seen["parties"]] == \
            [("张秀兰", "13911110001"), ("刘建国", "13922220002")]
        assert seen["parties"][0]["address"] == "观湖花园1栋1单元101室"
        assert "刘建国" in seen["summary"] and "13922220002" in seen["summary"]
    for who in ("med2", "street1"):  # another mediator of the community; the street
        seen = world.get(path, who)
        assert seen["masked"] is True
        assert [(p["name"], p["phone"]) for p in seen["parties"]] == \
            [("张**", "139****0001"), ("刘**", "139****0002")]
        assert seen["parties"][0]["address"] == "观湖花园1栋****"
        assert "刘建国" not in seen["summary"] and "13922220002" not in seen["summary"]
        assert "刘**" in seen["summary"]
        assert "101" not in seen["address"]
    listed = world.get(f"/mediations?community_id={world.c1}", "med2")["items"][0]
    assert listed["parties"][1]["name"] == "刘**"
    for who in ("resident", "staff2", "med_c2", "street_other"):
        world.get(path, who, expect=404)
    # Once named on a session, the second mediator works the case and sees it in full.
    world.session(case["id"], "med1", mediators=[world.users["med2"]])
    assert world.get(path, "med2")["parties"][1]["phone"] == "13922220002"
    assert world.get("/mediations?scope=mine", "med2")["items"][0]["id"] == case["id"]


def test_only_the_cases_mediators_and_staff_work_it(world):
    case = world.open("med1")
    world.session(case["id"], "med2", expect=403)
    world.session(case["id"], "street1", expect=403)
    world.session(case["id"], "resident", expect=404)
    world.post(f"/mediations/{case['id']}/close", "med2", {"outcome": "failed"}, 403)
    world.session(case["id"], "staff1", mediators=[world.users["staff1"]])
    world.session(case["id"], "med1", mediators=[world.users["med_c2"]], expect=422)
    assert _counts(world)[1] == 1


# -- related cases ----------------------------------------------------------------------------
def test_a_new_case_shows_earlier_ones_at_the_same_address_or_between_the_same_households(
        world):
    h1, h2, h3 = world.h1, world.h2, world.h3
    first = world.open(parties=[{"name": "甲", "household_id": h1},
                                {"name": "乙", "household_id": h2}])
    on_road = world.open(address="滨河路12号 门面", parties=[{"name": "丙"}, {"name": "丁"}])
    assert first["related"] == [] and on_road["related"] == []
    again = world.open(parties=[{"name": "乙", "household_id": h2},
                                {"name": "甲", "household_id": h1}], address="楼道")
    assert [(r["id"], r["match"]) for r in again["related"]] == [(first["id"], ["households"])]
    assert again["related"][0]["status"] == "open"
    same_place = world.open(address=" 滨河路12号门面 ", parties=[{"name": "戊"}, {"name": "己"}])
    assert [(r["id"], r["match"]) for r in same_place["related"]] == \
        [(on_road["id"], ["address"])]
    three = world.open(address="三户", parties=[{"name": "甲", "household_id": h1},
                                                {"name": "乙", "household_id": h2},
                                                {"name": "庚", "household_id": h3}])
    assert {r["id"] for r in three["related"]} == {first["id"], again["id"]}
    # One household in common is not "the same households".
    other = world.open(address="别处", parties=[{"name": "甲", "household_id": h1},
                                                {"name": "庚", "household_id": h3}])
    assert other["related"] == [
        {**other["related"][0], "id": three["id"], "match": ["households"]}]
    # Later cases are not shown on earlier ones; the detail shows the same list.
    assert world.get(f"/mediations/{first['id']}", "med1")["related"] == []
    assert world.get(f"/mediations/{again['id']}", "staff1")["related"] == again["related"]


# -- overdue ----------------------------------------------------------------------------------
def test_a_case_open_past_a_month_is_flagged_and_listed_first(world):
    now = utcnow()
    old = world.open()["id"]
    old_closed = world.open()["id"]
    world.post(f"/mediations/{old_closed}/close", "med1",
               {"outcome": "referred", "referred_to": "街道综治中心"}, 200)
    almost = world.open()["id"]
    fresh = world.open()["id"]
    world.set_opened(old, now - timedelta(days=31))
    world.set_opened(old_closed, now - timedelta(days=60))
    world.set_opened(almost, now - timedelta(days=29, hours=23))
    items = world.get(f"/mediations?community_id={world.c1}", "staff1")["items"]
    assert [(c["id"], c["overdue"]) for c in items] == \
        [(old, True), (fresh, False), (almost, False), (old_closed, False)]
    assert world.get(f"/mediations/{old}", "med1")["overdue"] is True
    # Page by page, the order holds.
    seen, cursor = [], None
    while True:
        query = f"/mediations?community_id={world.c1}&limit=1" + (
            f"&cursor={cursor}" if cursor else "")
        body = world.get(query, "staff1")
        seen += [c["id"] for c in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == [old, fresh, almost, old_closed]
    world.get(f"/mediations?community_id={world.c1}&cursor=bm9wZQ", "staff1", expect=422)
    open_only = world.get(f"/mediations?community_id={world.c1}&status=open", "staff1")
    assert [c["id"] for c in open_only["items"]] == [old, fresh, almost]


def test_lists_are_for_the_communitys_staff_mediators_and_street(world):
    world.open()
    for who in ("staff1", "med2", "street1"):
        assert len(world.get(f"/mediations?community_id={world.c1}", who)["items"]) == 1
    for who in ("resident", "staff2", "street_other"):
        world.get(f"/mediations?community_id={world.c1}", who, expect=403)
    assert world.get("/mediations?scope=mine", "med2")["items"] == []


# -- outcomes ---------------------------------------------------------------------------------
def _agreement(case, days=10):
    due = (utcnow() + timedelta(days=days)).date().isoformat()
    a, b = case["parties"]
    return {"outcome": "agreed", "agreement_file_id": 77, "duties": [
        {"party_id": b["id"], "duty": "晚十点后不开音响", "method": "自觉遵守，物业监督",
         "due_on": due},
        {"party_id": a["id"], "duty": "有噪音先电话沟通", "method": "微信或电话",
         "due_on": due}]}


def test_outcome_rules(world):
    case = world.open()
    close = f"/mediations/{case['id']}/close"
    # agreed needs a session held first
    assert world.post(close, "med1", _agreement(case), 409).get_json()["error"]["code"] == \
        "no_session"
    world.session(case["id"])
    # ... and the duties of the agreement, each naming a party of this case
    world.post(close, "med1", {"outcome": "agreed"}, 422)
    other = world.open()
    bad = _agreement(case)
    bad["duties"][0]["party_id"] = other["parties"][0]["id"]
    resp = world.post(close, "med1", bad, 422).get_json()
    assert resp["error"]["details"]["fields"]["duties"]["0"]["party_id"]
    late_visit = {**_agreement(case), "follow_up_on": "2001-01-01"}
    world.post(close, "med1", late_visit, 422)
    # failed and referred carry no agreement; referred says where to
    world.post(close, "med1", {"outcome": "failed", "agreement_file_id": 1}, 422)
    world.post(close, "med1", {"outcome": "failed", "duties": _agreement(case)["duties"]}, 422)
    world.post(close, "med1", {"outcome": "referred"}, 422)
    assert _counts(world) == (2, 1, 0)  # nothing half-written
    assert world.get(f"/mediations/{case['id']}", "med1")["status"] == "open"

    done = world.post(close, "med1", _agreement(case), 200).get_json()
    assert (done["status"], done["outcome"], done["agreement_file_id"]) == \
        ("closed", "agreed", 77)
    assert [d["duty"] for d in done["duties"]] == ["晚十点后不开音响", "有噪音先电话沟通"]
    due = (utcnow() + timedelta(days=10)).date()
    assert done["follow_up"] == {"due_on": (due + timedelta(days=7)).isoformat(),
                                 "result": None, "note": "", "recorded_at": None, "due": False}
    # closed is final
    assert world.post(close, "staff1", {"outcome": "failed"}, 409).get_json()["error"][
        "code"] == "case_closed"
    world.session(case["id"], expect=409)

    referred = world.post(f"/mediations/{other['id']}/close", "staff1",
                          {"outcome": "referred", "referred_to": "人民法院"}, 200).get_json()
    assert (referred["outcome"], referred["referred_to"], referred["follow_up"]) == \
        ("referred", "人民法院", None)


def test_follow_up_visit_is_recorded_once_for_agreed_cases(world):
    case = world.open()
    world.session(case["id"])
    body = {**_agreement(case), "follow_up_on": (utcnow().date()).isoformat()}
    world.post(f"/mediations/{case['id']}/close", "med1", body, 200)
    assert world.get(f"/mediations/{case['id']}", "staff1")["follow_up"]["due"] is True
    visit = world.post(f"/mediations/{case['id']}/follow-up", "med1",
                       {"result": "kept", "note": "已按协议执行"}, 200).get_json()
    assert (visit["follow_up"]["result"], visit["follow_up"]["due"]) == ("kept", False)
    world.post(f"/mediations/{case['id']}/follow-up", "med1", {"result": "broken"}, 409)
    failed = world.open()
    world.post(f"/mediations/{failed['id']}/close", "med1", {"outcome": "failed"}, 200)
    code = world.post(f"/mediations/{failed['id']}/follow-up", "med1",
                      {"result": "kept"}, 409).get_json()["error"]["code"]
    assert code == "no_agreement"


def test_volunteer_teams_are_recorded_as_having_helped(world):
    case = world.open()
    made = world.post(f"/mediations/{case['id']}/teams", "med1",
                      {"team_id": world.team, "note": "陪同上门"}, 201).get_json()
    assert (made["name"], made["kind"]) == ("观湖帮代办志愿队", "errand_team")
    world.post(f"/mediations/{case['id']}/teams", "med1", {"team_id": world.team}, 409)
    world.post(f"/mediations/{case['id']}/teams", "med1", {"team_id": world.team2}, 422)
    world.post(f"/mediations/{case['id']}/teams", "med1", {"team_id": 9999}, 404)
    world.post(f"/mediations/{case['id']}/teams", "med2", {"team_id": world.team}, 403)
    teams = world.get(f"/mediations/{case['id']}", "street1")["teams"]
    assert [t["team_id"] for t in teams] == [world.team]
