"""Fault drills: `make drill` (every drill, longer storms) or `make drill-smoke` (short ones).

Usage: .venv/bin/python drills/drill.py [--smoke] [--keep] [names...]
Names: pg-restart redis-stop sigterm kill-worker rq-kill backup-restore (default: all).

Everything runs on loopback, in processes this script starts and stops itself:
- a PostgreSQL cluster of its own (initdb into /tmp/llt-drill/pg, port 5440, run as the
  `postgres` user), restarted by the drills; never the shared server;
- a Redis of its own (port 6390, nothing on disk), stopped and started by the drills;
- gunicorn with the project's gunicorn.conf.py (2 workers × 4 threads), and RQ workers.

Load is a bounded storm of redemptions (`POST /mall/items/<id>/redeem`, each with its own
Idempotency-Key) from 8 client threads for a few seconds. After each drill every key that got
no answer, or 503, is retried with the same key until it is answered; then the drill checks
that each key bought exactly one voucher (vouchers = keys answered 201 = idempotency rows
stored with 201), that no answer was a 500, and ends with `flask timebank verify`.
Exit status 0 when every drill passed.
"""
import argparse
import concurrent.futures as cf
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = Path(os.environ.get("DRILL_DIR", "/tmp/llt-drill"))
PG_PORT = int(os.environ.get("DRILL_PG_PORT", "5440"))
REDIS_PORT = int(os.environ.get("DRILL_REDIS_PORT", "6390"))
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DB = "drill"
DB_URL = f"postgresql://postgres@127.0.0.1:{PG_PORT}/{DB}"
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
SECRET = "drill-secret-" + "x" * 40
USERS = 40
CLIENTS = 8


def say(*parts):
    print(*parts, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- PostgreSQL and Redis of our own -------------------------------------------------------
def as_postgres(*cmd, check=True):
    return subprocess.run(["runuser", "-u", "postgres", "--", *map(str, cmd)], check=check,
                          capture_output=True, text=True)


class Postgres:
    def __init__(self):
        self.data = WORK / "pg"
        self.sock = WORK / "sock"

    def init(self):
        if self.data.exists():
            self.stop(check=False)
            shutil.rmtree(self.data)
        self.sock.mkdir(parents=True, exist_ok=True)
        shutil.chown(WORK, "postgres")
        shutil.chown(self.sock, "postgres")
        as_postgres(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres",
                    "--no-sync")
        self.start()
        as_postgres(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", PG_PORT, DB)

    def start(self):
        as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-l", WORK / "pg.log", "-w", "-o",
                    f"-p {PG_PORT} -k {self.sock} -c listen_addresses=127.0.0.1 "
                    "-c fsync=off -c max_connections=200", "start")

    def stop(self, check=True):
        as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop", check=check)


class Redis:
    def __init__(self):
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            try:
                import redis

                redis.Redis(port=REDIS_PORT).ping()
                return
            except Exception:  # noqa: BLE001
                time.sleep(0.1)
        raise SystemExit("redis did not start")

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


# -- the app ------------------------------------------------------------------------------
def env(**extra) -> dict:
    out = {**os.environ, "APP_ENV": "development", "DATABASE_URL": DB_URL,
           "REDIS_URL": REDIS_URL, "SECRET_KEY": SECRET, "WRITE_RATE_LIMIT": "100000 per minute",
           "LOG_FORMAT": "json", "FLASK_APP": "wsgi.py", "JOB_LEASE_SECONDS": "4",
           "CLIENT_ERROR_RATE_LIMIT": "5 per minute"}
    out.pop("PROMETHEUS_MULTIPROC_DIR", None)
    out.update({k: str(v) for k, v in extra.items()})
    return out


def prepare() -> dict:
    """Schema, demo data, USERS residents with points, one item with ample stock."""
    os.environ.update(env())
    from flask_migrate import upgrade

    from app import create_app
    from app.auth.models import User
    from app.auth.tokens import issue_token
    from app.community.models import Community
    from app.demo import SEEDED, seed
    from app.extensions import db
    from app.mall.models import MallItem, Merchant
    from app.timebank import service

    app = create_app("development", {"REDIS_URL": None, "SECRET_KEY": SECRET})
    with app.app_context():
        import logging

        logging.getLogger().setLevel(logging.WARNING)
        upgrade()
        # the base (street, communities, households, demo identities) and what the drills use
        seed(skip=tuple(d for d in SEEDED if d not in ("catalog", "timebank", "mall", "orders")))
        db.session.commit()
        community = db.session.scalar(sa.select(Community).order_by(Community.id))
        service.set_budget(community.id, 10**9)
        merchant = Merchant(name="演练商家", community_id=community.id)
        db.session.add(merchant)
        db.session.flush()
        item = MallItem(merchant_id=merchant.id, title="演练商品", kind="goods", price_points=1,
                        stock=10**7, per_user_limit=None, valid_days=30, published=True)
        db.session.add(item)
        tokens = []
        for i in range(USERS):
            user = User(openid=f"drill-{i}", nickname=f"演练{i}")
            db.session.add(user)
            db.session.flush()
            service.grant_from_community(community_id=community.id, user_id=user.id,
                                         points=100_000, key=f"drill:grant:{i}")
            tokens.append(issue_token(user)[0])
        db.session.commit()
        out = {"item": item.id, "tokens": tokens}
        db.session.remove()
        db.engine.dispose()
    return out


class Gunicorn:
    def __init__(self, name="web", workers=2, **extra):
        self.name, self.workers, self.extra = name, workers, extra
        self.proc, self.base = None, None

    def start(self):
        port = free_port()
        self.log = WORK / f"{self.name}.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
            env=env(BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=self.workers, THREADS=4,
                    ACCESS_LOG="", **self.extra),
            stdout=subprocess.DEVNULL, stderr=self.log.open("ab"), start_new_session=True)
        self.base = f"http://127.0.0.1:{port}"
        wait_ready(self.base, 60)
        return self

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True,
                             text=True).stdout
        return [int(p) for p in out.split()]

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc = None


def wait_ready(base: str, seconds: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            if requests.get(base + "/readyz", timeout=2).status_code == 200:
                return time.monotonic() - start
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{base} not ready after {seconds}s")


def flask(*args, url=DB_URL) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / ".venv/bin/flask"), *args], cwd=ROOT, env=env(
        DATABASE_URL=url), capture_output=True, text=True)


class RQWorker:
    def __init__(self, name):
        self.name, self.proc = name, None

    def start(self):
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/rq"), "worker", "-w", "rq.worker.SimpleWorker", "--url",
             REDIS_URL, "--name",
             f"{self.name}-{uuid.uuid4().hex[:6]}", "linlitong"],
            cwd=ROOT, env=env(), stdout=subprocess.DEVNULL,
            stderr=(WORK / f"{self.name}.log").open("ab"), start_new_session=True)
        return self

    def kill9(self):
        """The worker and any work horse (a forking RQ worker runs each job in a child of its
        own session; the SimpleWorker the units use runs it in-process)."""
        horses = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True,
                                text=True).stdout.split()
        for pid in horses:
            os.kill(int(pid), signal.SIGKILL)
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        return [int(p) for p in horses]

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


# -- load ---------------------------------------------------------------------------------
class Storm:
    """CLIENTS threads redeeming, each request with a new Idempotency-Key, until stopped or
    `seconds` passed. Every attempt is recorded: (key, user index, status or error, seconds)."""

    def __init__(self, base_fn, data, seconds):
        self.base_fn, self.data, self.seconds = base_fn, data, seconds
        self.results: list[tuple] = []
        self.lock = threading.Lock()
        self.stop_flag = threading.Event()

    def one(self, user: int, key: str, timeout=15):
        token = self.data["tokens"][user]
        start = time.monotonic()
        try:
            resp = requests.post(f"{self.base_fn()}/api/v1/mall/items/{self.data['item']}/redeem",
                                 headers={"Authorization": f"Bearer {token}",
                                          "Idempotency-Key": key}, timeout=timeout)
            outcome = resp.status_code
        except requests.ConnectionError as err:
            outcome = "refused" if "refused" in str(err).lower() else "reset"
        except requests.exceptions.ChunkedEncodingError:  # the status line came, the body was
            outcome = "reset"                               # cut (a worker killed mid-answer)
        except requests.Timeout:
            outcome = "timeout"
        return outcome, time.monotonic() - start

    def client(self, n):
        rnd = random.Random(n)
        deadline = time.monotonic() + self.seconds
        while time.monotonic() < deadline and not self.stop_flag.is_set():
            user = rnd.randrange(USERS)
            key = f"drill-{uuid.uuid4().hex}"
            outcome, took = self.one(user, key)
            with self.lock:
                self.results.append((key, user, outcome, took, time.monotonic()))
            if outcome in ("refused",):
                time.sleep(0.1)

    def run_in_background(self):
        self.pool = cf.ThreadPoolExecutor(CLIENTS)
        self.futures = [self.pool.submit(self.client, n) for n in range(CLIENTS)]
        return self

    def join(self):
        for f in self.futures:
            f.result()
        self.pool.shutdown()

    def summary(self) -> dict:
        counts: dict = {}
        for _, _, outcome, _, _ in self.results:
            counts[str(outcome)] = counts.get(str(outcome), 0) + 1
        return dict(sorted(counts.items()))

    def settle(self) -> dict:
        """Retry every key not answered 201/4xx with the same key, until answered."""
        final = {}
        for key, user, outcome, _, _ in self.results:
            final[key] = (user, outcome)
        retried = [0]

        def retry(item):
            key, (user, outcome) = item
            tries = 0
            while not (isinstance(outcome, int) and outcome < 500) and tries < 20:
                outcome, _ = self.one(user, key)
                retried[0] += 1
                tries += 1
                if not isinstance(outcome, int):
                    time.sleep(0.5)
            return key, (user, outcome)

        with cf.ThreadPoolExecutor(CLIENTS) as pool:
            final = dict(pool.map(retry, list(final.items())))
        retried = retried[0]
        return {"keys": len(final), "retried": retried,
                "answered_201": sum(1 for _, o in final.values() if o == 201),
                "final": final}


def drill_vouchers() -> int:
    engine = sa.create_engine(DB_URL.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        count = conn.scalar(sa.text(
            "SELECT count(*) FROM mall_vouchers v JOIN users u ON u.id = v.user_id "
            "WHERE u.openid LIKE 'drill-%'"))
    engine.dispose()
    return count


def check_exactly_once(settled: dict, vouchers_before: int) -> list[str]:
    """This drill's vouchers = its keys answered 201 = its idempotency rows stored with 201."""
    engine = sa.create_engine(DB_URL.replace("postgresql://", "postgresql+psycopg://"))
    problems = []
    with engine.connect() as conn:
        stored = dict(conn.execute(sa.text(
            "SELECT key, status_code FROM idempotency_keys WHERE key = ANY(:keys)"),
            {"keys": list(settled["final"])}).all())
    engine.dispose()
    vouchers = drill_vouchers() - vouchers_before
    ok_keys = {k for k, (_, o) in settled["final"].items() if o == 201}
    if vouchers != len(ok_keys):
        problems.append(f"vouchers {vouchers} != keys answered 201 {len(ok_keys)}")
    stored_201 = {k for k, s in stored.items() if s == 201}
    if stored_201 != ok_keys:
        problems.append(f"idempotency rows with 201 differ from answered keys: "
                        f"{len(stored_201 ^ ok_keys)}")
    unanswered = [k for k, (_, o) in settled["final"].items() if not isinstance(o, int)]
    if unanswered:
        problems.append(f"{len(unanswered)} keys never answered")
    return problems


def verify_ledger(url=DB_URL) -> tuple[bool, str]:
    out = flask("timebank", "verify", url=url)
    text = (out.stdout + out.stderr).strip().splitlines()
    return out.returncode == 0, " / ".join(text[-2:])


def no_500(storm: Storm) -> list[str]:
    bad = [r for r in storm.results if r[2] == 500]
    return [f"{len(bad)} answers were 500"] if bad else []


# -- the drills ---------------------------------------------------------------------------
def drill_pg_restart(ctx):
    web = ctx["web"]
    storm = Storm(lambda: web.base, ctx["data"], ctx["seconds"] + 8).run_in_background()
    time.sleep(2)
    down_at = time.monotonic()
    ctx["pg"].stop()
    say("  PostgreSQL stopped (fast shutdown) mid-load")
    time.sleep(4)
    ctx["pg"].start()
    up_at = time.monotonic()
    say(f"  PostgreSQL started again after {up_at - down_at:.1f}s")
    recovered = wait_ready(web.base, 60)
    say(f"  /readyz 200 {recovered:.1f}s after the start, same gunicorn (pid {web.proc.pid})")
    storm.join()
    during = [r for r in storm.results if down_at <= r[4] - r[3] <= up_at]
    slowest = max((r[3] for r in during), default=0)
    codes = {}
    for r in during:
        codes[str(r[2])] = codes.get(str(r[2]), 0) + 1
    say(f"  answers during the outage: {dict(sorted(codes.items()))}; slowest {slowest:.2f}s")
    say(f"  all answers: {storm.summary()}")
    problems = no_500(storm)
    if slowest > 12:
        problems.append(f"a request hung {slowest:.1f}s during the outage")
    if not any(r[2] == 503 for r in during):
        problems.append("no 503 seen during the outage")
    return storm, problems


def drill_redis_stop(ctx):
    web, redis_ = ctx["web"], ctx["redis"]
    import redis

    worker = RQWorker("rq-redis").start()
    storm = Storm(lambda: web.base, ctx["data"], ctx["seconds"] + 6).run_in_background()
    notes = Notifier(web.base, ctx["seconds"] + 6).run_in_background()
    limit = lambda: [requests.post(  # noqa: E731
        f"{web.base}/api/v1/client-errors", json={"kind": "error", "message": "drill"},
        timeout=5).status_code for _ in range(8)]
    before = limit()
    time.sleep(1.5)
    redis_.stop()
    say("  Redis stopped mid-load")
    health = requests.get(web.base + "/healthz", timeout=5).json()
    during = [limit(), limit()]
    time.sleep(3)
    redis_.start()
    say("  Redis started again (empty: it keeps nothing on disk)")
    time.sleep(1)
    worker.stop()
    worker = RQWorker("rq-redis").start()  # systemd restarts a worker that lost Redis
    health_after = requests.get(web.base + "/healthz", timeout=5).json()
    redis.Redis(port=REDIS_PORT).flushdb()  # a fresh window for the limit check
    # Each worker's limiter goes back to Redis at its next check of the storage, which
    # Flask-Limiter backs off exponentially while Redis is down (up to 2^5 s): until then that
    # worker still counts in its own memory. Ask again, each time in a fresh window, until the
    # limit is shared again.
    back_by = time.monotonic() + 70
    while True:
        after = limit()
        if after.count(429) == 3 or time.monotonic() > back_by:
            break
        time.sleep(2)
        shared = redis.Redis(port=REDIS_PORT)
        for key in shared.scan_iter("LIMITS*"):
            shared.delete(key)
    back_in = 70 - max(0.0, back_by - time.monotonic())
    storm.join()
    notes.join()
    say(f"  /healthz redis: {health['redis']} during, {health_after['redis']} after")
    say(f"  client-error limit (5 per minute per address): before {before.count(429)}x429 of 8, "
        f"during {[c.count(429) for c in during]} (each worker's memory), after "
        f"{after.count(429)}x429 of 8 (shared again {back_in:.0f}s after the restart check)")
    drained = flask("jobs", "drain")
    say(f"  flask jobs drain: {drained.stdout.strip()}")
    time.sleep(1)
    engine = sa.create_engine(DB_URL.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        by_status = dict(conn.execute(sa.text(
            "SELECT status, count(*) FROM job_outbox GROUP BY status")).all())
        unpushed = conn.scalar(sa.text(
            "SELECT count(*) FROM notifications WHERE push_status IS NULL"))
    engine.dispose()
    worker.stop()
    say(f"  service requests created: {notes.created}; outbox rows by status: {by_status}; "
        f"notifications never pushed: {unpushed}")
    say(f"  all redemption answers: {storm.summary()}")
    problems = no_500(storm) + notes.problems
    if before.count(429) != 3 or after.count(429) != 3:
        problems.append("the shared limit did not hold before/after")
    if health["redis"] != "down" or health_after["redis"] != "ok":
        problems.append("healthz did not follow Redis")
    if set(by_status) - {"done"} or unpushed:
        problems.append("jobs lost or not run")
    return storm, problems


class Notifier:
    """demo-resident-1 submits service requests (each notifies the community's staff)."""

    def __init__(self, base, seconds):
        self.base, self.seconds = base, seconds
        self.created, self.problems = 0, []

    def run(self):
        login = requests.post(f"{self.base}/api/v1/auth/wechat-login",
                              json={"code": f"test:demo-resident-1@{uuid.uuid4().hex}"},
                              timeout=10).json()
        headers = {"Authorization": f"Bearer {login['token']}"}
        me = requests.get(f"{self.base}/api/v1/me", headers=headers, timeout=10).json()
        household = me["households"][0]["household_id"]
        cats = requests.get(f"{self.base}/api/v1/categories", headers=headers, timeout=10).json()
        category = (cats["items"] if isinstance(cats, dict) else cats)[0]["id"]
        deadline = time.monotonic() + self.seconds
        while time.monotonic() < deadline:
            try:
                resp = requests.post(f"{self.base}/api/v1/requests", json={
                    "category_id": category, "household_id": household,
                    "description": "演练：水管漏水"},
                    headers={**headers, "Idempotency-Key": uuid.uuid4().hex}, timeout=15)
                if resp.status_code == 201:
                    self.created += 1
                elif resp.status_code >= 500:
                    self.problems.append(f"service request answered {resp.status_code}")
            except requests.RequestException as err:
                self.problems.append(f"service request failed: {type(err).__name__}")
            time.sleep(0.3)

    def run_in_background(self):
        self.thread = threading.Thread(target=self.run)
        self.thread.start()
        return self

    def join(self):
        self.thread.join()


def drill_sigterm(ctx):
    web = ctx["web"]
    storm = Storm(lambda: web.base, ctx["data"], ctx["seconds"] + 4).run_in_background()
    time.sleep(2)
    sent = time.monotonic()
    web.proc.send_signal(signal.SIGTERM)
    say("  SIGTERM to the gunicorn master during the redemption storm")
    web.proc.wait(timeout=40)
    say(f"  gunicorn exited {time.monotonic() - sent:.1f}s later (graceful timeout 20s)")
    storm.stop_flag.set()
    storm.join()
    # A client that saw a reset on a request the server committed would be the failure.
    engine = sa.create_engine(DB_URL.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        committed = {k for (k,) in conn.execute(sa.text(
            "SELECT key FROM idempotency_keys WHERE status_code IS NOT NULL"))}
    engine.dispose()
    broken = [r for r in storm.results if r[2] in ("reset", "timeout") and r[0] in committed]
    say(f"  answers: {storm.summary()}; resets on committed requests: {len(broken)}")
    web.start()
    say(f"  gunicorn started again ({web.base})")
    problems = no_500(storm)
    if broken:
        problems.append(f"{len(broken)} committed requests were reset")
    return storm, problems


def drill_kill_worker(ctx):
    web = ctx["web"]
    storm = Storm(lambda: web.base, ctx["data"], ctx["seconds"] + 4).run_in_background()
    killed = []
    for _ in range(2):
        time.sleep(1.5)
        pids = web.worker_pids()
        if pids:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])
    say(f"  kill -9 of gunicorn workers {killed} mid-redemption (the master starts new ones)")
    storm.join()
    say(f"  answers: {storm.summary()}")
    return storm, no_500(storm)


def drill_rq_kill(ctx):
    """A job killed mid-way (before its commit) is taken again once its lease has passed,
    and its effect (a notification row) happens once."""
    os.environ.update(env())
    from app import create_app
    from app.extensions import db
    from app.jobs import enqueue

    app = create_app("development", {"SECRET_KEY": SECRET})
    tag = f"rq-kill-{uuid.uuid4().hex[:8]}"
    worker = RQWorker("rq-kill").start()
    engine = sa.create_engine(DB_URL.replace("postgresql://", "postgresql+psycopg://"))

    def row(outbox_id):
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT status, attempts, locked_by FROM job_outbox "
                                        "WHERE id = :i"), {"i": outbox_id}).one()

    def put(*args):
        with app.app_context():
            job = enqueue(app.extensions["rq_queue"], "drills.jobs:slow_notice", *args)
            db.session.remove()
        return int(job.id.split("-")[1])

    warm = put(f"{tag}-warm-up", 0)  # the worker imports the app on its first job
    for _ in range(600):
        if row(warm)[0] == "done":
            break
        time.sleep(0.1)
    outbox_id = put(tag, 3)
    say(f"  enqueued a 3-second job, outbox row {outbox_id}")
    for _ in range(300):
        if row(outbox_id)[0] == "running":
            break
        time.sleep(0.1)
    time.sleep(1)
    say(f"  row while the job runs: {tuple(row(outbox_id))}")
    worker.kill9()
    say(f"  kill -9 of the RQ worker (pid {worker.proc.pid}) mid-job")
    time.sleep(4.5)  # the lease (JOB_LEASE_SECONDS=4) passes
    drained = flask("jobs", "drain")
    say(f"  flask jobs drain (the timer's command): {drained.stdout.strip()}")
    final = row(outbox_id)
    with engine.connect() as conn:
        notes = conn.scalar(sa.text("SELECT count(*) FROM notifications WHERE title = :t"),
                            {"t": tag})
    engine.dispose()
    say(f"  row after: {tuple(final)}; notifications written by the job: {notes}")
    problems = []
    if final[0] != "done" or final[1] != 2 or notes != 1:
        problems.append("the killed job was not retried exactly once")
    return None, problems


def drill_backup_restore(ctx):
    web = ctx["web"]
    storm = Storm(lambda: web.base, ctx["data"], ctx["seconds"] + 2).run_in_background()
    time.sleep(1.5)
    dump = WORK / "drill.dump"
    start = time.monotonic()
    out = subprocess.run(["pg_dump", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres",
                          "-Fc", "-f", str(dump), DB], capture_output=True, text=True)
    say(f"  pg_dump under load: exit {out.returncode}, {dump.stat().st_size // 1024} KB in "
        f"{time.monotonic() - start:.1f}s")
    storm.join()
    restored = "drill_restored"
    as_postgres(PG_BIN / "dropdb", "-h", "127.0.0.1", "-p", PG_PORT, "--if-exists", restored)
    as_postgres(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", PG_PORT, restored)
    out = subprocess.run(["pg_restore", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres",
                          "--no-owner", "-d", restored, str(dump)], capture_output=True,
                         text=True)
    say(f"  pg_restore into {restored}: exit {out.returncode}")
    url = f"postgresql://postgres@127.0.0.1:{PG_PORT}/{restored}"
    ok, text = verify_ledger(url)
    say(f"  flask timebank verify on the restored database: {text}")
    trust = flask("trust", "verify", url=url)
    say(f"  flask trust verify on the restored database: "
        f"{(trust.stdout + trust.stderr).strip().splitlines()[-1]}")
    problems = no_500(storm)
    if not ok or trust.returncode != 0 or out.returncode != 0:
        problems.append("the restored database is not whole")
    return storm, problems


DRILLS = {
    "pg-restart": drill_pg_restart,
    "redis-stop": drill_redis_stop,
    "sigterm": drill_sigterm,
    "kill-worker": drill_kill_worker,
    "rq-kill": drill_rq_kill,
    "backup-restore": drill_backup_restore,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=list(DRILLS))
    parser.add_argument("--smoke", action="store_true", help="short storms (CI)")
    parser.add_argument("--keep", action="store_true", help="leave /tmp/llt-drill in place")
    args = parser.parse_args()
    unknown = set(args.names) - set(DRILLS)
    if unknown:
        raise SystemExit(f"unknown drill(s): {', '.join(sorted(unknown))}")
    WORK.mkdir(parents=True, exist_ok=True)
    # a SIGTERM (a CI timeout) still stops what this script started
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    pg, redis_ = Postgres(), Redis()
    ctx = {"pg": pg, "redis": redis_, "seconds": 3 if args.smoke else 10}
    results = {}
    web = None
    try:
        pg.init()
        redis_.start()
        ctx["data"] = prepare()
        web = ctx["web"] = Gunicorn().start()
        say(f"set up in {time.monotonic() - started:.0f}s: PostgreSQL :{PG_PORT}, "
            f"Redis :{REDIS_PORT}, gunicorn {web.base} (2 workers x 4 threads)")
        for name in args.names:
            say(f"\n== {name}")
            t0 = time.monotonic()
            vouchers_before = drill_vouchers()
            storm, problems = DRILLS[name](ctx)
            if storm is not None:
                settled = storm.settle()
                say(f"  retried unanswered keys with the same Idempotency-Key: "
                    f"{settled['retried']} retries; {settled['keys']} keys, "
                    f"{settled['answered_201']} bought")
                problems += check_exactly_once(settled, vouchers_before)
            ok, text = verify_ledger()
            say(f"  flask timebank verify: {text}")
            if not ok:
                problems.append("ledger verify failed")
            results[name] = problems
            say(f"  {'PASS' if not problems else 'FAIL: ' + '; '.join(problems)} "
                f"({time.monotonic() - t0:.0f}s)")
    finally:
        if web is not None:
            web.stop()
        redis_.stop()
        pg.stop(check=False)
        if not args.keep:
            shutil.rmtree(WORK, ignore_errors=True)
    summary = {k: v or "pass" for k, v in results.items()}
    say(f"\n{json.dumps(summary, ensure_ascii=False)}")
    say(f"total {time.monotonic() - started:.0f}s")
    sys.exit(0 if results and all(not v for v in results.values()) else 1)


if __name__ == "__main__":
    main()
