"""The Idempotency-Key decorator, sequentially (the concurrent cases are in
test_concurrency.py): replay, reuse with another body, refusals, expiry, bad keys."""
from datetime import timedelta

import time_machine

from app.common.timeutil import utcnow
from app.timebank.models import Transfer
from app.web.idempotency import IdempotencyKey, purge_expired

URL = "/api/v1/timebank/transfers"


def _post(client, headers, key, body):
    return client.post(URL, headers={**headers, "Idempotency-Key": key}, json=body)


def test_same_key_and_body_replays_the_first_answer_and_moves_points_once(bank, client):
    a, b = bank.user(points=100), bank.user()
    h = bank.headers(a)
    first = _post(client, h, "k-1", {"to_user_id": b, "amount": 7})
    second = _post(client, h, "k-1", {"amount": 7, "to_user_id": b})  # same JSON, other order
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert bank.count(Transfer, Transfer.kind == "transfer") == 1
    assert bank.balance(b) == 7


def test_same_key_with_another_body_is_422_and_changes_nothing(bank, client):
    a, b = bank.user(points=100), bank.user()
    h = bank.headers(a)
    _post(client, h, "k-2", {"to_user_id": b, "amount": 7})
    resp = _post(client, h, "k-2", {"to_user_id": b, "amount": 8})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "idempotency_key_reused"
    assert bank.balance(b) == 7


def test_keys_belong_to_their_user(bank, client):
    a, c, b = bank.user(points=10), bank.user(points=10), bank.user()
    body = {"to_user_id": b, "amount": 1}
    assert _post(client, bank.headers(a), "shared", body).status_code == 201
    resp = _post(client, bank.headers(c), "shared", body)
    assert resp.status_code == 201 and "Idempotent-Replayed" not in resp.headers
    assert bank.balance(b) == 2


def test_a_refusal_is_replayed_too(bank, client):
    a, b = bank.user(points=5), bank.user()
    h = bank.headers(a)
    first = _post(client, h, "k-3", {"to_user_id": b, "amount": 6})
    assert first.status_code == 409
    from app.extensions import db
    from app.timebank import service

    with bank.app.app_context():
        service.adjust(user_id=a, amount=10, key="top-up", memo="补")
        db.session.commit()
    again = _post(client, h, "k-3", {"to_user_id": b, "amount": 6})
    assert again.status_code == 409 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert bank.balance(b) == 0


def test_a_malformed_request_is_not_remembered(bank, client):
    a, b = bank.user(points=5), bank.user()
    h = bank.headers(a)
    assert _post(client, h, "k-4", {"to_user_id": b, "amount": "x"}).status_code == 422
    resp = _post(client, h, "k-4", {"to_user_id": b, "amount": 1})
    assert resp.status_code == 201 and "Idempotent-Replayed" not in resp.headers


def test_keys_live_24_hours(bank, client):
    a, b = bank.user(points=10), bank.user()
    h = bank.headers(a)
    body = {"to_user_id": b, "amount": 1}
    assert _post(client, h, "k-5", body).status_code == 201
    with time_machine.travel(utcnow() + timedelta(hours=23)):
        assert _post(client, h, "k-5", body).headers.get("Idempotent-Replayed") == "true"
    with time_machine.travel(utcnow() + timedelta(hours=24, minutes=1)):
        h2 = bank.headers(a)
        resp = _post(client, h2, "k-5", body)
        assert resp.status_code == 201 and "Idempotent-Replayed" not in resp.headers
    assert bank.balance(b) == 2


def test_expired_keys_are_purged(bank, client, app):
    a, b = bank.user(points=10), bank.user()
    _post(client, bank.headers(a), "k-6", {"to_user_id": b, "amount": 1})
    from app.extensions import db

    with app.app_context():
        assert purge_expired() == 0
        assert purge_expired(utcnow() + timedelta(hours=25)) == 1
        db.session.commit()
    assert bank.count(IdempotencyKey) == 0


def test_bad_keys_are_422(bank, client):
    a, b = bank.user(points=10), bank.user()
    h = bank.headers(a)
    for key in ("x" * 129, "", "键"):
        resp = client.post(URL, headers={**h, "Idempotency-Key": key.encode().decode("latin-1")},
                           json={"to_user_id": b, "amount": 1})
        assert resp.status_code == 422, key
    assert bank.balance(b) == 0


def test_a_gift_without_a_key_is_refused_and_moves_nothing(bank, client):
    a, b = bank.user(points=10), bank.user()
    h = bank.headers(a)
    for _ in range(2):  # a retry of a keyless gift must not send it twice
        resp = client.post(URL, headers=h, json={"to_user_id": b, "amount": 1})
        assert resp.status_code == 422
        assert resp.get_json()["error"]["code"] == "idempotency_key_required"
    assert bank.balance(b) == 0 and bank.balance(a) == 10
    anonymous = client.post(URL, json={"to_user_id": b, "amount": 1})
    assert anonymous.status_code == 401  # told to log in, not about the header


def _key_param(doc, path):
    params = doc["paths"][path]["post"].get("parameters", [])
    return next((p for p in params if p["name"] == "Idempotency-Key" and p["in"] == "header"),
                None)


def test_the_header_is_in_the_openapi_document_required_where_required(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert _key_param(doc, "/api/v1/timebank/transfers")["required"] is True
    assert _key_param(doc, "/api/v1/requests")["required"] is True
    for optional in ("/api/v1/mall/items/{item_id}/redeem", "/api/v1/mall/vouchers/writeoff",
                     "/api/v1/requests/{request_id}/confirm"):
        assert _key_param(doc, optional)["required"] is False, optional
    assert _key_param(doc, "/api/v1/auth/wechat-login") is None
