"""`make console-screenshots`: a PNG of each main screen under console/screenshots/ for review
(in a plain test run they go to a temporary folder, and the test checks they were drawn)."""
import os
from pathlib import Path

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]


def test_screenshots(server, page, api, console_login, tmp_path):
    out = Path(os.environ["LLT_SCREENSHOTS"]) if os.environ.get("LLT_SCREENSHOTS") else tmp_path
    if not out.is_absolute():
        out = ROOT / out
    out.mkdir(parents=True, exist_ok=True)
    shots = []

    page.goto(server["base"] + "/console/login")
    expect(page.get_by_test_id("login-qr")).to_be_visible()
    shots.append(out / "01-login.png")
    page.screenshot(path=shots[-1])

    console_login("demo-staff-1")
    expect(page.get_by_text("已更新")).to_be_visible()
    shots.append(out / "02-dispatch-board.png")
    page.screenshot(path=shots[-1], full_page=True)

    page.get_by_test_id("queue").locator("tbody tr").first.click()
    expect(page.get_by_test_id("timeline")).to_be_visible()
    shots.append(out / "03-dispatch-detail.png")
    page.screenshot(path=shots[-1], full_page=True)

    for shot in shots:
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000
