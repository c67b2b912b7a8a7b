"""代下单 waiting for the resident's agreement on the dispatch board (待居民确认): who placed it,
when it lapses, and cancelling one after a confirmation; staff of another community see none."""
import re
import uuid

from playwright.sync_api import expect


def propose(server, api, phrase="代取药"):
    """小张 (family of 张阿姨) orders 代买代办, paid with her points: it waits in `proposed`."""
    family = api("demo-family-1")
    zhang = api("demo-resident-1").get(server["base"] + "/api/v1/me").json()
    categories = family.get(server["base"] + "/api/v1/categories").json()["items"]
    errand = next(c for c in categories if c["code"] == "errand")
    resp = family.post(server["base"] + "/api/v1/requests",
                       headers={"Idempotency-Key": uuid.uuid4().hex},
                       json={"category_id": errand["id"], "household_id": 1, "phrase": phrase,
                             "for_user_id": zhang["id"], "consent": {"kind": "family"}})
    assert resp.status_code == 201, resp.text
    req = resp.json()
    assert req["status"] == "proposed", req
    return req


def test_proposals_show_placer_and_lapse_and_cancel_after_confirmation(
        server, page, api, console_login):
    req = propose(server, api)
    console_login("demo-staff-1")
    page.get_by_test_id("view-proposed").click()
    expect(page).to_have_url(re.compile(r"[?&]view=proposed"))
    proposals = page.get_by_test_id("proposals")
    row = proposals.locator("tr", has=page.get_by_text(str(req["id"]), exact=True))
    expect(row).to_contain_text("家属代下单：")
    expect(row).to_contain_text(req["deadline_at"][5:16].replace("T", " "))
    expect(row.get_by_test_id("lapse")).to_contain_text("后自动取消")
    expect(page.locator("body")).not_to_contain_text("proposed")

    # The detail says the same and names the status and the placer in Chinese.
    row.locator("td").nth(1).click()
    detail = page.get_by_test_id("request-detail")
    expect(detail.get_by_test_id("detail-status")).to_have_text("待本人确认")
    expect(detail.get_by_test_id("detail-placed-by")).to_contain_text("家属代下单")
    expect(detail.get_by_test_id("timeline")).to_contain_text("代下单人")

    # Cancel asks first; going back leaves it waiting.
    row.get_by_test_id(f"cancel-proposal-{req['id']}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("居民和代下单人会收到通知")
    dialog.get_by_role("button", name="返回").click()
    staff = api("demo-staff-1")
    url = f"{server['base']}/api/v1/requests/{req['id']}"
    assert staff.get(url).json()["status"] == "proposed"

    row.get_by_test_id(f"cancel-proposal-{req['id']}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox").fill("已电话联系，居民不需要了")
    dialog.get_by_role("button", name="确定取消").click()
    expect(row).to_have_count(0)
    assert staff.get(url).json()["status"] == "cancelled"


def test_staff_of_community_2_see_no_proposal_of_community_1(server, page, api, console_login):
    req = propose(server, api, phrase="代缴费")
    console_login("demo-staff-2", then="/console/dispatch?view=proposed")
    proposals = page.get_by_test_id("proposals")
    expect(proposals.get_by_test_id("list-empty")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("家属代下单")
    page.goto(f"{server['base']}/console/dispatch?view=proposed&id={req['id']}")
    expect(page.get_by_test_id("detail-error")).to_have_text("需求不存在或无权查看")
