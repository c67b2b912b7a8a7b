"""The state machine of 社情民意 reports through the API: the whole loop, every illegal
actor × action refused with nothing changed, and the street's part after a transfer."""
import pytest

from app.feedback.machine import ROWS, USER_ACTIONS

STATES = ["open", "accepted", "resolved", "reopened", "transferred", "closed",
          "closed_unresolved", "merged"]
# Who tries: the author, a neighbour (bound in the same community), the grid's worker, staff of
# the community, staff of another community, the street's admin, a resident of another
# community.
ACTORS = ["demo-resident-1", "demo-resident-2", "grid-1", "demo-staff-1", "demo-staff-2",
          "street-1", "demo-resident-3"]


def _bodies(fb):
    other = fb.create("demo-resident-2", text="另一个问题")["id"]
    return {"resolve": {"reply": "已处理"}, "reopen": {"reason": "没解决"},
            "transfer": {"reason": "需街道协调"}, "close_unresolved": {"reason": "无法解决"},
            "rate": {"score": 4}, "merge": {"into_id": other}}


def _roles(who, state):
    """The roles each actor plays on a report of demo-resident-1 about 观湖花园 1栋."""
    return {
        "demo-resident-1": {"author"},
        "grid-1": {"handler"},
        "demo-staff-1": {"staff", "handler"},
        "street-1": {"street"} if state == "transferred" else set(),
    }.get(who, set())


# Who may read without any role: a neighbour and the street's admin.
READERS = {"demo-resident-2", "street-1"}


def test_report_accept_resolve_rate_closes_it_with_one_event_per_step(fb):
    created = fb.create(text="1栋楼道灯不亮", category="facility")
    assert created["status"] == "open" and created["grid_id"] == fb.garden_grid
    assert created["deadline_at"] and created["clock"]["step"] == "accept"
    fid = created["id"]
    assert fb.do(fid, "accept", "grid-1")["status"] == "accepted"
    resolved = fb.do(fid, "resolve", "grid-1", {"reply": "已更换灯泡"})
    assert resolved["status"] == "resolved"
    assert resolved["resolution"]["reply"] == "已更换灯泡"
    mine = fb.view(fid, "demo-resident-1")
    assert mine["actions"] == ["rate", "reopen"] and mine["clock"]["step"] == "rate"
    closed = fb.do(fid, "rate", "demo-resident-1", {"score": 5, "comment": "很及时"})
    assert closed["status"] == "closed" and closed["rating"] == 5 and closed["clock"] is None
    events = fb.events(fid)
    assert [e["action"] for e in events] == ["create", "accept", "resolve", "rate"]
    assert [e["to_status"] for e in events] == ["open", "accepted", "resolved", "closed"]
    assert [e["actor"]["role"] for e in events] == ["author", "handler", "handler", "author"]
    assert events[1]["actor"]["id"] == fb.grid_worker
    assert events[0]["actor"]["id"] == fb.user_id("demo-resident-1")
    assert events[1]["data"] == {"in_time": True}


@pytest.mark.parametrize("state", STATES)
def test_every_illegal_actor_and_action_is_refused_with_nothing_changed(fb, state):
    bodies = _bodies(fb)
    fid = fb.to_state(state)
    before = fb.row(fid)
    events = len(fb.events(fid))
    tried = 0
    for who in ACTORS:
        roles = _roles(who, state)
        for action in USER_ACTIONS:
            able = [r for r in ROWS if r[1] == action and r[2] in roles]
            if any(r[0] == state for r in able):
                continue  # legal: the flow tests take these steps
            resp = fb.post(f"/feedback/{fid}/{action.replace('_', '-')}", who,
                           bodies.get(action, {}))
            tried += 1
            err = resp.get_json()["error"]
            if able:
                assert resp.status_code == 409, (who, action, err)
                assert err["code"] == "invalid_transition" and err["details"]["status"] == state
            elif roles or who in READERS:
                assert resp.status_code == 403, (who, action, err)
            else:
                assert resp.status_code == 404, (who, action, err)
    assert tried > 40
    after = fb.row(fid)
    for column in ("status", "updated_at", "deadline_at", "reopen_count", "rating",
                   "closed_at", "merged_into_id", "supporters", "reason", "reply"):
        assert getattr(after, column) == getattr(before, column), column
    assert len(fb.events(fid)) == events


def test_the_street_accepts_and_resolves_what_was_transferred_to_it(fb):
    fid = fb.to_state("transferred")
    view = fb.view(fid, "street-1")
    assert view["status"] == "transferred" and view["reason"] == "需要街道协调"
    assert view["actions"] == ["accept", "close_unresolved"]
    street_list = fb.get("/feedback", "street-1", scope="street")["items"]
    assert [r["id"] for r in street_list] == [fid]
    # The community's handlers may not accept it back (staff may still close it).
    fb.do(fid, "accept", "demo-staff-1", expect=409)
    fb.do(fid, "accept", "grid-1", expect=409)
    fb.do(fid, "accept", "street-1")
    done = fb.do(fid, "resolve", "street-1", {"reply": "城管已清理占道"})
    assert done["status"] == "resolved"
    assert [e["actor"]["role"] for e in fb.events(fid)][-3:] == ["handler", "street", "street"]
    fb.do(fid, "rate", "demo-resident-1", {"score": 4})


def test_the_street_closes_unresolved_only_after_a_transfer(fb):
    fid = fb.to_state("open")
    fb.do(fid, "close_unresolved", "street-1", {"reason": "不归街道"}, expect=403)
    fb.do(fid, "transfer", "grid-1", {"reason": "需街道协调"})
    closed = fb.do(fid, "close_unresolved", "street-1", {"reason": "已纳入明年改造计划"})
    assert closed["status"] == "closed_unresolved" and closed["reason"] == "已纳入明年改造计划"


def test_staff_close_unresolved_from_any_state_but_a_final_one(fb):
    for state in ("open", "accepted", "resolved", "reopened", "transferred"):
        fid = fb.to_state(state)
        assert fb.do(fid, "close_unresolved", "demo-staff-1",
                     {"reason": "暂不具备条件"})["status"] == "closed_unresolved"
    fid = fb.to_state("accepted")
    fb.do(fid, "close_unresolved", "grid-1", {"reason": "网格员不能办结"}, expect=403)


def test_steps_need_their_texts_and_check_them(fb):
    fid = fb.to_state("accepted")
    resp = fb.post(f"/feedback/{fid}/resolve", "grid-1", {})
    assert resp.status_code == 422 and "reply" in resp.get_json()["error"]["details"]["fields"]
    resp = fb.post(f"/feedback/{fid}/resolve", "grid-1", {"reply": "已处理 违禁词"})
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["code"] == "content_rejected"
    assert fb.view(fid)["status"] == "accepted"
    resp = fb.post(f"/feedback/{fid}/transfer", "grid-1", {"reason": ""})
    assert resp.status_code == 422
    fb.do(fid, "resolve", "grid-1", {"reply": "已处理"})
    for score in (0, 6, "5"):
        assert fb.post(f"/feedback/{fid}/rate", "demo-resident-1",
                       {"score": score}).status_code == 422
    assert fb.view(fid)["status"] == "resolved"


def test_an_unknown_report_is_404_for_everyone(fb):
    fb.do(999999, "accept", "demo-staff-1", expect=404)
    fb.get("/feedback/999999", "demo-admin", expect=404)
