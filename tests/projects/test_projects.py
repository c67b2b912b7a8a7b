"""大党委 members, meetings with minutes and attendance, projects through their states, the
overdue flag and its escalation, the quarterly reminder, the done count for the figures, and
what outsiders see (404)."""
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from app.common.timeutil import utcnow


def _notes(world, kind):
    from app.notifications.models import Notification

    with world.app.app_context():
        from app.extensions import db

        return sorted(db.session.scalars(sa.select(Notification.user_id).where(
            Notification.kind == kind)))


# -- members ---------------------------------------------------------------------------------
def test_staff_keep_the_committee_and_residents_read_it(world):
    path = f"/communities/{world.c1}/committee/members"
    listed = world.get(path, "r_garden")["items"]
    assert [(m["name"], m["kind"]) for m in listed] == [
        ("陈建华", "compound_party"), ("周立新", "property"), ("张志强", "unit")]
    cadre = world.post(path, "staff1", {"name": "林晓", "unit": "区委组织部",
                                        "position": "下派第一书记", "kind": "cadre"}, 201)
    assert cadre["left_on"] is None and cadre["user_id"] is None
    world.post(path, "r_garden", {"name": "x", "unit": "y", "kind": "unit"}, 403)
    world.post(path, "staff2", {"name": "x", "unit": "y", "kind": "unit"}, 403)
    owners = world.body("owners_committee")["id"]
    # A member represents a body of the matching kind in the community.
    world.post(path, "staff1", {"name": "刘明", "unit": "业委会", "kind": "property",
                                "body_id": owners}, 422)
    other = world.body("owners_committee", ("c2garden",), who="staff2",
                       community=world.c2)["id"]
    world.post(path, "staff1", {"name": "刘明", "unit": "业委会", "kind": "owners_committee",
                                "body_id": other}, 422)
    world.post(path, "staff1", {"name": "刘明", "unit": "业委会", "kind": "owners_committee",
                                "body_id": owners}, 201)
    world.post(path, "staff1", {"user_id": world.users["chen"], "name": "陈建华", "unit": "x",
                                "kind": "unit"}, 409)
    left = world.post(f"{path}/{cadre['id']}/leave", "staff1", {}, 200)
    assert left["left_on"]
    world.post(f"{path}/{cadre['id']}/leave", "staff1", {}, 409)
    assert len(world.get(path, "staff1")["items"]) == 4
    assert len(world.get(f"{path}?include_past=true", "staff1")["items"]) == 5


# -- meetings ----------------------------------------------------------------------------------
def test_minutes_with_attendance_and_a_file_once_after_the_meeting(world):
    later = world.meeting(days_ago=-3)
    refused = world.post(f"/meetings/{later['id']}/minutes", "staff1",
                         {"text": "纪要", "attendee_ids": [world.m_chen]}, 409)
    assert refused["error"]["code"] == "meeting_not_held"
    world.post(f"/meetings/{later['id']}/resolutions", "staff1", {
        "title": "x", "owner_member_id": world.m_zhou,
        "due_on": str(utcnow().date() + timedelta(days=9))}, 409)

    made = world.meeting()
    assert [(a["title"], a["feedback_id"], a["renovation_id"]) for a in made["agenda"]] == [
        ("3栋雨棚漏水", 12, None), ("老旧院落改造清单", None, 3)]
    path = f"/meetings/{made['id']}/minutes"
    pdf = world.upload("staff1", "pdf")
    world.post(path, "staff1", {"text": "纪要", "attendee_ids": [world.m_chen, 999]}, 422)
    world.post(path, "chen", {"text": "纪要", "attendee_ids": [world.m_chen]}, 403)
    done = world.post(path, "staff1", {"text": "议定两项", "file_id": pdf,
                                       "attendee_ids": [world.m_chen, world.m_unit]}, 200)
    assert [a["name"] for a in done["attendees"]] == ["陈建华", "张志强"]
    assert done["minutes"] == "议定两项" and done["files"][0]["id"] == pdf
    again = world.post(path, "staff1", {"text": "再记", "attendee_ids": [world.m_chen]}, 409)
    assert again["error"]["code"] == "minutes_recorded"
    # Members with an account read meetings and their files; residents do not.
    seen = world.get(f"/meetings/{made['id']}", "chen")
    assert world.file_status("chen", seen["files"][0]["url"]) == 200
    for who in ("r_garden", "r_c2", "staff2", "outsider"):
        world.get(f"/meetings/{made['id']}", who, 404)
        assert world.file_status(who, pdf) == 404
    world.get(f"/meetings?community_id={world.c1}", "r_garden", 404)
    assert len(world.get(f"/meetings?community_id={world.c1}", "street1")["items"]) == 2


# -- projects ------------------------------------------------------------------------------------
def test_project_states_from_planned_to_done(world):
    made = world.project()
    assert (made["status"], made["percent"], made["overdue"]) == ("planned", 0, False)
    assert _notes(world, "project_assigned") == [world.users["zhou"]]
    pid = made["id"]
    world.post(f"/projects/{pid}/done", "zhou", {"result": "完成"}, 409)  # not started
    started = world.post(f"/projects/{pid}/start", "zhou", {}, 200)
    assert started["status"] == "in_progress" and started["started_at"]
    world.post(f"/projects/{pid}/start", "zhou", {}, 409)
    photo = world.upload("zhou")
    noted = world.post(f"/projects/{pid}/progress", "zhou",
                       {"note": "材料到场", "percent": 60, "photo_ids": [photo]}, 201)
    assert noted["percent"] == 60 and noted["progress"][0]["photos"][0]["id"] == photo
    lower = world.post(f"/projects/{pid}/progress", "zhou", {"note": "x", "percent": 40}, 422)
    assert "percent" in lower["error"]["details"]["fields"]
    world.post(f"/projects/{pid}/progress", "chen", {"note": "x", "percent": 70}, 403)
    world.post(f"/projects/{pid}/progress", "r_garden", {"note": "x", "percent": 70}, 403)
    result_photo = world.upload("zhou")
    finished = world.post(f"/projects/{pid}/done", "zhou",
                          {"result": "雨棚已更换", "photo_ids": [result_photo]}, 200)
    assert (finished["status"], finished["percent"]) == ("done", 100)
    assert finished["result"] == "雨棚已更换" and finished["photos"][0]["id"] == result_photo
    for step, body in (("progress", {"note": "x", "percent": 100}), ("start", {}),
                       ("done", {"result": "x"}), ("drop", {"reason": "x"})):
        refused = world.post(f"/projects/{pid}/{step}", "staff1", body, 409)
        assert refused["error"]["code"] == "invalid_transition"
        assert refused["error"]["details"]["status"] == "done"
    # Residents of the community see the project, its progress and photos.
    seen = world.get(f"/projects/{pid}", "r_garden")
    assert seen["can_work"] is False
    assert world.file_status("r_garden", seen["progress"][0]["photos"][0]["url"]) == 200


def test_a_first_progress_note_starts_a_project_and_staff_drop_with_a_reason(world):
    pid = world.project(owner=world.m_unit)["id"]
    noted = world.post(f"/projects/{pid}/progress", "staff1", {"note": "已选址", "percent": 10},
                       201)
    assert noted["status"] == "in_progress"
    world.post(f"/projects/{pid}/drop", "staff1", {}, 422)
    world.post(f"/projects/{pid}/drop", "zhou", {"reason": "x"}, 403)  # not the owner's call
    dropped = world.post(f"/projects/{pid}/drop", "staff1", {"reason": "供电线路无法接入"}, 200)
    assert (dropped["status"], dropped["drop_reason"]) == ("dropped", "供电线路无法接入")
    world.post(f"/projects/{pid}/progress", "staff1", {"note": "x", "percent": 20}, 409)
    planned = world.project()["id"]
    assert world.post(f"/projects/{planned}/drop", "staff1", {"reason": "重复"},
                      200)["status"] == "dropped"
    statuses = [p["status"] for p in
                world.get(f"/projects?community_id={world.c1}", "r_garden")["items"]]
    assert statuses == ["dropped", "dropped"]


def test_a_resolution_needs_a_member_in_office_and_a_due_date_after_the_meeting(world):
    meeting = world.meeting()
    path = f"/meetings/{meeting['id']}/resolutions"
    due = str(utcnow().date() + timedelta(days=30))
    world.post(path, "staff1", {"title": "x", "owner_member_id": 999, "due_on": due}, 422)
    world.post(path, "staff1", {"title": "x", "owner_member_id": world.m_chen,
                                "due_on": str(utcnow().date() - timedelta(days=30))}, 422)
    world.post(path, "staff1", {"title": "x", "owner_member_id": world.m_chen, "due_on": due,
                                "agenda_item_id": 999}, 422)
    world.post(path, "chen", {"title": "x", "owner_member_id": world.m_chen, "due_on": due},
               403)
    made = world.post(path, "staff1", {"title": "落实改造清单", "owner_member_id": world.m_chen,
                                       "due_on": due,
                                       "agenda_item_id": meeting["agenda"][1]["id"]}, 201)
    assert made["agenda_item_id"] == meeting["agenda"][1]["id"]
    detail = world.get(f"/meetings/{meeting['id']}", "staff1")
    assert [p["id"] for p in detail["projects"]] == [made["id"]]


def test_overdue_projects_are_flagged_and_escalated_once(world):
    from app.projects.jobs import escalate_job
    from app.projects.models import Project

    late = world.project(title="逾期项目")["id"]
    ontime = world.project(title="按期项目")["id"]
    done = world.project(title="已完成")["id"]
    world.post(f"/projects/{done}/start", "zhou", {}, 200)
    world.post(f"/projects/{done}/done", "zhou", {"result": "好了"}, 200)
    yesterday = utcnow().date() - timedelta(days=1)
    world.db_exec(sa.update(Project).where(Project.id.in_([late, done])).values(
        due_on=yesterday))
    flags = {p["id"]: p["overdue"] for p in
             world.get(f"/projects?community_id={world.c1}", "staff1")["items"]}
    assert flags == {late: True, ontime: False, done: False}
    only = world.get(f"/projects?community_id={world.c1}&overdue=true", "staff1")["items"]
    assert [p["id"] for p in only] == [late]
    with world.app.app_context():
        assert escalate_job() == 1
        assert escalate_job() == 0
    assert _notes(world, "project_overdue") == sorted(
        [world.users["staff1"], world.users["street1"], world.users["zhou"]])
    assert world.get(f"/projects/{late}", "staff1")["escalated"] is True


def test_staff_are_reminded_once_when_a_quarter_passed_without_a_meeting(world):
    from app.projects import service
    from app.projects.jobs import remind_meetings_job

    year, quarter = service.previous_quarter(service.local_day(utcnow()))
    first, nxt = service.quarter_bounds(year, quarter)
    # 昌达街社区 has a 大党委 too, and met in that quarter (on its last evening, Shanghai time).
    world.post(f"/communities/{world.c2}/committee/members", "staff2", {
        "name": "王五", "unit": "街道", "kind": "cadre", "joined_on": str(first)}, 201)
    last_evening = datetime(nxt.year, nxt.month, nxt.day, tzinfo=UTC) - timedelta(hours=9)
    world.post("/meetings", "staff2", {"community_id": world.c2, "title": "季度会",
                                       "held_at": last_evening.isoformat()}, 201)
    with world.app.app_context():
        assert remind_meetings_job() == 1
        assert remind_meetings_job() == 0
    assert _notes(world, "meeting_missing") == [world.users["staff1"]]


def test_done_projects_count_by_shanghai_dates(world):
    from app.projects import service
    from app.projects.models import Project

    ids = [world.project(title=f"项目{i}")["id"] for i in range(3)]
    for pid in ids:
        world.post(f"/projects/{pid}/start", "zhou", {}, 200)
    for pid in ids[:2]:
        world.post(f"/projects/{pid}/done", "zhou", {"result": "完成"}, 200)
    # 31 March 23:30 and 1 April 00:30 in Shanghai.
    world.db_exec(sa.update(Project).where(Project.id == ids[0]).values(
        finished_at=datetime(2026, 3, 31, 15, 30, tzinfo=UTC)))
    world.db_exec(sa.update(Project).where(Project.id == ids[1]).values(
        finished_at=datetime(2026, 3, 31, 16, 30, tzinfo=UTC)))
    with world.app.app_context():
        assert service.done_projects_count(world.c1, date(2026, 1, 1), date(2026, 3, 31)) == 1
        assert service.done_projects_count(world.c1, date(2026, 4, 1), date(2026, 6, 30)) == 1
        assert service.done_projects_count(world.c1, date(2026, 1, 1), date(2026, 12, 31)) == 2
        assert service.done_projects_count(world.c2, date(2026, 1, 1), date(2026, 12, 31)) == 0


def test_outsiders_get_404_on_every_record(world):
    meeting = world.meeting()
    project = world.project(meeting_id=meeting["id"])
    photo = world.upload("zhou")
    world.post(f"/projects/{project['id']}/progress", "zhou",
               {"note": "开工", "percent": 10, "photo_ids": [photo]}, 201)
    paths = [f"/projects/{project['id']}", f"/projects?community_id={world.c1}",
             f"/communities/{world.c1}/committee/members", f"/meetings/{meeting['id']}",
             f"/meetings?community_id={world.c1}"]
    for who in ("r_c2", "staff2", "outsider", "r_pending", "street_other"):
        for path in paths:
            world.get(path, who, 404)
        assert world.file_status(who, photo) == 404
        world.post(f"/projects/{project['id']}/progress", who, {"note": "x", "percent": 50},
                   404)
        world.post(f"/meetings/{meeting['id']}/minutes", who,
                   {"text": "x", "attendee_ids": [world.m_chen]}, 404)
    assert world.file_status("r_garden", photo) == 200


def test_the_project_list_finds_my_only_community(world):
    world.project()
    for who in ("zhou", "r_garden", "staff1"):  # a member, a resident, staff
        assert len(world.get("/projects", who)["items"]) == 1
    world.get("/projects", "outsider", 422)
    assert world.get("/projects", "r_c2")["items"] == []  # their own community's
