"""The staff web console's login by ticket: ask, confirm from the mini-program, collect once."""
from datetime import timedelta

import pytest
import time_machine

from app.common.timeutil import utcnow

API = "/api/v1"


@pytest.fixture
def ticket(client):
    resp = client.post(f"{API}/auth/console-tickets")
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def poll(client, ticket, secret):
    return client.get(f"{API}/auth/console-tickets/{ticket['ticket']}",
                      headers={"X-Poll-Secret": secret})


def test_the_qr_holds_only_the_ticket_and_the_secret_is_stored_hashed(client, ticket, db):
    from app.auth.models import ConsoleTicket

    assert ticket["qr"] == "llt-console:" + ticket["ticket"]
    assert ticket["poll_secret"] not in ticket["qr"]
    assert ticket["expires_in"] == 120
    row = db.session.query(ConsoleTicket).one()
    assert row.poll_secret_hash != ticket["poll_secret"] and len(row.poll_secret_hash) == 64
    assert poll(client, ticket, ticket["poll_secret"]).get_json()["status"] == "pending"


def test_confirmed_ticket_gives_a_working_token_once(client, seeded, login, ticket):
    staff = login("demo-staff-1")
    resp = client.post(f"{API}/auth/console-tickets/{ticket['ticket']}/confirm", headers=staff)
    assert resp.status_code == 200 and resp.get_json() == {"status": "confirmed"}

    got = poll(client, ticket, ticket["poll_secret"])
    assert got.status_code == 200 and got.get_json()["status"] == "confirmed"
    token = got.get_json()["token"]
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert {"role": "staff", "community_id": 1} in [
        {k: v for k, v in r.items() if v is not None} for r in me["roles"]]

    again = poll(client, ticket, ticket["poll_secret"])
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "ticket_used"


def test_the_console_token_is_revocable_like_any_session(client, seeded, login, ticket):
    client.post(f"{API}/auth/console-tickets/{ticket['ticket']}/confirm",
                headers=login("demo-staff-1"))
    auth = {"Authorization": "Bearer " + poll(client, ticket, ticket["poll_secret"])
            .get_json()["token"]}
    assert client.post(f"{API}/auth/logout", headers=auth).status_code == 204
    assert client.get(f"{API}/me", headers=auth).status_code == 401


def test_another_secret_never_collects(client, seeded, login, ticket):
    """Someone who saw the QR (the ticket) cannot collect the token, before or after."""
    wrong = poll(client, ticket, "guess")
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "ticket_other_browser"
    assert client.get(f"{API}/auth/console-tickets/{ticket['ticket']}").status_code == 403
    client.post(f"{API}/auth/console-tickets/{ticket['ticket']}/confirm",
                headers=login("demo-staff-1"))
    other = client.post(f"{API}/auth/console-tickets").get_json()
    assert poll(client, ticket, other["poll_secret"]).status_code == 403
    assert "token" in poll(client, ticket, ticket["poll_secret"]).get_json()


def test_confirmed_twice_is_refused(client, seeded, login, ticket):
    url = f"{API}/auth/console-tickets/{ticket['ticket']}/confirm"
    assert client.post(url, headers=login("demo-staff-1")).status_code == 200
    second = client.post(url, headers=login("demo-staff-2"))
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "ticket_used"
    assert second.get_json()["error"]["message"] == "登录码已使用，请刷新后重新扫码"


def test_only_console_roles_may_confirm(client, seeded, login, ticket):
    url = f"{API}/auth/console-tickets/{ticket['ticket']}/confirm"
    assert client.post(url).status_code == 401
    resp = client.post(url, headers=login("demo-resident-1"))
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "console_forbidden"
    assert poll(client, ticket, ticket["poll_secret"]).get_json()["status"] == "pending"
    assert client.post(url, headers=login("demo-admin")).status_code == 200


def test_unconfirmed_ticket_expires(client, seeded, login, ticket):
    with time_machine.travel(utcnow() + timedelta(seconds=121)):
        assert poll(client, ticket, ticket["poll_secret"]).get_json() == {"status": "expired"}
        resp = client.post(f"{API}/auth/console-tickets/{ticket['ticket']}/confirm",
                           headers=login("demo-staff-1"))
        assert resp.status_code == 410 and resp.get_json()["error"]["code"] == "ticket_expired"


def test_a_confirmed_ticket_left_uncollected_expires(client, seeded, login, ticket):
    client.post(f"{API}/auth/console-tickets/{ticket['ticket']}/confirm",
                headers=login("demo-staff-1"))
    with time_machine.travel(utcnow() + timedelta(seconds=61)):
        assert poll(client, ticket, ticket["poll_secret"]).get_json() == {"status": "expired"}


def test_unknown_ticket(client, login, seeded):
    resp = client.get(f"{API}/auth/console-tickets/nope", headers={"X-Poll-Secret": "x"})
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "ticket_not_found"


def test_console_login_command_prints_a_one_time_link(app, client, seeded):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["console-login", "demo-staff-1"])
    assert out.exit_code == 0, out.output
    link = out.output.strip()
    assert link.startswith("http://127.0.0.1:5000/console/login?once=")
    ticket, secret = link.split("once=")[1].split(".", 1)
    first = poll(client, {"ticket": ticket}, secret)
    assert first.get_json()["status"] == "confirmed" and first.get_json()["token"]
    assert poll(client, {"ticket": ticket}, secret).status_code == 409  # one time

    refused = runner.invoke(args=["console-login", "demo-resident-1"])
    assert refused.exit_code != 0 and "权限" in refused.output
    assert runner.invoke(args=["console-login", "nobody"]).exit_code != 0
