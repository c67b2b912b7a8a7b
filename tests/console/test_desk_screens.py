"""The desk screens in a real browser: approvals in bulk, the on-site check-in QR, the figures
dashboard with its Excel export (and, with LLT_SCREENSHOTS set, a PNG of each screen)."""
import io
import os
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
STATION = {"lat": 29.3402, "lng": 105.2893}  # 观湖志愿V站 (demo), inside its 200 m
# The QR decoder, a devDependency of the console (installed by `make console`).
JSQR = ROOT / "console" / "node_modules" / "jsqr" / "dist" / "jsQR.js"


def _live_shift(base, staff):
    """The demo activity's shift running now (community 1)."""
    acts = staff.get(f"{base}/api/v1/activities",
                     params={"community_id": 1, "upcoming": "true"}).json()["items"]
    shifts = [s for a in acts for s in a["shifts"] if not s["closed"]]
    return min(shifts, key=lambda s: s["starts_at"])["id"]


def _balance(base, session):
    return session.get(f"{base}/api/v1/timebank/account").json()["balance"]


def test_bulk_approve_two_attendances_credits_the_volunteers(server, page, api, console_login):
    base = server["base"]
    staff, admin = api("demo-staff-1"), api("demo-admin")
    shift = _live_shift(base, staff)
    volunteers = {o: api(o) for o in ("demo-volunteer-1", "demo-resident-1")}
    before = {}
    for openid, vol in volunteers.items():
        assert vol.post(f"{base}/api/v1/shifts/{shift}/signup").status_code in (200, 201)
        before[openid] = _balance(base, vol)
        me = vol.get(f"{base}/api/v1/me").json()
        # 补录 by one staff member (the admin), to be approved by another in the console.
        made = admin.post(f"{base}/api/v1/attendances/manual", json={
            "shift_id": shift, "user_id": me["id"], "minutes": 60, "reason": "现场签到设备故障"})
        assert made.status_code == 201, made.text

    console_login("demo-staff-1")
    page.goto(f"{base}/console/approvals?tab=manual&community_id=1")
    table = page.get_by_test_id("review-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    table.locator("thead .el-checkbox").click()
    page.get_by_test_id("bulk-approve").click()
    page.locator(".el-message-box").get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("bulk-summary")).to_contain_text("全部成功，共 2 项")
    expect(page.get_by_test_id("bulk-results").locator("tbody tr")).to_have_count(2)

    # 60 minutes at 10 points an hour, through the time bank, in each volunteer's account.
    for openid, vol in volunteers.items():
        assert _balance(base, vol) == before[openid] + 10
    # Approving again is refused, and the console would say so per item.
    again = staff.post(f"{base}/api/v1/attendances/1/approve", json={})
    assert again.status_code in (403, 404, 409)


def test_the_checkin_qr_page_shows_a_code_the_api_accepts(server, page, api, console_login):
    base = server["base"]
    staff = api("demo-staff-1")
    shift = _live_shift(base, staff)
    console_login("demo-staff-1")
    page.goto(f"{base}/console/volunteering/shifts/{shift}/qr")
    qr = page.get_by_test_id("checkin-qr")
    expect(qr).to_have_attribute("data-qr", re.compile(rf"^llt:checkin:{shift}:[0-9]{{6}}$"))
    expect(page.get_by_test_id("checkin-countdown")).to_contain_text("秒后更新")
    # The QR is drawn: dark modules on the canvas.
    dark = page.evaluate("""() => { const c = document.querySelector('[data-testid=checkin-qr]');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 100 && d[i + 3] > 0) n++;
        return n }""")
    assert dark > 1000

    vol = api("demo-resident-2")
    assert vol.post(f"{base}/api/v1/shifts/{shift}/signup").status_code in (200, 201)
    # What a phone's camera would read: the QR decoded from the canvas's pixels (jsQR, run
    # in the page), never the digits printed beside it. A code may rotate between the
    # decoding and the check-in, so a second reading is allowed.
    page.add_script_tag(path=str(JSQR))
    for _attempt in range(2):
        payload = _decode_qr(page)
        assert re.fullmatch(rf"llt:checkin:{shift}:[0-9]{{6}}", payload or ""), payload
        code = payload.rsplit(":", 1)[1]
        resp = vol.post(f"{base}/api/v1/shifts/{shift}/checkin", json={**STATION, "code": code})
        if resp.status_code != 422 or resp.json()["error"]["code"] != "code_expired":
            break
        page.wait_for_timeout(2000)
    assert resp.status_code == 201, resp.text
    assert resp.json()["status"] == "checked_in"


def _decode_qr(page):
    """The text of the QR drawn on the check-in canvas, decoded by jsQR from its pixels."""
    return page.evaluate("""() => { const c = document.querySelector('[data-testid=checkin-qr]');
        const img = c.getContext('2d').getImageData(0, 0, c.width, c.height);
        const found = window.jsQR(img.data, img.width, img.height);
        return found ? found.data : null }""")


def _stats_api(server, api):
    resp = api("demo-staff-1").get(f"{server['base']}/api/v1/stats/summary",
                                   params={"community_id": 1})
    return resp.status_code != 404


def test_the_dashboard_draws_its_charts_and_exports_excel(server, page, api, console_login,
                                                          tmp_path):
    if not _stats_api(server, api):
        pytest.skip("the figures API (GET /stats/summary) is not on this branch")
    base = server["base"]
    console_login("demo-staff-1")
    page.goto(f"{base}/console/figures?community_id=1")
    expect(page.locator("[data-figure=services_done] .value")).to_be_visible()
    for chart in ("services", "hours", "problems", "points"):
        canvas = page.get_by_test_id(f"chart-{chart}").locator("canvas")
        expect(canvas).to_be_visible()
    page.wait_for_timeout(1500)  # the charts' opening animation
    painted = page.evaluate("""() => [...document.querySelectorAll('[data-testid^=chart-] canvas')]
        .map((c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n })""")
    assert len(painted) == 4 and all(n > 500 for n in painted), painted
    # A figure links to the records behind it.
    href = page.locator("[data-figure=problems_solved]").get_attribute("href")
    assert "/console/governance" in href and "tab=feedback" in href

    with page.expect_download(timeout=60000) as info:
        page.get_by_test_id("export").click()
    path = tmp_path / "figures.xlsx"
    info.value.save_as(path)
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    assert book.sheetnames


SCREENS = [
    ("04-approvals", "/console/approvals?tab=attendance&community_id=1", "review-table"),
    ("05-volunteering", "/console/volunteering?community_id=1", "activities"),
    ("06-governance", "/console/governance?tab=projects&community_id=1", "projects-board"),
    ("07-catalog", "/console/catalog?tab=partners", "partners"),
    ("08-figures", "/console/figures?community_id=1", None),
]


def test_screenshots_desk_screens(server, page, api, console_login, tmp_path):
    """`make console-screenshots` (beside test_screenshots.py's login and dispatch board)."""
    out = Path(os.environ["LLT_SCREENSHOTS"]) if os.environ.get("LLT_SCREENSHOTS") else tmp_path
    if not out.is_absolute():
        out = ROOT / out
    out.mkdir(parents=True, exist_ok=True)
    base = server["base"]
    console_login("demo-admin")
    shots = []
    for name, path, testid in SCREENS:
        page.goto(base + path)
        if testid:
            page.get_by_test_id(testid).first.wait_for(state="attached")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(800)
        shots.append(out / f"{name}.png")
        page.screenshot(path=shots[-1], full_page=True)
    shift = _live_shift(base, api("demo-staff-1"))
    page.goto(f"{base}/console/volunteering/shifts/{shift}/qr")
    expect(page.get_by_test_id("checkin-qr")).to_have_attribute("data-qr", re.compile(r":\d{6}$"))
    shots.append(out / "09-checkin-qr.png")
    page.screenshot(path=shots[-1])
    for shot in shots:
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000
