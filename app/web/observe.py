"""Request ids, Prometheus metrics and the probes' helpers.

- Every request gets an id: the caller's `X-Request-Id` when it looks like one (8–64 letters,
  digits, `.`, `_`, `-`; nginx sends `$request_id`), otherwise a new one. It is on every log
  record of the request (app/common/logging.py) and echoed in the response's `X-Request-Id`.
- `/metrics` (Prometheus text): with `PROMETHEUS_MULTIPROC_DIR` set (gunicorn.conf.py sets it)
  the counts of every gunicorn worker are summed (prometheus-client's multiprocess mode);
  without it, this process's. Per route (the URL rule, never the URL: no ids, no codes):
  `llt_http_requests_total` and `llt_http_request_duration_seconds`; what the ledger and the
  mall committed, counted from the statements of committed transactions:
  `llt_ledger_transfers_total`, `llt_redemptions_total`; `llt_checkins_total` (successful
  check-ins and pass scans); and, read at scrape time, `llt_job_queue_depth` (outbox rows by
  status, and the RQ queue's length).
"""
import logging
import re
import time
import uuid

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.common.logging import REQUEST_ID
from app.extensions import db
from app.jobs import depth

log = logging.getLogger(__name__)

HEADER = "X-Request-Id"
SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

REQUESTS = Counter("llt_http_requests_total", "HTTP requests by route, method and status",
                   ["method", "route", "status"])
LATENCY = Histogram("llt_http_request_duration_seconds", "HTTP request latency by route",
                    ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
TRANSFERS = Counter("llt_ledger_transfers_total", "Ledger transfers committed")
REDEMPTIONS = Counter("llt_redemptions_total", "Mall redemptions (vouchers) committed")
CHECKINS = Counter("llt_checkins_total", "Volunteer check-ins and pass scans that succeeded")

# endpoint -> the business counter a successful (2xx) answer adds one to
CHECKIN_ENDPOINTS = frozenset({"attendance.checkin", "attendance.scan_pass"})

# committed INSERTs counted per table (rows), from the statements of the transaction
COUNTED_TABLES = {"tb_transfers": TRANSFERS, "mall_vouchers": REDEMPTIONS}
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+\"?(\w+)", re.IGNORECASE)
PENDING = "llt_metric_inserts"


def request_id() -> str:
    return getattr(g, "request_id", "-")


def _start():
    incoming = request.headers.get(HEADER, "")
    rid = incoming if SANE_ID.match(incoming) else uuid.uuid4().hex
    g.request_id = rid
    g.request_started = time.perf_counter()
    g.request_id_token = REQUEST_ID.set(rid)


def _finish(resp: Response) -> Response:
    resp.headers[HEADER] = request_id()
    started = getattr(g, "request_started", None)
    rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
    if started is not None and rule != "/metrics":
        REQUESTS.labels(request.method, rule, str(resp.status_code)).inc()
        LATENCY.labels(request.method, rule).observe(time.perf_counter() - started)
    if resp.status_code < 300 and request.endpoint in CHECKIN_ENDPOINTS:
        CHECKINS.inc()
    return resp


def _teardown(_exc):
    token = g.pop("request_id_token", None)
    if token is not None:
        REQUEST_ID.reset(token)


@event.listens_for(Engine, "after_cursor_execute")
def _count_inserts(conn, cursor, statement, parameters, context, executemany):
    match = _INSERT.match(statement)
    if match is None or match.group(1) not in COUNTED_TABLES:
        return
    rows = cursor.rowcount if cursor.rowcount and cursor.rowcount > 0 else 0
    pending = conn.info.setdefault(PENDING, {})
    pending[match.group(1)] = pending.get(match.group(1), 0) + rows


@event.listens_for(Engine, "commit")
def _count_committed(conn):
    try:
        pending = conn.info.pop(PENDING, {})
    except Exception:  # noqa: BLE001 (an invalidated connection: nothing to count)
        return
    for table, rows in pending.items():
        if rows:
            COUNTED_TABLES[table].inc(rows)


@event.listens_for(Engine, "rollback")
def _drop_rolled_back(conn):
    """Never raises: this runs inside the rollback of a connection the database dropped,
    where even `conn.info` refuses (PendingRollbackError) and the request must still get 503."""
    try:
        conn.info.pop(PENDING, None)
    except Exception:  # noqa: BLE001
        return


def _registry():
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    from prometheus_client import REGISTRY

    return REGISTRY


def _queue_depth() -> bytes:
    """Read now, in a registry of its own (not summed over workers)."""
    registry = CollectorRegistry()
    gauge = Gauge("llt_job_queue_depth", "Jobs waiting: outbox rows by status, RQ queue length",
                  ["source", "status"], registry=registry)
    try:
        for status, count in depth().items():
            gauge.labels("outbox", status).set(count)
    except Exception:  # noqa: BLE001 (database down: the other metrics still answer)
        db.session.rollback()
    finally:
        db.session.remove()
    queue = current_app.extensions.get("rq_queue")
    if queue is not None:
        try:
            gauge.labels("rq", "queued").set(queue.count)
        except Exception:  # noqa: BLE001 (Redis down)
            log.info("queue depth unknown: redis unavailable")
    return generate_latest(registry)


def metrics_view():
    body = generate_latest(_registry()) + _queue_depth()
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


def register_observability(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_teardown)
    app.add_url_rule("/metrics", "metrics", metrics_view, methods=["GET"])
