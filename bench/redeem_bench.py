"""P3/P4: redemption throughput on PostgreSQL under gunicorn, against a bare-route baseline.

Usage: .venv/bin/python bench/redeem_bench.py [--seconds 8] [--workers 5] [--users 1000]

Wipes and rebuilds the database at BENCH_DATABASE_URL (default the `llt_tb` database on
127.0.0.1), creates `--users` residents with points and one item, then for gunicorn with one
worker and with `--workers` workers (4 threads each) measures with wrk (2 threads, 16
connections, a second process on loopback):

- the baseline `GET /ping` (a bare route; `/healthz` when the app has no /ping),
- P3: `POST /api/v1/mall/items/<id>/redeem` spread over all the users, each request with its
  own Idempotency-Key (ledger transfer + stock + voucher + idempotency row),
- P4: the same redemptions all on one user's account (a hot row).

It prints redemptions/second, p95 latency, the ratios to the baseline and to P3, the error
count, how many transactions PostgreSQL made us retry, and whether `verify()` still finds the
ledger whole. Bounded: about 90 seconds with the defaults.
"""
import argparse
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LUA = """
local tokens, counter, threads = {}, 0, 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
end
function request()
  counter = counter + 1
  local token = tokens[((counter * 7919 + tid * 104729) % #tokens) + 1]
  return wrk.format("POST", os.getenv("BENCH_PATH"), {
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = os.getenv("BENCH_RUN") .. "-" .. tid .. "-" .. counter,
    ["Content-Type"] = "application/json"}, "")
end
done = function(summary, latency, requests)
  io.write(string.format("P95_MS %.2f\\n", latency:percentile(95) / 1000))
end
"""
PLAIN_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("P95_MS %.2f\\n", latency:percentile(95) / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, users: int, tmp: Path, secret: str) -> tuple[int, Path, Path]:
    """Fresh schema, users with points, one item; token files for P3 (all) and P4 (one)."""
    os.environ["DATABASE_URL"] = url
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    from flask_migrate import upgrade

    from app import create_app
    from app.auth.models import User
    from app.auth.tokens import issue_token
    from app.community.models import Community, Street
    from app.extensions import db
    from app.mall.models import MallItem, Merchant
    from app.timebank import service

    app = create_app("testing", {"REDIS_URL": None, "SECRET_KEY": secret})
    with app.app_context():
        upgrade()
        street = Street(name="压测街道")
        db.session.add(street)
        db.session.flush()
        community = Community(street_id=street.id, name="压测社区")
        db.session.add(community)
        db.session.flush()
        service.set_budget(community.id, 10**9)
        merchant = Merchant(name="压测商家", community_id=community.id)
        db.session.add(merchant)
        db.session.flush()
        item = MallItem(merchant_id=merchant.id, title="压测商品", kind="goods", price_points=1,
                        stock=10**7, per_user_limit=None, valid_days=30, published=True)
        db.session.add(item)
        tokens = []
        for i in range(users):
            user = User(openid=f"bench-{i}", nickname=f"压测{i}")
            db.session.add(user)
            db.session.flush()
            points = 1_000_000 if i == 0 else 10_000
            service.grant_from_community(community_id=community.id, user_id=user.id,
                                         points=points, key=f"bench:grant:{i}")
            tokens.append(issue_token(user)[0])
        db.session.commit()
        item_id = item.id
        db.session.remove()
        db.engine.dispose()
    all_tokens, hot_token = tmp / "tokens_all.txt", tmp / "tokens_hot.txt"
    all_tokens.write_text("\n".join(tokens) + "\n")
    hot_token.write_text(tokens[0] + "\n")
    return item_id, all_tokens, hot_token


def wrk(url: str, seconds: int, script: str, env: dict | None = None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "10s", "-s", f.name, url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True,
                         env={**os.environ, **(env or {})}).stdout
    os.unlink(f.name)
    if not re.search(r"Requests/sec:\s+[1-9]", out):
        raise SystemExit(f"no successful requests to {url}:\n{out}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p95": float(re.search(r"P95_MS ([\d.]+)", out).group(1)),
            "errors": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else "none"}


def serve(workers: int, env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
        env={**env, "WEB_CONCURRENCY": str(workers), "BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL, stderr=log.open("wb"), start_new_session=True)
    for _ in range(150):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server, f"http://127.0.0.1:{port}"
        except requests.RequestException:
            time.sleep(0.2)
    stop(server)
    raise SystemExit("gunicorn did not start:\n" + log.read_text()[-2000:])


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn, then anything left of the process group it was started in."""
    server.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=25)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=5)


def run_config(workers, args, env, item_id, all_tokens, hot_token, tmp) -> dict:
    log = tmp / f"gunicorn-{workers}.log"
    server, base = serve(workers, env, log)
    try:
        baseline = base + "/ping"
        if requests.get(baseline, timeout=5).status_code != 200:
            baseline = base + "/healthz"
        path = f"/api/v1/mall/items/{item_id}/redeem"
        redeem = {"BENCH_PATH": path}
        wrk(baseline, 2, PLAIN_LUA)  # warm-up
        wrk(base + path, 2, LUA, {**redeem, "BENCH_TOKENS": str(all_tokens),
                                  "BENCH_RUN": f"warm{workers}"})
        result = {"workers": workers, "baseline_path": baseline.removeprefix(base)}
        result["hello"] = wrk(baseline, args.seconds, PLAIN_LUA)
        result["p3"] = wrk(base + path, args.seconds, LUA, {
            **redeem, "BENCH_TOKENS": str(all_tokens), "BENCH_RUN": f"p3w{workers}"})
        result["p4"] = wrk(base + path, args.seconds, LUA, {
            **redeem, "BENCH_TOKENS": str(hot_token), "BENCH_RUN": f"p4w{workers}"})
    finally:
        stop(server)
    text = log.read_text(errors="replace")
    result["retries"] = text.count("transaction retried after")
    result["deadlocks"] = text.lower().count("deadlock detected")
    result["server_errors"] = text.count("unhandled error")
    return result


def verify_ledger() -> dict:
    from app import create_app
    from app.extensions import db
    from app.timebank.verify import verify

    app = create_app("testing", {"REDIS_URL": None})
    with app.app_context():
        report = verify()
        vouchers = db.session.scalar(sa.text("SELECT count(*) FROM mall_vouchers"))
        db.session.remove()
        db.engine.dispose()
    return {"ok": report["ok"], "postings": report["postings_checked"], "vouchers": vouchers}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--users", type=int, default=1000)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/llt_tb")
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        secret = "bench-" + "x" * 40
        item_id, all_tokens, hot_token = prepare(url, args.users, tmp, secret)
        env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "production",
               "SECRET_KEY": secret, "WECHAT_MODE": "fake",
               "ACCESS_LOG": "", "THREADS": "4",
               "WRITE_RATE_LIMIT": "1000000 per minute"}
        env.pop("REDIS_URL", None)
        results = [run_config(w, args, env, item_id, all_tokens, hot_token, tmp)
                   for w in (1, args.workers)]
        ledger = verify_ledger()
    print(f"PostgreSQL, gunicorn gthread x 4 threads, wrk 2 threads 16 connections, "
          f"{args.seconds}s per measurement, {args.users} accounts, {os.cpu_count()} cores")
    for r in results:
        hello, p3, p4 = r["hello"], r["p3"], r["p4"]
        print(f"\n-- gunicorn workers={r['workers']}")
        print(f"baseline GET {r['baseline_path']:<8} {hello['rps']:8.0f} req/s   "
              f"p95 {hello['p95']:6.1f} ms")
        print(f"P3 redeem, {args.users} accounts {p3['rps']:8.0f} redemptions/s "
              f"p95 {p3['p95']:6.1f} ms  errors {p3['errors']}  "
              f"ratio to baseline {p3['rps'] / hello['rps']:.2f} (bar >= 0.15)")
        print(f"P4 redeem, one account   {p4['rps']:8.0f} redemptions/s "
              f"p95 {p4['p95']:6.1f} ms  errors {p4['errors']}  "
              f"ratio to P3 {p4['rps'] / p3['rps']:.2f} (bar >= 0.50)")
        print(f"socket errors: P3 {p3['socket_errors']}; P4 {p4['socket_errors']}; "
              f"retried transactions {r['retries']}, deadlocks logged {r['deadlocks']}, "
              f"unhandled errors {r['server_errors']}")
    print(f"\nledger after the run: verify ok={ledger['ok']}, {ledger['postings']} postings, "
          f"{ledger['vouchers']} vouchers; total time {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
