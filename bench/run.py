"""`make bench`: every performance scenario of docs/quality.md in one run, with its baseline.

    .venv/bin/python bench/run.py [--smoke] [--seconds 8] [--reseed] [--only P1,P3]

What it does, all on loopback and bounded in time:

1. Databases (PostgreSQL, `BENCH_DATABASE_URL`, default `llt_bench` on 127.0.0.1): a template
   with the migrations and the demo data (built once), a fresh copy of it per run loaded by COPY
   with 1,000 users / 10,000 postings / 2,000 requests (the "small" database), and a "scale"
   database with 100,000 users / 1,000,000 postings / 200,000 requests, kept between runs
   (`--reseed` rebuilds it; its load time is reported against the 3-minute bar).
2. Its own redis-server on a free port (the app's rate limits, token cache and jobs), which P6
   stops; the shared Redis is never touched.
3. Two gunicorn servers with the project's `gunicorn.conf.py`: the bare Flask baseline
   (`bench/hello.py`) and the app (`wsgi:app`, APP_ENV=production).
4. wrk as a separate process (2 threads, 16 connections) per measurement, with
   `bench/lua/load.lua` for tokens, bodies and idempotency keys.
5. In this process, each on its own copy of the template: STATS, the stats summary of a
   year for a 20,000-household street (`bench/stats_bench.py`), and CLOSE, the consultations'
   job closing a consultation of 5,000 households (`bench/close_bench.py`).

It prints one table (scenario, req/s, p50, p95, p99, errors, ratio, bar, pass/fail) and
writes the same as JSON to `bench/results/<UTC time>.json` (and `latest.json`).
`--smoke` runs every scenario for a second or two on small volumes: a check that the harness
and the paths work, not a measurement.
"""
import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import close_bench, seed, stats_bench  # noqa: E402

RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "lua" / "load.lua"
SECRET = "bench-secret-" + "x" * 40
CONNECTIONS = 16
SITE = (29.3401, 105.2893)  # where the check-in shift is


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float = 30) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds}s")


# -- processes the bench starts and stops itself ----------------------------------------------
class Redis:
    """A private redis-server (no persistence) on its own port, which P6 may stop."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.tmp = tmp
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        for _ in range(100):
            with contextlib.suppress(redis.RedisError):
                if redis.Redis(port=self.port).ping():
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


class Gunicorn:
    """gunicorn with the project's config file, in its own process group."""

    def __init__(self, app: str, env: dict, log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.marks = Path(tempfile.mkdtemp(prefix="ready-", dir=log.parent))
        self.workers = int(subprocess.run(
            [sys.executable, "-c", "import runpy; print(runpy.run_path('gunicorn.conf.py')"
             "['workers'])"], cwd=ROOT, env=env, capture_output=True, text=True).stdout)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", app], cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{self.port}", "BENCH_READY_DIR": str(self.marks)},
            stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)

    def ready(self, path: str) -> "Gunicorn":
        """Every worker has loaded the app, and it answers `path`."""
        deadline = time.monotonic() + 300  # a busy machine loads the app slowly
        while len(list(self.marks.iterdir())) < self.workers:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError("gunicorn did not start:\n" + self.log.read_text()[-3000:])
            time.sleep(0.2)
        wait_http(self.base + path, 30)
        return self

    def stop(self) -> None:
        self.proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=25)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=5)


def wrk(url: str, seconds: float, tokens: Path | None = None, method: str = "GET",
        path: str | None = None, body: str = "", idem: str = "", once: bool = False) -> dict:
    """`once`: each token once (the run stops when all have an answer, or at `seconds`)."""
    env = {**os.environ, "BENCH_TOKENS": str(tokens or ""), "BENCH_METHOD": method,
           "BENCH_BODY": body, "BENCH_IDEM": idem, "BENCH_ONCE": "2" if once else ""}
    if path:
        env["BENCH_PATH"] = path
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
           "-s", str(LUA), url + (path or "")]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env,
                         timeout=seconds + 30).stdout
    line = next((x for x in out.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no figures for {url}:\n{out}")
    data = json.loads(line[6:])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6) or 0.001
    data["errors"] = data["status_errors"] + data["socket_errors"]
    return data


# -- the app's side: fixtures and tokens, written with the app's own code ---------------------
def sa_url(url: str) -> str:
    """The SQLAlchemy spelling (psycopg 3) of a database URL."""
    return "postgresql+psycopg://" + seed.pg(url).removeprefix("postgresql://")


def app_for(url: str, redis_url: str | None):
    from app import create_app
    from config import engine_options

    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": sa_url(url),
                                  "SQLALCHEMY_ENGINE_OPTIONS": engine_options(sa_url(url)),
                                  "SECRET_KEY": SECRET, "REDIS_URL": redis_url})


def dispose(app) -> None:
    """Close an app's connections (before its database is dropped by a later run)."""
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def write_tokens(app, openids: list[str], path: Path) -> list[int]:
    """Sign `openids` in (sessions as a login writes them); their tokens go to `path`."""
    import sqlalchemy as sa

    from app.auth.models import User
    from app.auth.tokens import issue_token
    from app.extensions import db

    with app.app_context():
        users = {u.openid: u for u in db.session.scalars(
            sa.select(User).where(User.openid.in_(openids)))}
        tokens = [issue_token(users[o])[0] for o in openids]
        db.session.commit()
        ids = [users[o].id for o in openids]
        db.session.remove()
    path.write_text("\n".join(tokens) + "\n")
    return ids


def fixtures(app, tmp: Path, users: int) -> dict:
    """On the small database: the staff token, 1,000 redeeming residents, one hot account,
    a mall item, and a shift starting now with 200 volunteers signed up."""
    import sqlalchemy as sa

    from app.common.timeutil import utcnow
    from app.community.models import Community
    from app.extensions import db
    from app.mall.models import MallItem, Merchant
    from app.timebank import service as timebank
    from app.volunteering.models import Shift

    out = {}
    n_redeem = min(1000, users - 1)
    write_tokens(app, ["demo-staff-1"], tmp / "staff.txt")
    redeemers = write_tokens(app, [f"bench-{i}" for i in range(1, n_redeem + 1)],
                             tmp / "redeem.txt")
    hot = write_tokens(app, ["bench-0"], tmp / "hot.txt")[0]
    with app.app_context():
        community = db.session.scalar(sa.select(Community).order_by(Community.id))
        timebank.grant_from_community(community_id=community.id, user_id=hot,
                                      points=10**9, key="bench:hot")
        merchant = Merchant(name="压测商家", community_id=community.id)
        db.session.add(merchant)
        db.session.flush()
        item = MallItem(merchant_id=merchant.id, title="压测商品", kind="goods",
                        price_points=1, stock=10**8, per_user_limit=None, valid_days=30,
                        published=True)
        db.session.add(item)
        db.session.commit()
        out["item"] = item.id
        out["community"] = community.id
        db.session.remove()
    out["redeemers"] = len(redeemers)
    # The check-in shift: created by staff through the API, 200 volunteers signed up.
    client = app.test_client()
    staff = {"Authorization": "Bearer " + (tmp / "staff.txt").read_text().strip()}
    start = utcnow() + timedelta(minutes=5)
    spec = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=4)).isoformat(),
            "capacity": 200, "location_name": "观湖志愿V站", "lat": SITE[0], "lng": SITE[1],
            "radius_m": 300, "points_per_hour": 10, "code_required": False,
            "required_roles": []}
    resp = client.post("/api/v1/activities", headers=staff, json={
        "community_id": out["community"], "title": "压测签到", "auto_approve": False,
        "shifts": [spec]})
    assert resp.status_code == 201, resp.get_json()
    shift_id = resp.get_json()["shifts"][0]["id"]
    volunteers = [f"bench-{i}" for i in range(users - 200, users)]
    write_tokens(app, volunteers, tmp / "volunteers.txt")
    for token in (tmp / "volunteers.txt").read_text().split():
        r = client.post(f"/api/v1/shifts/{shift_id}/signup",
                        headers={"Authorization": f"Bearer {token}"}, json={})
        assert r.status_code == 201, r.get_json()
    with app.app_context():  # the shift has just begun
        db.session.execute(sa.update(Shift).where(Shift.id == shift_id).values(
            starts_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
        db.session.remove()
    out["shift"] = shift_id
    return out


def checkins(app, shift_id: int) -> tuple[int, float]:
    """(attendances of the shift, seconds from the first check-in to the last)."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.volunteering.models import Attendance

    with app.app_context():
        n, first, last = db.session.execute(sa.select(
            sa.func.count(), sa.func.min(Attendance.checked_in_at),
            sa.func.max(Attendance.checked_in_at)).where(
            Attendance.shift_id == shift_id)).one()
        db.session.remove()
    return n, (last - first).total_seconds() if n else 0.0


def query_counts(app, tmp: Path) -> list[dict]:
    """P2: statements per request at page size 1 and 50, counted by SQLAlchemy's
    `before_cursor_execute` on the engine, through the test client (after one warm-up)."""
    import sqlalchemy as sa

    from app.extensions import db

    staff = "Bearer " + (tmp / "staff.txt").read_text().strip()
    hot = "Bearer " + (tmp / "hot.txt").read_text().strip()
    lists = [("requests?scope=community", staff), ("requests?scope=community&status=submitted",
                                                   staff),
             ("timebank/entries", hot), ("mall/vouchers", hot), ("mall/items", hot),
             ("notifications", hot), ("activities", hot), ("feedback?scope=mine", hot)]
    counted = []

    def count(*_args):
        counted.append(1)

    out = []
    client = app.test_client()
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        for path, auth in lists:
            sep = "&" if "?" in path else "?"
            row = {"path": "/api/v1/" + path}
            for limit in (1, 50):
                url = f"/api/v1/{path}{sep}limit={limit}"
                client.get(url, headers={"Authorization": auth})
                counted.clear()
                resp = client.get(url, headers={"Authorization": auth})
                row[f"queries_{limit}"] = len(counted)
                row[f"status_{limit}"] = resp.status_code
                if resp.status_code == 200:
                    row[f"items_{limit}"] = len(resp.get_json().get("items", []))
            out.append(row)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return out


# -- the run ----------------------------------------------------------------------------------
def row(name, measured, baseline=None, ratio=None, bar="", ok=None, note=""):
    r = {"scenario": name, "note": note, "bar": bar, "pass": ok}
    if measured:
        r.update(rps=round(measured["rps"], 1), p50=measured["p50"], p95=measured["p95"],
                 p99=measured["p99"], errors=measured["errors"])
    if ratio is not None:
        r["ratio"] = round(ratio, 3)
    if baseline:
        r["baseline"] = baseline
    return r


def main() -> None:  # noqa: C901 (one scenario after another, in the order of the table)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="seconds, not minutes")
    parser.add_argument("--seconds", type=float, default=None, help="per measurement")
    parser.add_argument("--reseed", action="store_true", help="reload the scale database")
    parser.add_argument("--only", default="", help="comma-separated scenario ids (P1,P3,...)")
    args = parser.parse_args()
    seconds = args.seconds or (3 if args.smoke else 8)
    only = {s.strip().upper() for s in args.only.split(",") if s.strip()}

    def wanted(sid: str) -> bool:
        return not only or sid in only

    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False,
                       stdout=subprocess.DEVNULL)
        if shutil.which("wrk") is None:
            raise SystemExit("wrk is needed: apt-get install -y wrk")
    base_url = os.environ.get("BENCH_DATABASE_URL",
                              "postgresql://postgres@127.0.0.1:5432/llt_bench")
    name = seed.db_name(base_url)
    tpl_url = seed.with_db(base_url, f"{name}_tpl")
    small_url = seed.with_db(base_url, f"{name}_small")
    scale_url = seed.with_db(base_url, f"{name}_scale" + ("_smoke" if args.smoke else ""))
    small_sizes = {"users": 1_000, "postings": 10_000, "requests": 2_000}
    scale_sizes = ({"users": 10_000, "postings": 100_000, "requests": 20_000} if args.smoke
                   else {"users": 100_000, "postings": 1_000_000, "requests": 200_000})
    started = time.monotonic()
    rows, info = [], {"started": datetime.now(UTC).isoformat(timespec="seconds"),
                      "mode": "smoke" if args.smoke else "full", "seconds": seconds,
                      "machine": f"{platform.node()} {platform.machine()} "
                                 f"{os.cpu_count()} cores, {platform.python_version()}",
                      "wrk": f"2 threads, {CONNECTIONS} connections"}
    tmp = Path(tempfile.mkdtemp(prefix="llt-bench-"))
    redis = Redis(tmp)
    servers = []
    env_db = {**os.environ, "FLASK_APP": "wsgi.py"}

    def flask(*cmd, url):
        subprocess.run([sys.executable, "-m", "flask", *cmd], cwd=ROOT, check=True,
                       env={**env_db, "DATABASE_URL": url}, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    try:
        # 1. databases
        t0 = time.monotonic()
        head = subprocess.run([sys.executable, "-m", "flask", "db", "heads"], cwd=ROOT,
                              env={**env_db, "DATABASE_URL": tpl_url}, capture_output=True,
                              text=True).stdout.split(" ")[0].strip()
        if not seed.exists(tpl_url) or seed.alembic_head(tpl_url) != head:
            seed.drop(tpl_url)
            with __import__("psycopg").connect(seed.admin_url(tpl_url),
                                               autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{seed.db_name(tpl_url)}"')
            flask("db", "upgrade", url=tpl_url)
            flask("seed-demo", url=tpl_url)
        seed.copy_of(tpl_url, small_url)
        info["small"] = seed.load(small_url, **small_sizes)
        have = seed.meta(scale_url)
        scale_row = None
        if wanted("P5") or wanted("SEED"):
            if args.reseed or have.get("alembic") != head or any(
                    have.get(k) != str(v) for k, v in scale_sizes.items()):
                seed.copy_of(tpl_url, scale_url)
                info["scale"] = loaded = seed.load(scale_url, **scale_sizes)
                bar_s = 180 if not args.smoke else 30
                scale_row = row("SEED scale load (COPY)", None,
                                bar=f"≤ {bar_s} s", ok=loaded["seconds"] <= bar_s,
                                note=f"{loaded['postings']:,} postings, {loaded['users']:,} "
                                     f"users, {loaded['requests']:,} requests in "
                                     f"{loaded['seconds']} s")
            else:
                info["scale"] = {**have, "seconds": "reused"}
                scale_row = row("SEED scale load (COPY)", None, bar="≤ 180 s", ok=None,
                                note="kept from an earlier run (--reseed to time it again)")
        info["prepare_seconds"] = round(time.monotonic() - t0, 1)

        # 2. Redis, fixtures, servers
        redis.start()
        app = app_for(small_url, redis.url)
        fx = fixtures(app, tmp, small_sizes["users"])
        env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": SECRET,
               "WECHAT_MODE": "real", "WECHAT_APPID": "bench", "WECHAT_SECRET": "bench",
               "DATABASE_URL": small_url, "REDIS_URL": redis.url,
               "WRITE_RATE_LIMIT": "10000000 per minute",
               "CHECKIN_RATE_LIMIT": "10000000 per minute"}
        hello = Gunicorn("bench.hello:app", env, tmp / "hello.log").ready("/hello")
        servers.append(hello)
        web = Gunicorn("bench.app:app", env, tmp / "app.log").ready("/healthz")
        servers.append(web)
        info["gunicorn"] = subprocess.run(
            [sys.executable, "-c", "import runpy; c = runpy.run_path('gunicorn.conf.py'); "
             "print(c['workers'], c['threads'], c['worker_class'])"], cwd=ROOT,
            capture_output=True, text=True, env=env).stdout.strip()
        staff, hot = tmp / "staff.txt", tmp / "hot.txt"
        redeem_tokens, volunteers = tmp / "redeem.txt", tmp / "volunteers.txt"
        list_path = "/api/v1/requests?scope=community&limit=20"
        redeem_path = f"/api/v1/mall/items/{fx['item']}/redeem"
        # Every worker's first requests are slow (connections, caches): warm each path.
        warm = 2 if args.smoke else 3
        wrk(hello.base, warm, path="/hello")
        wrk(web.base, warm, staff, path=list_path)
        wrk(web.base, warm, redeem_tokens, "POST", redeem_path, "{}", idem="warm")
        wrk(web.base, warm, redeem_tokens, path="/api/v1/timebank/account")

        hello_start = wrk(hello.base, seconds, path="/hello")
        rows.append(row("BASE bare Flask GET /hello (start)", hello_start, note="the baseline"))
        rps_hello = hello_start["rps"]

        if wanted("P1"):
            m = wrk(web.base, seconds, staff, path=list_path)
            ratio = m["rps"] / rps_hello
            rows.append(row("P1 staff list /requests?scope=community&limit=20", m, ratio=ratio,
                            bar="≥ 0.35 × hello, p95 ≤ 100 ms, 0 errors",
                            ok=ratio >= 0.35 and m["p95"] <= 100 and m["errors"] == 0))
        if scale_row:
            rows.append(scale_row)
        if wanted("P5"):
            reads = [("balance", "/api/v1/timebank/account"),
                     ("statement", "/api/v1/timebank/entries?limit=20"),
                     ("request list", list_path)]
            scale_tokens = tmp / "scale_users.txt"
            small_tokens = tmp / "small_users.txt"
            step = scale_sizes["users"] // 1000
            # residents spread over the whole table, as many as the small run uses
            # before any redemption: both databases as loaded (bench-0 is P4's hot account)
            write_tokens(app, [f"bench-{i}" for i in range(1, small_sizes["users"])],
                         small_tokens)
            sapp = app_for(scale_url, None)
            write_tokens(sapp, [f"bench-{i}" for i in range(0, scale_sizes["users"], step)],
                         scale_tokens)
            write_tokens(sapp, ["demo-staff-1"], tmp / "scale_staff.txt")
            scale_web = Gunicorn("bench.app:app", {**env, "DATABASE_URL": scale_url},
                                 tmp / "app-scale.log").ready("/healthz")
            servers.append(scale_web)
            # small and scale served side by side, measured one after the other per read
            for k, p in reads:
                small_toks = staff if k == "request list" else small_tokens
                scale_toks = tmp / "scale_staff.txt" if k == "request list" else scale_tokens
                wrk(scale_web.base, 1, scale_toks, path=p)
                small = wrk(web.base, seconds, small_toks, path=p)
                m = wrk(scale_web.base, seconds, scale_toks, path=p)
                slower = small["rps"] / max(m["rps"], 0.001)
                rows.append(row(f"P5 at scale: {k}", m, ratio=slower,
                                bar="≤ 1.3 × slower than small",
                                ok=slower <= 1.3 and m["errors"] == 0,
                                note=f"small: {small['rps']:.0f} req/s, p95 "
                                     f"{small['p95']:.1f} ms; ratio = small/scale req/s"))
        p3 = None
        if wanted("P3") or wanted("P4"):
            p3 = wrk(web.base, seconds, redeem_tokens, "POST", redeem_path, "{}", idem="p3")
            ratio = p3["rps"] / rps_hello
            rows.append(row(f"P3 redeem, {fx['redeemers']} accounts", p3, ratio=ratio,
                            bar="≥ 0.15 × hello, 0 errors",
                            ok=ratio >= 0.15 and p3["errors"] == 0))
        if wanted("P4") and p3:
            m = wrk(web.base, seconds, hot, "POST", redeem_path, "{}", idem="p4")
            log = (tmp / "app.log").read_text(errors="replace").lower()
            deadlocks = log.count("deadlock detected")
            ratio = m["rps"] / p3["rps"]
            rows.append(row("P4 redeem, one hot account", m, ratio=ratio,
                            bar="≥ 0.5 × P3, 0 deadlocks, 0 errors",
                            ok=ratio >= 0.5 and m["errors"] == 0 and deadlocks == 0,
                            note=f"ratio to P3; deadlocks logged {deadlocks}"))
        if wanted("CHECKIN"):
            body = json.dumps({"lat": SITE[0], "lng": SITE[1]})
            # Each volunteer checks in once; wrk stops when all 200 have their answer.
            m = wrk(web.base, 60, volunteers, "POST", f"/api/v1/shifts/{fx['shift']}/checkin",
                    body, once=True)
            # wrk runs its whole -d even when its threads stop early: the span comes from the
            # check-ins themselves, plus the slowest answer
            n, span = checkins(app, fx["shift"])
            took = span + m["p99"] / 1000
            rows.append(row("CHECKIN 200 volunteers, one shift", m, ratio=m["rps"] / rps_hello,
                            bar="200 within 60 s, each once, 0 errors",
                            ok=n == 200 and took <= 60 and m["errors"] == 0,
                            note=f"{n} attendances for 200 volunteers, the last {took:.1f} s "
                                 f"after the first was sent ({m['requests']} answers, 16 at a "
                                 f"time; req/s over wrk's whole minute)"))
        if wanted("P2"):
            counts = query_counts(app, tmp)
            worst = max(max(c["queries_1"], c["queries_50"]) for c in counts)
            ok = all(c["queries_1"] == c["queries_50"] and c["queries_50"] <= 4
                     and c.get("status_1") == 200 for c in counts)
            info["p2"] = counts
            rows.append(row("P2 queries per list request, limit 1 vs 50", None, bar="equal, ≤ 4",
                            ok=ok, note="; ".join(
                                f"{c['path'].removeprefix('/api/v1/')} {c['queries_1']}/"
                                f"{c['queries_50']}" for c in counts) + f" (max {worst})"))
        if wanted("P6"):
            reads = [("list", staff, list_path), ("balance", redeem_tokens,
                                                  "/api/v1/timebank/account")]
            up = {k: wrk(web.base, seconds, t, path=p) for k, t, p in reads}
            redis.stop()
            try:
                down = {k: wrk(web.base, seconds, t, path=p) for k, t, p in reads}
            finally:
                redis.start()
            for k, _t, p in reads:
                ratio = down[k]["p95"] / max(up[k]["p95"], 0.001)
                rows.append(row(f"P6 Redis stopped: {k} {p.split('?')[0]}", down[k], ratio=ratio,
                                bar="p95 ≤ 1.5 × Redis up, 0 errors",
                                ok=ratio <= 1.5 and down[k]["errors"] == 0,
                                note=f"Redis up: {up[k]['rps']:.0f} req/s, p95 "
                                     f"{up[k]['p95']:.1f} ms"))
        if wanted("STATS"):
            # The summary of a year for a street (bench/stats_bench.py's seed and figures),
            # on its own copy of the template; smoke: 1,000 households, a check of the path.
            stats_url = seed.with_db(base_url, f"{name}_stats" + ("_smoke" if args.smoke
                                                                   else ""))
            per_building = 5 if args.smoke else stats_bench.PER_BUILDING
            seed.copy_of(tpl_url, stats_url)
            took = stats_bench.seed_street(sa_url(stats_url), per_building)
            sapp = stats_bench.make_app(sa_url(stats_url))
            m = stats_bench.measure(sapp, 3 if args.smoke else 15)
            dispose(sapp)
            info["stats"] = {k: (str(v) if k in ("start", "end") else v)
                             for k, v in m.items() if k != "figures"}
            rows.append(row(f"STATS summary of a year, {m['households']:,} households", None,
                            bar="< 300 ms (GET /stats/summary)", ok=m["http"] < 300,
                            note=f"GET /stats/summary {m['http']:.0f} ms, in process "
                                 f"{m['inproc']:.0f} ms ({m['statements']} statements), CPU "
                                 f"{m['cpu_py'] + m['cpu_pg']:.0f} ms; medians of "
                                 f"{3 if args.smoke else 15}; street seeded in {took:.0f} s"))
        if wanted("CLOSE"):
            # The consultations' job closing one consultation of a compound (bench/close_bench.py).
            households = 500 if args.smoke else 5_000
            close_url = seed.with_db(base_url, f"{name}_close" + ("_smoke" if args.smoke
                                                                  else ""))
            seed.copy_of(tpl_url, close_url)
            close_bench.seed(sa_url(close_url), households)
            capp = app_for(close_url, redis.url)
            m = close_bench.measure(capp, 3)
            dispose(capp)
            info["close"] = m
            if args.smoke and m["wrong"]:  # a smoke run fails when the path gives a wrong result
                raise RuntimeError("CLOSE: " + "; ".join(m["wrong"]))
            rows.append(row(f"CLOSE consultation close, {m['households']:,} households", None,
                            bar="< 5 s per close, result right",
                            ok=m["seconds"] < 5 and not m["wrong"],
                            note=f"median {m['seconds']:.2f} s of runs {m['runs']} (jobs.tick, "
                                 f"{m['voted']:,} votes counted); results: "
                                 + "; ".join(m["results"])
                                 + (f"; WRONG: {'; '.join(m['wrong'])}" if m["wrong"] else "")))
        hello_end = wrk(hello.base, seconds, path="/hello")
        rows.append(row("BASE bare Flask GET /hello (end)", hello_end,
                        ratio=hello_end["rps"] / rps_hello, note="ratio to the start"))
    except Exception as exc:  # report what was measured, then the failure
        info["failed"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        rows.append(row("ERROR the run stopped here", None, ok=False, note=info["failed"]))
    finally:
        for server in servers:
            server.stop()
        redis.stop()
    info["total_seconds"] = round(time.monotonic() - started, 1)
    report(rows, info)
    shutil.rmtree(tmp, ignore_errors=True)
    # Smoke (CI): the harness ran and no path answered an error. Bars are for the full run.
    if "failed" in info or (args.smoke and any(r.get("errors") for r in rows)):
        raise SystemExit(1)


def report(rows: list[dict], info: dict) -> None:
    head = f"{'scenario':<52} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} {'err':>5} " \
           f"{'ratio':>6}  {'bar':<38} result"
    print(f"\n邻里通 bench, {info['mode']}, {info['started']}, {info['machine']}; gunicorn "
          f"workers/threads/class {info.get('gunicorn')}; wrk {info['wrk']}, "
          f"{info['seconds']} s per measurement")
    print(head)
    print("-" * len(head))
    for r in rows:
        def f(key, fmt, r=r):
            return format(r[key], fmt) if key in r else "—"

        result = {True: "PASS", False: "FAIL", None: "—"}[r["pass"]]
        print(f"{r['scenario'][:52]:<52} {f('rps', '8.0f'):>8} {f('p50', '7.1f'):>7} "
              f"{f('p95', '7.1f'):>7} {f('p99', '7.1f'):>7} {f('errors', '5d'):>5} "
              f"{f('ratio', '6.2f'):>6}  {r['bar'][:38]:<38} {result}")
        if r["note"]:
            print(f"{'':<4}{r['note']}")
    print(f"total {info['total_seconds']} s (preparing {info.get('prepare_seconds')} s)")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    doc = {"info": info, "rows": rows}
    (RESULTS / f"{stamp}-{info['mode']}.json").write_text(json.dumps(doc, ensure_ascii=False,
                                                                     indent=1))
    (RESULTS / f"latest-{info['mode']}.json").write_text(json.dumps(doc, ensure_ascii=False,
                                                                    indent=1))
    if any(r["pass"] is False for r in rows):
        print("some bars are not met (see FAIL)")


if __name__ == "__main__":
    main()
