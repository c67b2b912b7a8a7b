"""Figures: the summary of a 20,000-household street over a year, on PostgreSQL.

Usage: .venv/bin/python bench/stats_bench.py [--runs 15] [--keep]
Needs PostgreSQL (BENCH_DATABASE_URL, default a fresh `llt_h2_bench` database on 127.0.0.1;
`--keep` reuses it if already seeded). Seeds, with set-based SQL, a street of 10 communities
and 20,000 households with a year of records (the seed's magnitudes, scaled up): 40,000
services confirmed (160,000 request events), 30,000 feedback reports, 8,000 mediation cases
over two years, 1,100 activities, 80,000 attendances, 90,000 ledger transfers (180,000
postings), 10,000 vouchers, 4,900 party registrations, 300 consultations, 237 elevators, 800
projects. Then prints, each the median of `--runs`:

- a bare query (`SELECT 1` through the same session), the baseline;
- the cheapest figure alone (one indexed query);
- the whole summary, in process and through the HTTP route (auth, schema, JSON);
- the number of SQL statements of one summary;
- the CPU time of one summary (this process and its PostgreSQL backend, read from /proc):
  the wall time it would take on an idle core, whatever the machine's load.

Target (issue 14): the whole summary under 300 ms on this 2-core machine.

`bench/run.py` (scenario STATS) calls `seed_street` and `measure` on its own copy of the bench
template; `--smoke` there seeds a street of 1,000 households (the year's volumes scaled down).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
STREET = "基准街道"
COMMUNITIES, BUILDINGS, PER_BUILDING = 10, 20, 100  # 10 × 20 × 100 = 20,000 households

SEED = """
INSERT INTO streets (name) VALUES (:street);
INSERT INTO communities (street_id, name)
  SELECT (SELECT id FROM streets WHERE name = :street), '基准社区' || c
  FROM generate_series(1, :communities) c;
INSERT INTO compounds (community_id, name, kind)
  SELECT id, name || '小区', 'formal' FROM communities
  WHERE street_id = (SELECT id FROM streets WHERE name = :street);
INSERT INTO buildings (compound_id, name)
  SELECT k.id, b || '栋' FROM compounds k
  JOIN communities c ON c.id = k.community_id
  JOIN streets s ON s.id = c.street_id AND s.name = :street,
  generate_series(1, :buildings) b;
INSERT INTO households (building_id, unit, room, area_m2)
  SELECT b.id, '1', r::text, 80 FROM buildings b
  JOIN compounds k ON k.id = b.compound_id JOIN communities c ON c.id = k.community_id
  JOIN streets s ON s.id = c.street_id AND s.name = :street,
  generate_series(1, :per_building) r;
CREATE TEMP TABLE hh AS
  SELECT row_number() OVER (ORDER BY h.id) AS n, h.id, k.community_id
  FROM households h JOIN buildings b ON b.id = h.building_id
  JOIN compounds k ON k.id = b.compound_id JOIN communities c ON c.id = k.community_id
  JOIN streets s ON s.id = c.street_id AND s.name = :street;
INSERT INTO users (openid, nickname, created_at)
  SELECT 'bench-' || n, '居民' || n, now() FROM hh;
CREATE TEMP TABLE people AS
  SELECT hh.n, hh.id AS household_id, hh.community_id, u.id AS user_id
  FROM hh JOIN users u ON u.openid = 'bench-' || hh.n;
CREATE INDEX ON people (n);
INSERT INTO household_bindings (user_id, household_id, community_id, relation, status, note,
                                requested_at)
  SELECT user_id, household_id, community_id, 'owner', 'approved', '', now() FROM people;
CREATE TEMP TABLE cs AS
  SELECT row_number() OVER (ORDER BY c.id) - 1 AS i, c.id FROM communities c
  JOIN streets s ON s.id = c.street_id AND s.name = :street;
"""

# :lo / :span: the year's first instant and its length in seconds; :staff a demo user id.
RECORDS = """
INSERT INTO service_requests (community_id, household_id, resident_id, category_id,
    description, content_ok, status, held_points, payer, points_per_hour, max_minutes,
    created_at, updated_at)
  SELECT p.community_id, p.household_id, p.user_id, :category, '基准服务', true,
         CASE WHEN g % 9 = 0 THEN 'cancelled' ELSE 'confirmed' END, 0, 'community', 10, 120,
         :lo + (random() * :span) * interval '1 second', now()
  FROM generate_series(1, :n_requests) g JOIN people p ON p.n = 1 + g % :households;
INSERT INTO request_events (request_id, action, from_status, to_status, actor_role, at, note_ok)
  SELECT r.id, a.action, a.f, a.t, 'staff', r.created_at + a.h * interval '1 hour', true
  FROM service_requests r JOIN cs ON cs.id = r.community_id,
  (VALUES ('dispatch', 'submitted', 'dispatched', 1), ('accept', 'dispatched', 'accepted', 2),
          ('complete', 'in_service', 'completed', 5), ('confirm', 'completed', 'confirmed', 30))
    AS a(action, f, t, h)
  WHERE r.status = 'confirmed';
INSERT INTO feedback (community_id, author_id, reporter_role, category, text, content_ok,
    anonymous, status, created_at, updated_at, accept_due_at, resolve_due_at, resolved_at,
    closed_at, reply, reopen_count, reason, supporters, escalation_level)
  SELECT p.community_id, p.user_id, 'resident', 'facility', '路灯坏了', true, false,
         CASE WHEN g % 6 = 0 THEN 'closed_unresolved' ELSE 'closed' END, t, t,
         t + interval '1 day', t + interval '7 days',
         CASE WHEN g % 6 = 0 THEN NULL ELSE t + interval '2 days' END, t + interval '3 days',
         '', 0, '', 0, 0
  FROM generate_series(1, :n_feedback) g JOIN people p ON p.n = 1 + (g * 7) % :households,
  LATERAL (SELECT :lo + (random() * :span) * interval '1 second' AS t) x;
INSERT INTO mediation_cases (community_id, kind, summary, address, address_key, status,
    opened_by_id, opened_at, close_note, referred_to, follow_up_note)
  SELECT cs.id, 'neighbour', '噪音', '', '', 'open', :staff,
         :lo - CASE WHEN g <= 5000 THEN interval '1 year' ELSE interval '0' END
         + (random() * :span) * interval '1 second', '', '', ''
  FROM generate_series(1, 8000) g JOIN cs ON cs.i = g % 10;
INSERT INTO volunteer_activities (community_id, title, description, auto_approve,
    created_by_id, created_at)
  SELECT cs.id, '志愿活动' || g, '', false, :staff, now()
  FROM generate_series(1, 1100) g JOIN cs ON cs.i = g % 10;
INSERT INTO volunteer_shifts (activity_id, starts_at, ends_at, capacity, signed_up,
    location_name, lat, lng, radius_m, points_per_hour, required_roles, code_required, secret)
  SELECT a.id, t, t + interval '2 hours', 100, 0, '服务站', 29.3, 105.2, 200, 10, '', true,
         md5(a.id::text || s)
  FROM volunteer_activities a JOIN cs ON cs.id = a.community_id, generate_series(1, 2) s,
  LATERAL (SELECT :lo + (random() * (:span - 86400)) * interval '1 second' AS t) x;
CREATE TEMP TABLE shifts AS
  SELECT row_number() OVER (ORDER BY s.id) AS n, s.id, a.community_id, s.ends_at
  FROM volunteer_shifts s JOIN volunteer_activities a ON a.id = s.activity_id
  JOIN cs ON cs.id = a.community_id;
INSERT INTO volunteer_attendances (shift_id, user_id, community_id, status, manual, reason,
    in_code_ok, out_code_ok, minutes, points, reviewed_at, review_note, created_at)
  SELECT s.id, p.user_id, s.community_id,
         CASE WHEN g % 41 = 0 THEN 'pending' ELSE 'credited' END, g % 10 = 0, '', true, true,
         120, 20, CASE WHEN g % 41 = 0 THEN NULL ELSE s.ends_at + interval '1 hour' END, '',
         s.ends_at
  FROM generate_series(1, :n_attendances) g JOIN shifts s ON s.n = 1 + g % 2200
  JOIN people p ON p.n = 1 + (g * 13) % :households
  ON CONFLICT DO NOTHING;
INSERT INTO tb_accounts (kind, community_id, floor, balance, entries, head_hash, created_at)
  SELECT 'community', cs.id, NULL, 0, 0, '', now() FROM cs ON CONFLICT DO NOTHING;
INSERT INTO tb_accounts (kind, user_id, floor, balance, entries, head_hash, created_at)
  SELECT 'user', user_id, 0, 0, 0, '', now() FROM people ON CONFLICT DO NOTHING;
INSERT INTO mall_merchants (name, community_id, created_at)
  SELECT '基准商家' || cs.i, cs.id, now() FROM cs;
INSERT INTO tb_accounts (kind, merchant_id, floor, balance, entries, head_hash, created_at)
  SELECT 'merchant', m.id, 0, 0, 0, '', now()
  FROM mall_merchants m JOIN cs ON cs.id = m.community_id;
INSERT INTO mall_items (merchant_id, title, description, kind, price_points, stock,
    valid_days, published, created_at, updated_at)
  SELECT m.id, '洗衣液', '', 'goods', 20, 100000, 30, true, now(), now()
  FROM mall_merchants m JOIN cs ON cs.id = m.community_id;
INSERT INTO tb_transfers (key, kind, amount, debit_account_id, credit_account_id, ref, memo,
    minutes, created_at)
  SELECT 'bench:credit:' || a.id, 'shift_credit', 20, ca.id, ua.id, '', '', 120, a.reviewed_at
  FROM volunteer_attendances a JOIN cs ON cs.id = a.community_id
  JOIN tb_accounts ca ON ca.kind = 'community' AND ca.community_id = a.community_id
  JOIN tb_accounts ua ON ua.kind = 'user' AND ua.user_id = a.user_id
  WHERE a.status = 'credited';
INSERT INTO mall_vouchers (code, item_id, merchant_id, user_id, price_points, status,
    issued_at, expires_at, used_at)
  SELECT 'BENCH' || g, i.id, i.merchant_id, p.user_id, 20, 'used', t, t + interval '30 days',
         t + interval '1 day'
  FROM generate_series(1, :n_vouchers) g JOIN people p ON p.n = 1 + (g * 17) % :households
  JOIN mall_merchants m ON m.community_id = p.community_id
  JOIN mall_items i ON i.merchant_id = m.id,
  LATERAL (SELECT :lo + (random() * (:span - 86400)) * interval '1 second' AS t) x;
INSERT INTO tb_transfers (key, kind, amount, debit_account_id, credit_account_id, ref, memo,
    minutes, created_at)
  SELECT 'bench:redeem:' || v.id, 'redeem', 20, ua.id, ma.id, '', '', 0, v.issued_at
  FROM mall_vouchers v JOIN tb_accounts ua ON ua.kind = 'user' AND ua.user_id = v.user_id
  JOIN tb_accounts ma ON ma.kind = 'merchant' AND ma.merchant_id = v.merchant_id
  WHERE v.code LIKE 'BENCH%';
INSERT INTO tb_postings (transfer_id, account_id, seq, amount, balance_after, kind, created_at,
    hash)
  SELECT transfer_id, account_id,
         row_number() OVER w, amount, sum(amount) OVER w, kind, created_at, ''
  FROM (SELECT id AS transfer_id, debit_account_id AS account_id, -amount AS amount, kind,
               created_at FROM tb_transfers WHERE key LIKE 'bench:%'
        UNION ALL
        SELECT id, credit_account_id, amount, kind, created_at FROM tb_transfers
        WHERE key LIKE 'bench:%') legs
  WINDOW w AS (PARTITION BY account_id ORDER BY created_at, transfer_id);
UPDATE tb_accounts a SET balance = p.balance_after, entries = p.seq
  FROM (SELECT DISTINCT ON (account_id) account_id, balance_after, seq FROM tb_postings
        ORDER BY account_id, seq DESC) p
  WHERE a.id = p.account_id AND a.head_hash = '';
INSERT INTO party_registrations (user_id, community_id, unit_name, roles, status, created_at,
    decided_at, note)
  SELECT p.user_id, p.community_id, '区属单位', 'volunteer', 'approved', now(),
         :lo + (random() * :span) * interval '1 second', ''
  FROM people p WHERE p.n <= 4900;
INSERT INTO consultations (community_id, compound_id, title, body, option_labels, rule_kind,
    threshold_pct, opens_at, closes_at, status, created_by_id, created_at, roll_hash,
    receipts_hash, closed_at, result)
  SELECT k.community_id, k.id, '协商' || g, '', '{}', 'share_of_all', 80, t - interval '7 days',
         t, 'closed', :staff, now(), '0', '0', t,
         CASE WHEN g % 5 = 0 THEN 'failed' ELSE 'passed' END
  FROM generate_series(1, 375) g JOIN cs ON cs.i = g % 10
  JOIN compounds k ON k.community_id = cs.id,
  LATERAL (SELECT :lo + (random() * :span) * interval '1 second' AS t) x;
INSERT INTO elevator_projects (community_id, building_id, unit, stage, consultation_id,
    share_weights, created_by_id, created_at, stage_at)
  SELECT k.community_id, b.id, '1', 'in_service',
         (SELECT min(id) FROM consultations WHERE community_id = k.community_id), '{}',
         :staff, now(), :lo + (random() * :span) * interval '1 second'
  FROM (SELECT b.*, row_number() OVER (ORDER BY b.id) AS n FROM buildings b) b
  JOIN compounds k ON k.id = b.compound_id JOIN cs ON cs.id = k.community_id
  WHERE b.n % 1 = 0 LIMIT 237;
INSERT INTO committee_members (community_id, name, unit, position, kind, joined_on,
    created_by_id, created_at)
  SELECT cs.id, '委员', '单位', '委员', 'unit', '2020-01-01', :staff, now() FROM cs;
INSERT INTO committee_meetings (community_id, title, held_at, year, quarter, created_by_id,
    created_at, minutes)
  SELECT cs.id, '联席会议', now(), 2026, 1, :staff, now(), '' FROM cs;
INSERT INTO committee_projects (community_id, meeting_id, title, owner_member_id, due_on,
    status, percent, result, drop_reason, created_by_id, created_at, finished_at)
  SELECT cs.id, mt.id, '项目' || g, mb.id, '2026-12-31', 'done', 100, '', '', :staff, now(),
         :lo + (random() * :span) * interval '1 second'
  FROM generate_series(1, 800) g JOIN cs ON cs.i = g % 10
  JOIN committee_meetings mt ON mt.community_id = cs.id
  JOIN committee_members mb ON mb.community_id = cs.id;
ANALYZE;
"""


def run(*args, env):
    subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def seeded(url: str) -> bool:
    """The street is there already (`--keep`)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.scalar(sa.text("SELECT count(*) FROM streets WHERE name = :s"),
                                    {"s": STREET}))
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def create(url: str, env: dict) -> None:
    """A fresh database with the migrations and the demo data."""
    admin = sa.create_engine(url.rsplit("/", 1)[0] + "/test", isolation_level="AUTOCOMMIT")
    name = url.rsplit("/", 1)[1]
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    run(sys.executable, "-m", "flask", "db", "upgrade", env=env)
    run(sys.executable, "-m", "flask", "seed-demo", env=env)


def seed_street(url: str, per_building: int = PER_BUILDING) -> float:
    """The street and its year, set-based, on a database with the migrations and the demo
    data; 10 × 20 × `per_building` households (the year's volumes scale with them). Seconds
    taken."""
    from app.stats.figures import bounds
    from app.stats.service import default_period, today

    lo, _ = bounds(*default_period(today()))
    households = COMMUNITIES * BUILDINGS * per_building
    scale = households / (COMMUNITIES * BUILDINGS * PER_BUILDING)
    start = time.perf_counter()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        staff = conn.scalar(sa.text("SELECT id FROM users WHERE openid = 'demo-staff-1'"))
        category = conn.scalar(sa.text("SELECT min(id) FROM service_categories"))
        params = {"street": STREET, "communities": COMMUNITIES, "buildings": BUILDINGS,
                  "per_building": per_building, "households": households, "lo": lo,
                  "span": 365 * 86400, "staff": staff, "category": category,
                  "n_requests": round(45000 * scale), "n_feedback": round(30000 * scale),
                  "n_attendances": round(80000 * scale), "n_vouchers": round(10000 * scale)}
        for statement in (SEED + RECORDS).split(";\n"):
            if statement.strip():
                conn.execute(sa.text(statement), params)
    engine.dispose()
    return time.perf_counter() - start


def median_ms(fn, runs: int) -> float:
    fn()
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) the PostgreSQL backend `pid` has used (same host)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_summary(fn, backend_pid: int, runs: int) -> tuple[float, float]:
    """(Python, PostgreSQL) CPU milliseconds per summary, averaged over `runs`: on a loaded
    shared machine the wall time mostly measures the others' load; CPU time does not."""
    py, pg = time.process_time(), _backend_cpu(backend_pid)
    for _ in range(runs):
        fn()
    return ((time.process_time() - py) * 1000 / runs,
            (_backend_cpu(backend_pid) - pg) * 1000 / runs)


def make_app(url: str):
    from app import create_app
    from config import engine_options

    return create_app("development", {"SQLALCHEMY_DATABASE_URI": url,
                                      "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
                                      "REDIS_URL": None})


def measure(app, runs: int) -> dict:
    """Every figure of the module docstring, in milliseconds (medians of `runs`)."""
    from app.extensions import db
    from app.stats import figures, service

    client = app.test_client()
    token = client.post("/api/v1/auth/wechat-login",
                        json={"code": f"test:demo-admin@bench{time.time_ns()}"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    with app.app_context():
        street_id = db.session.scalar(sa.text("SELECT id FROM streets WHERE name = :s"),
                                      {"s": STREET})
        households = db.session.scalar(sa.text(
            "SELECT count(*) FROM households h JOIN buildings b ON b.id = h.building_id "
            "JOIN compounds k ON k.id = b.compound_id JOIN communities c "
            "ON c.id = k.community_id WHERE c.street_id = :s"), {"s": street_id})
        scope = service.resolve_scope(None, street_id)
        start, end = service.default_period(service.today())
        bare = median_ms(lambda: db.session.execute(sa.text("SELECT 1")).scalar(), runs)
        one = median_ms(lambda: figures.total("projects_done", scope.ids, start, end), runs)
        inproc = median_ms(lambda: service.summary(scope, start, end), runs)
        statements = []

        def seen(conn, cursor, statement, *rest):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", seen)
        summary = service.summary(scope, start, end)
        sa.event.remove(db.engine, "before_cursor_execute", seen)
        cpu_py, cpu_pg = cpu_per_summary(lambda: service.summary(scope, start, end),
                                         db.session.scalar(sa.text("SELECT pg_backend_pid()")),
                                         runs)
        db.session.remove()
    http = median_ms(lambda: client.get("/api/v1/stats/summary", headers=headers,
                                        query_string={"street_id": street_id}), runs)
    return {"households": households, "communities": len(scope.ids), "start": start,
            "end": end, "figures": summary["figures"], "bare": bare, "one": one,
            "inproc": inproc, "statements": len(statements), "http": http, "cpu_py": cpu_py,
            "cpu_pg": cpu_pg, "load": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL",
                         "postgresql+psycopg://postgres@127.0.0.1:5432/llt_h2_bench")
    env = {**os.environ, "APP_ENV": "development", "DATABASE_URL": url, "REDIS_URL": "",
           "FLASK_APP": "wsgi.py", "PYTHONPATH": str(ROOT)}
    os.environ.update({k: env[k] for k in ("APP_ENV", "DATABASE_URL", "REDIS_URL")})
    if args.keep and seeded(url):
        print("reusing the seeded database")
    else:
        create(url, env)
        took = seed_street(url)
        print(f"seeded a year for {COMMUNITIES * BUILDINGS * PER_BUILDING:,} households in "
              f"{took:.0f} s")
    m = measure(make_app(url), args.runs)
    print(f"street {STREET}: {m['households']:,} households, {m['communities']} communities, "
          f"{m['start']} .. {m['end']}")
    print("figures:", dict(m["figures"]))
    print(f"bare query (SELECT 1)         {m['bare']:8.2f} ms")
    print(f"one figure (projects_done)    {m['one']:8.2f} ms")
    print(f"summary, in process           {m['inproc']:8.2f} ms   ({m['statements']} SQL "
          f"statements, {m['inproc'] / m['bare']:.0f}× the bare query)")
    print(f"summary, GET /stats/summary   {m['http']:8.2f} ms   (target < 300 ms: "
          f"{'met' if m['http'] < 300 else 'NOT met'})")
    print(f"summary, CPU time             {m['cpu_py'] + m['cpu_pg']:8.2f} ms   (Python "
          f"{m['cpu_py']:.1f} + PostgreSQL backend {m['cpu_pg']:.1f}: its wall time on an idle "
          f"core; load average {m['load']:.1f} on {os.cpu_count()} cores during this run)")


if __name__ == "__main__":
    main()
