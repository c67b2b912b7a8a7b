"""Request ids, JSON logs without personal data, /metrics, and the probes."""
import json
import logging

import pytest
import sqlalchemy as sa


def test_every_answer_carries_a_request_id_and_a_sane_incoming_one_is_kept(client):
    first = client.get("/livez")
    assert first.status_code == 200 and first.get_json() == {"status": "ok"}
    assert len(first.headers["X-Request-Id"]) == 32
    assert client.get("/livez").headers["X-Request-Id"] != first.headers["X-Request-Id"]
    kept = client.get("/livez", headers={"X-Request-Id": "nginx-0123456789abcdef"})
    assert kept.headers["X-Request-Id"] == "nginx-0123456789abcdef"
    for bad in ("short", "x" * 65, "a b c d e f g h", "<script>alert(1)</script>"):
        rid = client.get("/livez", headers={"X-Request-Id": bad}).headers["X-Request-Id"]
        assert rid != bad and len(rid) == 32
    # errors too (401 before any view runs)
    assert client.get("/api/v1/me").headers.get("X-Request-Id")


def test_json_logs_carry_the_request_id_and_no_phone_or_token(client, caplog):
    from app.common.logging import JsonFormatter

    caplog.set_level(logging.INFO)
    resp = client.post("/api/v1/client-errors", headers={"X-Request-Id": "req-abcdef123456"},
                       json={"kind": "error", "message": "tel 13812345678 token=abc.def.ghi"})
    assert resp.status_code == 204
    [record] = [r for r in caplog.records if r.name == "app.client_errors"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-abcdef123456" and line["level"] == "WARNING"
    assert "13812345678" not in line["msg"] and "abc.def.ghi" not in line["msg"]
    assert "138****5678" in line["msg"] or "…" in line["msg"]


def test_json_formatter_redacts_tracebacks():
    from app.common.logging import JsonFormatter

    try:
        raise ValueError("phone 13912345678 session_key=s3cr3t")
    except ValueError:
        record = logging.getLogger("x").makeRecord("x", logging.ERROR, __file__, 1, "failed",
                                                    None, __import__("sys").exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert "13912345678" not in line["exc"] and "s3cr3t" not in line["exc"]


def test_readyz_says_ready_at_the_migrations_head_and_not_behind(client, app):
    from app.extensions import db

    assert client.get("/readyz").get_json() == {"status": "ok", "db": "ok",
                                                "migrations": "current"}
    with app.app_context():
        [head] = db.session.scalars(sa.text("SELECT version_num FROM alembic_version")).all()
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = '0001_old'"))
        db.session.commit()
        try:
            resp = client.get("/readyz")
            assert resp.status_code == 503 and resp.get_json()["migrations"] == "behind"
            assert client.get("/healthz").status_code == 200  # /healthz stays as it was
        finally:
            db.session.execute(sa.text("UPDATE alembic_version SET version_num = :v"),
                               {"v": head})
            db.session.commit()


def test_readyz_and_livez_when_the_database_is_down(app):
    from app import create_app
    from app.extensions import limiter
    from config import engine_options

    url = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"
    down = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url,
                                  "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url)})
    client = down.test_client()
    assert client.get("/livez").status_code == 200
    ready = client.get("/readyz")
    limiter.init_app(app)  # the limiter is one object: give it back to the suite's app
    assert ready.status_code == 503 and ready.get_json()["db"] == "down"


def _metric(text: str, name: str, **labels) -> float:
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name) or line.startswith("#"):
            continue
        head, _, value = line.rpartition(" ")
        if head.split("{")[0] != name:
            continue
        if all(f'{k}="{v}"' in head for k, v in labels.items()):
            total += float(value)
    return total


def test_metrics_count_requests_per_route_and_the_queue_depth(client, seeded, login):
    before = client.get("/metrics").get_data(as_text=True)
    headers = login("demo-resident-1")
    for _ in range(3):
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    client.get("/api/v1/communities/999999/no-such-thing", headers=headers)
    resp = client.get("/metrics")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    text = resp.get_data(as_text=True)
    key = {"method": "GET", "route": "/api/v1/me", "status": "200"}
    assert _metric(text, "llt_http_requests_total", **key) - \
        _metric(before, "llt_http_requests_total", **key) == 3
    assert _metric(text, "llt_http_request_duration_seconds_count", method="GET",
                   route="/api/v1/me") >= 3
    assert 'route="unmatched"' in text and "/communities/999999" not in text  # rules, never URLs
    assert "llt_job_queue_depth" in text and 'source="outbox"' in text


def test_metrics_count_committed_transfers_and_redemptions_only(app, seeded):
    """The counters follow commits: a rolled-back insert counts nothing."""
    from app.extensions import db
    from app.web.observe import REDEMPTIONS, TRANSFERS

    def value(counter):
        return counter._value.get()

    t0, r0 = value(TRANSFERS), value(REDEMPTIONS)
    with app.app_context():
        conn = db.session.connection()
        conn.info["llt_metric_inserts"] = {"tb_transfers": 2, "mall_vouchers": 1}
        db.session.rollback()
        assert (value(TRANSFERS), value(REDEMPTIONS)) == (t0, r0)
        conn = db.session.connection()
        conn.info["llt_metric_inserts"] = {"tb_transfers": 2, "mall_vouchers": 1}
        db.session.commit()
        assert (value(TRANSFERS), value(REDEMPTIONS)) == (t0 + 2, r0 + 1)
        db.session.remove()


@pytest.mark.postgres
def test_metrics_of_a_redemption_and_a_transfer_through_the_api(client, seeded, login, app):
    """A real redemption commits one voucher and its ledger transfer; /metrics shows both."""
    from app.web.observe import REDEMPTIONS, TRANSFERS

    headers = login("demo-resident-1")
    items = client.get("/api/v1/mall/items", headers=headers).get_json()["items"]
    item = next(i for i in items if i.get("stock", 1) > 0)
    t0, r0 = TRANSFERS._value.get(), REDEMPTIONS._value.get()
    resp = client.post(f"/api/v1/mall/items/{item['id']}/redeem",
                       headers={**headers, "Idempotency-Key": "metrics-redeem-1"})
    assert resp.status_code in (200, 201), resp.get_json()
    assert REDEMPTIONS._value.get() == r0 + 1 and TRANSFERS._value.get() >= t0 + 1
