"""Logging into the console: the QR ticket confirmed from the mini-program, the dev link."""
import re

from playwright.sync_api import expect


def test_login_by_ticket_confirmed_as_the_mini_program_would(server, page, api):
    page.goto(server["base"] + "/console/")
    expect(page).to_have_url(re.compile(r"/console/login"))
    qr = page.get_by_test_id("login-qr")
    expect(qr).to_be_visible()
    payload = page.get_by_test_id("login-ticket").get_attribute("data-qr")
    assert payload.startswith("llt-console:")
    ticket = payload.split(":", 1)[1]
    # Nothing in the page's address or storage but this tab's sessionStorage holds the secret.
    assert page.evaluate("localStorage.getItem('llt.console.token')") is None

    # Someone who only saw the QR cannot collect the token.
    stranger = api("demo-staff-1").get(f"{server['base']}/api/v1/auth/console-tickets/{ticket}",
                                        headers={"X-Poll-Secret": "seen-the-qr"})
    assert stranger.status_code == 403

    confirm = api("demo-staff-1").post(
        f"{server['base']}/api/v1/auth/console-tickets/{ticket}/confirm")
    assert confirm.status_code == 200, confirm.text

    expect(page).to_have_url(re.compile(r"/console/dispatch"), timeout=10000)
    expect(page.get_by_test_id("logout")).to_be_visible()
    assert page.evaluate("localStorage.getItem('llt.console.token')")

    # Logging out ends the session; the console asks for a new ticket.
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/console/login"))


def test_a_resident_cannot_confirm_and_the_page_keeps_waiting(server, page, api):
    page.goto(server["base"] + "/console/login")
    payload = page.get_by_test_id("login-ticket").get_attribute("data-qr")
    ticket = payload.split(":", 1)[1]
    resp = api("demo-resident-1").post(
        f"{server['base']}/api/v1/auth/console-tickets/{ticket}/confirm")
    assert resp.status_code == 403
    expect(page.get_by_test_id("login-status")).to_have_text("等待扫码确认")


def test_dev_link_logs_in_once(server, page, console_login):
    console_login("demo-staff-1")
    expect(page.get_by_test_id("user-name")).to_be_visible()
