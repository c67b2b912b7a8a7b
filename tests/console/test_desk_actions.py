"""The desk actions in a real browser: editing an activity and a shift (capacity against the
sign-ups, the waitlist promoted), feedback, mediation and project actions on the governance
screen, and a new merchant with its first item. Each result is read back through the API."""
import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

SHANGHAI = timezone(timedelta(hours=8))
SITE = {"location_name": "观湖志愿V站", "lat": 29.3401, "lng": 105.2893}


def _ok(resp, status=(200, 201)):
    assert resp.status_code in status, resp.text
    return resp.json()


def _message(page, text):
    """The console's toast saying `text` (the API's Chinese message on an error)."""
    return page.locator(".el-message").filter(has_text=text)


def _fill_number(locator, value):
    box = locator.locator("input")
    box.fill(str(value))
    box.blur()


def test_edit_an_activity_and_its_shift(server, page, api, console_login):
    base = server["base"]
    staff = api("demo-staff-1")
    start = (datetime.now(SHANGHAI) + timedelta(days=3)).replace(microsecond=0)
    act = _ok(staff.post(f"{base}/api/v1/activities", json={
        "community_id": 1, "title": "楼道清洁日", "shifts": [{
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
            "capacity": 2, "points_per_hour": 10, **SITE}]}))
    aid, sid = act["id"], act["shifts"][0]["id"]
    people = {o: api(o) for o in ("demo-volunteer-1", "demo-resident-1", "demo-resident-2")}
    statuses = [_ok(p.post(f"{base}/api/v1/shifts/{sid}/signup"))["status"]
                for p in people.values()]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]

    console_login("demo-staff-1", "/console/volunteering?community_id=1")
    page.get_by_test_id(f"edit-activity-{aid}").click()
    form = page.get_by_test_id("activity-edit-form")
    form.locator("input").first.fill("楼道清洁与消杀日")
    page.get_by_test_id("activity-save").click()
    expect(page.get_by_test_id("activities")).to_contain_text("楼道清洁与消杀日")
    assert _ok(staff.get(f"{base}/api/v1/activities/{aid}"))["title"] == "楼道清洁与消杀日"

    # Below the two confirmed sign-ups: refused, with the API's Chinese message.
    page.get_by_test_id(f"edit-shift-{sid}").click()
    capacity = page.get_by_test_id("shift-form").locator(".el-input-number").first
    _fill_number(capacity, 1)
    page.get_by_test_id("shift-save").click()
    expect(_message(page, "容量不能少于已确认报名人数（2人）")).to_be_visible()
    # Raised to 3: the waitlisted volunteer is confirmed.
    _fill_number(capacity, 3)
    page.get_by_test_id("shift-save").click()
    expect(_message(page, "已保存")).to_be_visible()
    expect(page.get_by_test_id("activities")).to_contain_text("3 / 3")
    shift = _ok(people["demo-resident-2"].get(f"{base}/api/v1/shifts/{sid}"))
    assert (shift["capacity"], shift["signed_up"], shift["my_status"]) == (3, 3, "confirmed")


def _report(base, resident, text):
    return _ok(resident.post(f"{base}/api/v1/feedback", json={
        "community_id": 1, "category": "facility", "text": text, "lat": SITE["lat"],
        "lng": SITE["lng"]}))["id"]


def _prompt(page, title, text):
    """Types `text` into the box titled `title` (a reply or a reason) and sends it."""
    box = page.get_by_role("dialog", name=title)
    box.locator("textarea").fill(text)
    box.get_by_role("button", name="确定").click()


def _confirm(page, button="确定"):
    page.get_by_role("dialog", name="请确认").get_by_role("button", name=button).click()


def test_feedback_accept_resolve_transfer_and_close(server, page, api, console_login):
    base = server["base"]
    staff, resident = api("demo-staff-1"), api("demo-resident-1")
    first = _report(base, resident, "观湖花园2栋电梯按钮失灵")
    second = _report(base, resident, "小区东门路面塌陷需要市政维修")
    third = _report(base, resident, "楼下商铺夜间噪音扰民")
    status = lambda rid: _ok(staff.get(f"{base}/api/v1/feedback/{rid}"))["status"]  # noqa: E731

    console_login("demo-staff-1", "/console/governance?tab=feedback&status=open&community_id=1")
    page.get_by_test_id(f"feedback-accept-{first}").click()
    expect(_message(page, "已受理")).to_be_visible()
    assert status(first) == "accepted"

    page.goto(f"{base}/console/governance?tab=feedback&status=accepted&community_id=1")
    # A reply the content check refuses: the API's Chinese message, nothing changes.
    page.get_by_test_id(f"feedback-resolve-{first}").click()
    _prompt(page, f"答复办结：第 {first} 号", "违禁词大促")
    expect(_message(page, "内容含有不当信息")).to_be_visible()
    assert status(first) == "accepted"
    page.get_by_test_id(f"feedback-resolve-{first}").click()
    _prompt(page, f"答复办结：第 {first} 号", "已更换电梯按钮面板，请试用")
    expect(_message(page, "已答复办结")).to_be_visible()
    assert status(first) == "resolved"

    page.goto(f"{base}/console/governance?tab=feedback&status=open&community_id=1")
    page.get_by_test_id(f"feedback-transfer-{second}").click()
    _prompt(page, f"转街道：第 {second} 号", "涉及市政道路，需街道协调")
    _confirm(page)
    expect(_message(page, "已转街道")).to_be_visible()
    assert status(second) == "transferred"

    # Closing unresolved asks for a reason, then for confirmation; cancelling changes nothing.
    page.get_by_test_id(f"feedback-close_unresolved-{third}").click()
    _prompt(page, f"办结未解决：第 {third} 号", "商铺已搬离，无法核实")
    _confirm(page, "取消")
    assert status(third) == "open"
    page.get_by_test_id(f"feedback-close_unresolved-{third}").click()
    _prompt(page, f"办结未解决：第 {third} 号", "商铺已搬离，无法核实")
    _confirm(page)
    expect(_message(page, "已办结未解决")).to_be_visible()
    assert status(third) == "closed_unresolved"


def test_mediation_session_and_outcome(server, page, api, console_login):
    base = server["base"]
    staff = api("demo-staff-1")
    case = _ok(staff.post(f"{base}/api/v1/mediations", json={
        "community_id": 1, "kind": "neighbour", "summary": "楼上装修噪音，楼下老人无法午休",
        "parties": [{"name": "王建国"}, {"name": "刘秀英"}]}))["id"]

    console_login("demo-staff-1", "/console/governance?tab=mediation&status=open&community_id=1")
    page.get_by_test_id(f"mediation-session-{case}").click()
    page.get_by_test_id("mediation-session-form").locator("textarea").fill(
        "双方到场，约定装修时间避开午休")
    page.get_by_test_id("mediation-save").click()
    expect(_message(page, "已记录")).to_be_visible()
    detail = _ok(staff.get(f"{base}/api/v1/mediations/{case}"))
    assert [s["notes"] for s in detail["sessions"]] == ["双方到场，约定装修时间避开午休"]

    page.get_by_test_id(f"mediation-close-{case}").click()
    form = page.get_by_test_id("mediation-close-form")
    form.get_by_text("移交处理").click()
    form.locator("input[maxlength='100']").fill("古湖街道城管中队")
    page.get_by_test_id("mediation-save").click()
    _confirm(page)
    expect(_message(page, "已结案")).to_be_visible()
    detail = _ok(staff.get(f"{base}/api/v1/mediations/{case}"))
    assert (detail["status"], detail["outcome"], detail["referred_to"]) == (
        "closed", "referred", "古湖街道城管中队")


def test_project_moves_along_the_kanban(server, page, api, console_login):
    base = server["base"]
    staff = api("demo-staff-1")
    running = [p for p in _ok(staff.get(f"{base}/api/v1/projects",
                                        params={"community_id": 1, "limit": 100}))["items"]
               if p["status"] == "in_progress"]
    assert running, "the demo has a project in progress"
    project = running[0]
    pid = project["id"]

    console_login("demo-staff-1", "/console/governance?tab=projects&community_id=1")
    page.get_by_test_id(f"project-progress-{pid}").click()
    form = page.get_by_test_id("project-progress-form")
    _fill_number(form.locator(".el-input-number"), 80)
    form.locator("textarea").fill("电力已接入，灯杆安装完成")
    page.get_by_test_id("project-progress-save").click()
    expect(_message(page, "已登记进展")).to_be_visible()
    assert _ok(staff.get(f"{base}/api/v1/projects/{pid}"))["percent"] == 80

    page.get_by_test_id(f"project-done-{pid}").click()
    _prompt(page, f"完成：{project['title']}", "路灯4盏已亮灯，经居民代表验收")
    _confirm(page)
    expect(_message(page, "已完成")).to_be_visible()
    assert _ok(staff.get(f"{base}/api/v1/projects/{pid}"))["status"] == "done"
    done_column = page.get_by_test_id("projects-board").locator(".column").nth(2)
    expect(done_column).to_contain_text(project["title"])


def test_create_a_merchant_and_its_first_item(server, page, api, console_login):
    base = server["base"]
    staff = api("demo-staff-1")
    console_login("demo-staff-1", "/console/catalog?tab=items")
    page.get_by_test_id("new-merchant").click()
    form = page.get_by_test_id("form-dialog")
    form.locator("input").first.fill("观湖便民理发店")
    form.locator(".el-select").first.click()
    page.locator(".el-select-dropdown__item:visible").filter(has_text="观湖社区").first.click()
    page.get_by_test_id("form-save").click()
    expect(_message(page, "已保存")).to_be_visible()
    merchants = _ok(staff.get(f"{base}/api/v1/mall/merchants", params={"limit": 100}))["items"]
    mine = [m for m in merchants if m["name"] == "观湖便民理发店"]
    assert len(mine) == 1 and mine[0]["community_id"] == 1
    expect(page).to_have_url(re.compile(rf"merchant_id={mine[0]['id']}"))

    page.get_by_test_id("new-item").click()
    form = page.get_by_test_id("form-dialog")
    form.locator("input").first.fill("老人免费理发券")
    form.locator(".el-select").first.click()
    page.locator(".el-select-dropdown__item:visible").filter(has_text="服务").first.click()
    numbers = form.locator(".el-input-number")
    _fill_number(numbers.nth(0), 20)
    _fill_number(numbers.nth(1), 30)
    page.get_by_test_id("form-save").click()
    expect(page.get_by_test_id("items")).to_contain_text("老人免费理发券")
    items = _ok(staff.get(f"{base}/api/v1/mall/items", params={
        "merchant_id": mine[0]["id"], "include_unpublished": "true"}))["items"]
    assert [(i["title"], i["price_points"], i["stock"]) for i in items] == [
        ("老人免费理发券", 20, 30)]
