"""Campaigns and residents' scores: targets, who scores, one score per resident per target
(replaced until the close), never oneself, only inside the window."""
from datetime import timedelta

import sqlalchemy as sa

from app.common.timeutil import utcnow


def _scores(world):
    from app.evaluations.models import Score

    return world.db_value(sa.select(sa.func.count()).select_from(Score))


def test_staff_open_a_campaign_whose_targets_have_their_own_ids(world):
    made = world.campaign()
    assert made["status"] == "open"
    assert [(t["kind"], t["ref_id"], t["name"]) for t in made["targets"]] == [
        ("party_member", world.users["pm"], "pm"), ("partner", world.p1, "观湖家电维修合作社")]
    assert len({t["id"] for t in made["targets"]}) == 2
    for who, status in (("staff2", 403), ("r1", 403), ("street1", 403)):
        world.campaign(who=who, expect=status)


def test_targets_must_serve_the_community(world):
    other_org = world.party_org(world.c2, name="昌达苑党支部")
    committee = world.party_org(kind="owners_committee", name="业主委员会")
    dissolved = world.party_org(name="已撤销党支部")
    world.post(f"/org-bodies/{dissolved}/dissolve", "staff1", {"reason": "合并"}, 200)
    for bad in ({"kind": "party_member", "id": world.users["pm_c2"]},  # serves another
                {"kind": "party_member", "id": world.users["r1"]},  # not a party member
                {"kind": "partner", "id": world.p2},  # serves another community
                {"kind": "partner", "id": 999},
                {"kind": "compound_party_org", "id": other_org},  # of another community
                {"kind": "compound_party_org", "id": committee},  # not a party organisation
                {"kind": "compound_party_org", "id": dissolved},
                {"kind": "compound_party_org", "id": 999}):
        body = world.post("/evaluations", "staff1", {
            "community_id": world.c1, "title": "评议", "opens_at": utcnow().isoformat(),
            "closes_at": (utcnow() + timedelta(days=1)).isoformat(), "targets": [bad]},
            422).get_json()
        assert body["error"]["details"]["fields"]["targets"]["0"], bad
    twice = world.targets() + world.targets()[:1]
    world.post("/evaluations", "staff1", {
        "community_id": world.c1, "title": "评议", "opens_at": utcnow().isoformat(),
        "closes_at": (utcnow() + timedelta(days=1)).isoformat(), "targets": twice}, 422)
    past = utcnow() - timedelta(days=1)
    world.post("/evaluations", "staff1", {
        "community_id": world.c1, "title": "评议", "opens_at": (past - timedelta(days=1))
        .isoformat(), "closes_at": past.isoformat(), "targets": world.targets()}, 422)


def test_one_score_per_resident_per_target_changeable_until_the_close(world):
    made = world.campaign()
    member = world.target_id(made, "party_member")
    first = world.score(made["id"], "r1", member, 3, comment="热心")
    again = world.score(made["id"], "r1", member, 5)
    assert first["id"] == again["id"] and again["score"] == 5 and again["comment"] == ""
    world.score(made["id"], "r2", member, 4)
    assert _scores(world) == 2
    mine = world.get(f"/evaluations/{made['id']}", "r1")
    assert mine["can_score"] is True
    assert [(s["target_id"], s["score"]) for s in mine["my_scores"]] == [(member, 5)]
    world.close(made["id"])
    code = world.score(made["id"], "r1", member, 1, expect=409)["error"]["code"]
    assert code == "evaluation_not_open"
    assert world.get(f"/evaluations/{made['id']}", "r1")["my_scores"][0]["score"] == 5


def test_scores_outside_the_window_get_409(world):
    now = utcnow()
    made = world.campaign(opens=now + timedelta(days=1), closes=now + timedelta(days=8))
    member = world.target_id(made, "party_member")
    assert made["status"] == "upcoming"
    world.score(made["id"], "r1", member, 4, expect=409)
    world.set_window(made["id"], now - timedelta(days=1), now + timedelta(days=1))
    world.score(made["id"], "r1", member, 4)
    world.set_window(made["id"], now - timedelta(days=2), now - timedelta(seconds=1))
    world.score(made["id"], "r2", member, 4, expect=409)
    assert _scores(world) == 1


def test_compound_party_orgs_are_targets_with_their_names(world):
    org = world.party_org(seated=["r3"])
    made = world.campaign(world.targets() + [{"kind": "compound_party_org", "id": org}])
    target = world.target_id(made, "compound_party_org")
    assert [(t["kind"], t["ref_id"], t["name"]) for t in made["targets"]][-1] == (
        "compound_party_org", org, "观湖社区小区党支部")
    world.score(made["id"], "r1", target, 4)
    # A member of its committee does not score it, and may score the others.
    assert world.score(made["id"], "r3", target, 5, expect=403)["error"]["code"] == \
        "self_scoring"
    world.score(made["id"], "r3", world.target_id(made, "partner"), 5)
    results = world.get(f"/evaluations/{made['id']}/results", "staff1")["items"]
    item = next(i for i in results if i["kind"] == "compound_party_org")
    assert (item["name"], item["count"], item["mean"], item["service_ratings"]) == (
        "观湖社区小区党支部", 1, 4.0, None)


def test_a_target_never_scores_itself(world):
    made = world.campaign()
    member, partner = world.target_id(made, "party_member"), world.target_id(made, "partner")
    for who, target in (("pm", member), ("pu", partner)):
        body = world.score(made["id"], who, target, 5, expect=403)
        assert body["error"]["code"] == "self_scoring"
    world.score(made["id"], "pm", partner, 5)  # each may score the others
    world.score(made["id"], "pu", member, 5)
    assert _scores(world) == 2


def test_only_residents_bound_in_the_community_score(world):
    made = world.campaign()
    member = world.target_id(made, "party_member")
    for who in ("r_pending", "r_c2", "staff1", "street1"):
        assert world.score(made["id"], who, member, 5, expect=403)["error"]["code"] in (
            "not_resident", "forbidden")
    world.score(made["id"], "r1", 99999, 5, expect=422)
    world.score(made["id"], "r1", member, 6, expect=422)
    world.score(made["id"], "r1", member, 0, expect=422)
    assert _scores(world) == 0
    world.get(f"/evaluations/{made['id']}", "r_c2", expect=404)
    world.get(f"/evaluations?community_id={world.c1}", "r_c2", expect=403)
    assert len(world.get(f"/evaluations?community_id={world.c1}", "r1")["items"]) == 1


def test_comments_go_through_the_content_check(world):
    made = world.campaign()
    member = world.target_id(made, "party_member")
    body = world.score(made["id"], "r1", member, 2, expect=422, comment="含违禁词的评论")
    assert body["error"]["code"] == "content_rejected"
    assert _scores(world) == 0
    held = world.score(made["id"], "r1", member, 2, comment="检查不可用 [wechat-down]")
    assert held["comment_held"] is True
    world.score(made["id"], "r2", member, 4, comment="服务周到")
    comments = world.get(f"/evaluations/{made['id']}/comments", "staff1")["items"]
    assert [(c["comment"], c["author"]) for c in comments] == [
        ("服务周到", "r*"), ("检查不可用 [wechat-down]", "r*")]
    world.get(f"/evaluations/{made['id']}/comments", "r1", expect=404)


def test_seat_holders_find_their_own_party_organisation_marked_and_cannot_score_it(world):
    """The campaign's detail marks the targets I may not score as mine (`own`), so the page
    leaves them out; the API refuses them anyway, with the reason in words."""
    org = world.party_org(seated=["r3"])
    other = world.party_org(community_id=world.c2, name="昌达街社区小区党支部", seated=["r4"])
    made = world.campaign(world.targets() + [{"kind": "compound_party_org", "id": org}])
    target = world.target_id(made, "compound_party_org")

    def own(who):
        detail = world.get(f"/evaluations/{made['id']}", who)
        return {t["kind"]: t["own"] for t in detail["targets"]}

    assert own("r3") == {"party_member": False, "partner": False, "compound_party_org": True}
    assert own("r1") == {"party_member": False, "partner": False, "compound_party_org": False}
    # a seat on another community's organisation is not a seat on this one
    assert own("r4")["compound_party_org"] is False
    assert own("pm") == {"party_member": True, "partner": False, "compound_party_org": False}
    assert own("pu")["partner"] is True
    assert other != org

    refused = world.score(made["id"], "r3", target, 5, expect=403)["error"]
    assert refused["code"] == "self_scoring"
    assert refused["message"] == "您在该党组织任职，不能评议本组织"
    assert refused["details"] == {"target_id": target, "kind": "compound_party_org"}
    world.score(made["id"], "r4", target, 4)  # not a seat of this organisation
    assert _scores(world) == 1
