"""P1/P2: authenticated list read against a bare route, on PostgreSQL under gunicorn.

Usage: .venv/bin/python bench/list_bench.py [--requests 2000] [--seconds 10]
Needs PostgreSQL (BENCH_DATABASE_URL, default a fresh `llt_bench` database on 127.0.0.1)
and wrk. Prints requests/second of `GET /ping` (the baseline), of
`GET /api/v1/requests?scope=community&limit=20` as demo-staff-1, the ratio, and p95 latency.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("P95_MS %.2f\\n", latency:percentile(95) / 1000))
end
"""


def sh(*args, env=None):
    subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare(url: str, extra: int, env: dict) -> None:
    admin = sa.create_engine(url.rsplit("/", 1)[0] + "/test", isolation_level="AUTOCOMMIT")
    name = url.rsplit("/", 1)[1]
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    sh(sys.executable, "-m", "flask", "db", "upgrade", env=env)
    sh(sys.executable, "-m", "flask", "seed-demo", env=env)
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text("""
            INSERT INTO service_requests (community_id, household_id, resident_id, category_id,
              description, content_ok, status, held_points, created_at, updated_at, deadline_at)
            SELECT community_id, household_id, resident_id, category_id, description || ' #' || g,
              true, 'submitted', 0, now(), now(), now() + (g || ' minutes')::interval
            FROM service_requests, generate_series(1, :n) AS g WHERE id = 1"""), {"n": extra})
        conn.execute(sa.text("ANALYZE"))
    engine.dispose()


def wrk(url: str, seconds: int, headers: dict | None = None) -> tuple[float, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA)
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", f.name]
    for key, value in (headers or {}).items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    os.unlink(f.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p95 = float(re.search(r"P95_MS ([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{out}")
    return rps, p95


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000, help="extra requests to seed")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/llt_bench")
    env = {**os.environ, "FLASK_APP": "wsgi.py", "DATABASE_URL": url, "APP_ENV": "production",
           "SECRET_KEY": "bench-" + "x" * 40, "WECHAT_MODE": "fake", "BIND": "127.0.0.1:5077",
           "WEB_CONCURRENCY": str(args.workers), "ACCESS_LOG": "",
           "LOGIN_RATE_LIMIT": "1000 per minute"}
    env.pop("REDIS_URL", None)
    prepare(url, args.requests, env)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                               "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:5077"
    try:
        for _ in range(100):
            try:
                requests.get(base + "/ping", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.2)
        token = requests.post(base + "/api/v1/auth/wechat-login",
                              json={"code": "test:demo-staff-1@bench"}, timeout=10).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        list_url = base + "/api/v1/requests?scope=community&limit=20"
        assert len(requests.get(list_url, headers=auth, timeout=10).json()["items"]) == 20
        wrk(base + "/ping", 2)  # warm up
        wrk(list_url, 2, auth)
        hello, hello_p95 = wrk(base + "/ping", args.seconds)
        lst, lst_p95 = wrk(list_url, args.seconds, auth)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"gunicorn workers={args.workers} threads=4, wrk 2 threads 16 connections, "
          f"{args.seconds}s each, {args.requests + 4} requests in the database")
    print(f"RPS_hello  GET /ping                {hello:8.0f} req/s  p95 {hello_p95:.1f} ms")
    print(f"RPS_list   GET /requests?scope=community&limit=20"
          f" {lst:8.0f} req/s  p95 {lst_p95:.1f} ms")
    print(f"ratio list/hello = {lst / hello:.2f}   (bar P1: >= 0.35, p95 <= 100 ms)")


if __name__ == "__main__":
    main()
