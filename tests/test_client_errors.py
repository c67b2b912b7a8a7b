"""`POST /client-errors`: the mini-program's uncaught errors, logged without personal data,
rate-limited per user or address."""
import logging

URL = "/api/v1/client-errors"


def test_a_report_is_logged_without_query_strings_phones_or_ids(client, caplog):
    caplog.set_level(logging.WARNING, logger="app.client_errors")
    resp = client.post(URL, json={
        "kind": "rejection", "page": "packages/resident/request/index?id=42&phone=13900000001",
        "message": "TypeError: cannot read 'id' of null (user 13900000001, order 2026112700042)",
        "stack": "at onLoad (packages/resident/request/index.js:12)\nat x\nat y",
        "version": "1.0.0"})
    assert resp.status_code == 204
    lines = [r.getMessage() for r in caplog.records if r.name == "app.client_errors"]
    assert len(lines) == 1
    line = lines[0]
    assert "client error kind=rejection page=packages/resident/request/index version=1.0.0" \
        in line
    assert "?id=" not in line and "13900000001" not in line and "2026112700042" not in line
    assert "index.js:12" in line


def test_anyone_may_report_but_not_too_often(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "CLIENT_ERROR_RATE_LIMIT", "3 per minute")
    body = {"kind": "error", "message": "ReferenceError: x is not defined"}
    assert [client.post(URL, json=body).status_code for _ in range(4)] == [204, 204, 204, 429]


def test_a_malformed_report_is_422(client):
    for body in ({"kind": "crash", "message": "x"}, {"kind": "error"},
                 {"kind": "error", "message": "x" * 2001}):
        resp = client.post(URL, json=body)
        assert resp.status_code == 422, body
