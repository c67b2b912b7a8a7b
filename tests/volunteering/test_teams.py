"""Teams of a community: kinds, leader, members, station."""


def test_staff_create_teams_of_every_kind_in_their_community_only(world):
    for kind in ("v_station", "alliance", "errand_team", "party_vanguard"):
        world.post("/teams", "staff1", {"community_id": world.c1, "kind": kind,
                                        "name": f"队伍-{kind}"}, expect=201)
    world.post("/teams", "staff1", {"community_id": world.c1, "kind": "v_station",
                                    "name": "队伍-v_station"}, expect=409)
    world.post("/teams", "staff2", {"community_id": world.c1, "kind": "alliance",
                                    "name": "别的"}, expect=403)
    world.post("/teams", "staff1", {"community_id": world.c1, "kind": "club",
                                    "name": "别的"}, expect=422)
    listed = world.get(f"/teams?community_id={world.c1}&kind=errand_team", "resident")
    assert [t["kind"] for t in listed["items"]] == ["errand_team"]


def test_leader_manages_members_and_strangers_cannot(world):
    leader = world.user("leader")
    team = world.post("/teams", "staff1", {"community_id": world.c1, "kind": "party_vanguard",
                                           "name": "先锋队", "leader_id": leader},
                      expect=201).get_json()
    assert team["leader"]["id"] == leader
    newbie = world.user("newbie")
    world.post(f"/teams/{team['id']}/members", "leader", {"user_id": newbie}, expect=201)
    world.post(f"/teams/{team['id']}/members", "stranger", {"user_id": newbie}, expect=403)
    world.post(f"/teams/{team['id']}/members", "staff2", {"user_id": newbie}, expect=403)
    names = [m["user"]["nickname"] for m in
             world.get(f"/teams/{team['id']}/members", "newbie")["items"]]
    assert names == ["leader", "newbie"]
    resp = world.client.delete(f"/api/v1/teams/{team['id']}/members/{leader}",
                               headers=world.h("staff1"))
    assert resp.status_code == 409
    resp = world.client.delete(f"/api/v1/teams/{team['id']}/members/{newbie}",
                               headers=world.h("leader"))
    assert resp.status_code == 204
    assert len(world.get(f"/teams/{team['id']}/members", "newbie")["items"]) == 1


def test_team_station_must_be_in_the_community(world):
    from app.community.models import Station
    from app.extensions import db

    with world.app.app_context():
        here = Station(community_id=world.c1, kind="v_station", name="观湖志愿V站",
                       lat=29.3401, lng=105.2893)
        there = Station(community_id=world.c2, kind="v_station", name="昌达街志愿V站",
                        lat=29.3455, lng=105.2790)
        db.session.add_all([here, there])
        db.session.commit()
        here_id, there_id = here.id, there.id
    world.post("/teams", "staff1", {"community_id": world.c1, "kind": "v_station",
                                    "name": "V站", "station_id": there_id}, expect=422)
    team = world.post("/teams", "staff1", {"community_id": world.c1, "kind": "v_station",
                                           "name": "V站", "station_id": here_id},
                      expect=201).get_json()
    assert team["station"]["name"] == "观湖志愿V站"


def test_team_names_go_through_the_content_check(world):
    resp = world.post("/teams", "staff1", {"community_id": world.c1, "kind": "alliance",
                                           "name": "违禁词志愿队"}, expect=422)
    assert resp.get_json()["error"]["code"] == "content_rejected"
    resp = world.post("/teams", "staff1", {"community_id": world.c1, "kind": "alliance",
                                           "name": "联盟 [wechat-down]"}, expect=503)
    assert resp.get_json()["error"]["code"] == "content_check_unavailable"
    assert world.get(f"/teams?community_id={world.c1}", "resident")["items"] == []


def test_activity_titles_go_through_the_content_check(world):
    body = {"community_id": world.c1, "title": "违禁词活动", "shifts": []}
    resp = world.client.post("/api/v1/activities", json=body, headers=world.h("staff1"))
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "content_rejected"
    body = {**body, "title": "便民服务日", "description": "违禁词"}
    resp = world.client.post("/api/v1/activities", json=body, headers=world.h("staff1"))
    assert resp.status_code == 422
    assert world.get(f"/activities?community_id={world.c1}", "resident")["items"] == []
