"""The dispatch board: the queue overdue first, a request's candidates, dispatch with a
confirmation, the timeline; and staff of another community see nothing of it."""
import re
import uuid

from playwright.sync_api import expect


def order(server, api, description):
    """A resident of community 1 orders 家电维修 through the API, as the mini-program does."""
    resident = api("demo-resident-1")
    me = resident.get(server["base"] + "/api/v1/me").json()
    categories = resident.get(server["base"] + "/api/v1/categories").json()["items"]
    category = next(c for c in categories if c["code"] == "appliance_repair")
    resp = resident.post(server["base"] + "/api/v1/requests",
                         headers={"Idempotency-Key": uuid.uuid4().hex},
                         json={"category_id": category["id"], "description": description,
                               "household_id": me["households"][0]["household_id"]})
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_dispatch_a_request_to_the_best_candidate_and_see_its_timeline(
        server, page, api, console_login):
    req = order(server, api, "厨房水龙头漏水（浏览器测试）")
    console_login("demo-staff-1")
    queue = page.get_by_test_id("queue")
    expect(queue).to_contain_text("厨房水龙头漏水")
    # Overdue first: the first row's countdown is the most urgent one.
    levels = page.locator("[data-testid=queue] [data-testid=countdown]").evaluate_all(
        "els => els.map(e => e.dataset.level)")
    order_rank = {"overdue": 0, "soon": 1, "ok": 2, "none": 3}
    assert [order_rank[x] for x in levels] == sorted(order_rank[x] for x in levels)

    queue.get_by_text("厨房水龙头漏水").click()
    expect(page).to_have_url(re.compile(rf"[?&]id={req['id']}"))
    detail = page.get_by_test_id("request-detail")
    expect(detail.get_by_test_id("detail-status")).to_have_text("待派单")
    candidates = detail.get_by_test_id("candidates")
    best = candidates.locator("tbody tr").first
    expect(best).to_be_visible()
    best_name = best.locator("td").nth(1).inner_text()
    best.get_by_role("button", name="派单").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(best_name)
    dialog.get_by_role("button", name="派单").click()

    expect(detail.get_by_test_id("detail-status")).to_have_text("已派单")
    timeline = detail.get_by_test_id("timeline")
    expect(timeline.locator("[data-action=dispatch]")).to_contain_text("社区派单")
    expect(timeline.locator("[data-action=create]")).to_contain_text("提交需求")

    staff = api("demo-staff-1")
    after = staff.get(f"{server['base']}/api/v1/requests/{req['id']}").json()
    assert after["status"] == "dispatched" and after["partner"]["name"] == best_name
    # The queue row follows (the board reloads after the step, and polls with an ETag).
    row = queue.locator("tr", has_text="厨房水龙头漏水")
    expect(row).to_contain_text("已派单")


def test_cancel_asks_for_a_reason_and_the_api_message_shows(server, page, api, console_login):
    req = order(server, api, "楼道灯不亮（取消测试）")
    console_login("demo-staff-1")
    page.goto(f"{server['base']}/console/dispatch?id={req['id']}")
    detail = page.get_by_test_id("request-detail")
    detail.get_by_test_id("action-cancel").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="确定取消").click()
    expect(dialog).to_contain_text("请填写取消原因")
    dialog.get_by_role("textbox").fill("居民已自行修好")
    dialog.get_by_role("button", name="确定取消").click()
    expect(detail.get_by_test_id("detail-status")).to_have_text("已取消")


def test_staff_of_community_2_see_nothing_of_community_1(server, page, api, console_login):
    req = order(server, api, "空调异响（社区一）")
    console_login("demo-staff-2")
    queue = page.get_by_test_id("queue")
    expect(page.get_by_text("已更新")).to_be_visible()  # the queue has loaded
    expect(page.locator("body")).not_to_contain_text("空调异响")
    shown = {int(t) for t in queue.locator("tbody tr td:first-child").all_inner_texts()}
    theirs = {r["id"] for r in api("demo-staff-1").get(
        server["base"] + "/api/v1/requests", params={"scope": "community"}).json()["items"]}
    assert req["id"] in theirs and not shown & theirs

    # Typing the request's address into the browser shows nothing of it.
    page.goto(f"{server['base']}/console/dispatch?id={req['id']}")
    expect(page.get_by_test_id("detail-error")).to_have_text("需求不存在或无权查看")
    expect(page.locator("body")).not_to_contain_text("空调异响")
    expect(page.get_by_test_id("candidates")).to_have_count(0)

    # Asking for community 1's queue by the filter in the URL is refused by the API.
    page.goto(f"{server['base']}/console/dispatch?community_id=1")
    expect(page.get_by_test_id("queue-error")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("空调异响")
