"""What a walk through the console as each of its users turned up: words on screen that did not
fit, lists that showed another community's records, pages that failed for a street admin."""
from playwright.sync_api import expect


def first_shift(server, api):
    staff = api("demo-staff-1")
    acts = staff.get(f"{server['base']}/api/v1/activities",
                     params={"community_id": 1, "upcoming": "true"}).json()["items"]
    return [s for a in acts for s in a["shifts"] if not s["closed"]]


def test_shift_state_follows_its_times(server, page, api, console_login):
    shifts = first_shift(server, api)
    console_login("demo-staff-1", then="/console/volunteering?community_id=1")
    states = page.get_by_test_id("shift-state")
    expect(states.first).to_be_visible()
    shown = set(states.all_inner_texts())
    assert shown <= {"未开始", "进行中", "待结束", "已结束"}, shown
    assert len(shown & {"未开始", "进行中"}) >= 1 and len(shifts) >= 1


def test_staff_see_category_names_not_codes(server, page, console_login):
    console_login("demo-staff-1", then="/console/catalog?tab=categories")
    table = page.get_by_test_id("categories")
    expect(table).to_contain_text("家电维修")
    expect(table).not_to_contain_text("appliance_repair")


def test_staff_of_community_2_see_no_mall_or_shift_of_community_1(
        server, page, api, console_login):
    console_login("demo-staff-2", then="/console/catalog?tab=items")
    # Community 2 has no merchant in the demo data: the list is empty, not 观湖's.
    expect(page.get_by_test_id("list-empty")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("观湖")
    # The merchant filter shows its placeholder, not the URL's empty value "0".
    expect(page.locator(".el-select").first).to_have_text("全部商户")

    shift = first_shift(server, api)[0]
    page.goto(f"{server['base']}/console/volunteering/shifts/{shift['id']}/qr")
    qr = page.get_by_test_id("checkin-qr-page")
    expect(qr).to_contain_text("班次不存在或无权查看")
    expect(qr).not_to_contain_text("观湖")
    expect(qr).not_to_contain_text("正在获取签到码")


def test_street_admin_reads_feedback_and_every_governance_tab(server, page, console_login):
    console_login("demo-street-1", then="/console/governance?tab=feedback",
                  landing="**/console/governance**")
    expect(page.get_by_test_id("feedback-list")).to_be_visible()
    for tab in ("feedback", "mediation", "projects", "evaluations"):
        page.goto(f"{server['base']}/console/governance?tab={tab}")
        expect(page.locator(".el-tabs")).to_be_visible()
        page.wait_for_timeout(1000)
        expect(page.get_by_test_id("list-error")).to_have_count(0)
        expect(page.locator(".el-message--error")).to_have_count(0)


def test_a_new_activity_says_what_it_lacks_before_sending(server, page, console_login):
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST"
            and r.url.endswith("/api/v1/activities") else None)
    console_login("demo-staff-1", then="/console/volunteering?community_id=1")
    page.get_by_role("button", name="新建活动").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="创建").click()
    expect(page.locator(".el-message")).to_contain_text("请填写活动名称")
    dialog.get_by_test_id("activity-form").locator("input").first.fill("楼道清扫")
    dialog.get_by_role("button", name="创建").click()
    expect(page.locator(".el-message").last).to_contain_text("请选择班次的开始和结束时间")
    assert sent == []


def test_the_queue_count_does_not_pass_a_page_for_the_total(server, page, console_login):
    # 78 confirmed requests in the demo data, 50 to a page: not "共 50 条".
    console_login("demo-staff-1", then="/console/dispatch?status=confirmed")
    count = page.get_by_test_id("queue-count")
    expect(count).to_contain_text("已加载 50 条，还有更多")
    page.get_by_role("button", name="加载更多").click()
    expect(count).not_to_contain_text("已加载 50 条")


def test_the_organisation_department_sees_only_the_tabs_it_may_open(server, page, console_login):
    console_login("demo-orgdept-1", then="/console/governance?tab=feedback",
                  landing="**/console/governance**")
    tabs = page.locator(".el-tabs__item")
    expect(tabs.first).to_have_text("会议与项目")
    expect(page.locator(".el-tabs__nav")).not_to_contain_text("社情民意")
    expect(page.locator(".el-tabs__nav")).not_to_contain_text("矛盾调解")
    page.wait_for_timeout(1000)
    expect(page.locator(".el-message--error")).to_have_count(0)


def test_a_transferred_report_is_the_streets_to_accept(server, page, api, console_login):
    base = server["base"]
    staff = api("demo-staff-1")
    reports = staff.get(f"{base}/api/v1/feedback", params={
        "scope": "community", "community_id": 1, "status": "transferred"}).json()["items"]
    assert reports, "the demo data has a report transferred to the street"
    rid = reports[0]["id"]
    console_login("demo-staff-1",
                  then="/console/governance?tab=feedback&status=transferred&community_id=1")
    expect(page.get_by_test_id(f"feedback-close_unresolved-{rid}")).to_be_visible()
    expect(page.get_by_test_id(f"feedback-accept-{rid}")).to_have_count(0)

    page.context.clear_cookies()
    page.evaluate("() => { localStorage.clear(); sessionStorage.clear() }")
    console_login("demo-street-1", then="/console/governance?tab=feedback&community_id=1",
                  landing="**/console/governance**")
    page.get_by_test_id(f"feedback-accept-{rid}").click()
    expect(page.locator(".el-message").filter(has_text="已受理")).to_be_visible()
    after = staff.get(f"{base}/api/v1/feedback/{rid}").json()
    assert after["status"] == "accepted"
