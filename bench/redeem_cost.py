"""What one redemption costs the app: SQL statements and CPU, through the test client.

    .venv/bin/python bench/redeem_cost.py --db postgresql://postgres@127.0.0.1:5432/<db> \
        --redis redis://127.0.0.1:6379/<n> [-n 400]

It migrates the database, adds its own residents, a merchant and two items (one without and
one with a per-user limit), then:

- lists the statements of one redemption of each item, with and without an `Idempotency-Key`
  (SQLAlchemy's `before_cursor_execute`), the session already kept by an earlier request, as
  under load;
- times `-n` sequential redemptions spread over the residents: CPU of this process
  (`time.process_time`, the app's Python and the driver; PostgreSQL's own work is not in it)
  and wall time per request.

The database is written to (rows are added, nothing is dropped): give it a scratch database.
"""
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.inprocess import arguments, dispose, migrated_app  # noqa: E402
from tests.factories import Bank  # noqa: E402


def main() -> None:
    args = arguments(__doc__, 400, "redemptions").parse_args()

    from app.auth.models import RoleGrant
    from app.extensions import db
    from app.mall.models import MallItem, Merchant

    app = migrated_app(args.db, args.redis, TIMEBANK_DEFAULT_BUDGET=10**12)
    bank = Bank(app)
    stamp = str(int(time.time()))
    bank._communities["测试社区"] = bank.community(f"成本社区{stamp}")  # a budget of its own
    users = [bank.user(f"cost-{stamp}-{i}", points=10_000) for i in range(50)]
    with app.app_context():
        merchant = Merchant(name=f"成本商家{stamp}", community_id=bank.community())
        db.session.add(merchant)
        db.session.flush()
        db.session.add(RoleGrant(user_id=users[0], role="merchant", merchant_id=merchant.id))
        common = {"merchant_id": merchant.id, "kind": "goods", "price_points": 1,
                  "stock": 10**7, "valid_days": 30, "published": True}
        free = MallItem(title="不限购", per_user_limit=None, **common)
        limited = MallItem(title="限购", per_user_limit=10**4, **common)
        db.session.add_all([free, limited])
        db.session.commit()
        items = {"no limit": free.id, "per-user limit": limited.id}
        engine = db.engine
    client = app.test_client()
    headers = [bank.headers(uid) for uid in users]
    for h in headers:  # each session checked once and kept, as a worker keeps it
        assert client.get("/api/v1/timebank/account", headers=h).status_code == 200

    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append(f"[{getattr(context, '_get_cache_stats', lambda: '')()}] {statement}")

    n = [0]

    def redeem(item, key: bool, who: int | None = None):
        n[0] += 1
        h = dict(headers[n[0] % len(headers) if who is None else who])
        if key:
            h["Idempotency-Key"] = f"cost-{stamp}-{n[0]}"
        resp = client.post(f"/api/v1/mall/items/{item}/redeem", headers=h)
        assert resp.status_code == 201, resp.get_json()
        return resp

    print(f"database: {engine.dialect.name}; redis: {args.redis or 'none'}")
    for label, item in items.items():
        for key in (True, False):
            redeem(item, key)  # warm this path
            seen.clear()
            sa.event.listen(engine, "before_cursor_execute", listener)
            try:
                redeem(item, key)
            finally:
                sa.event.remove(engine, "before_cursor_execute", listener)
            print(f"statements, {label}, {'with' if key else 'without'} Idempotency-Key: "
                  f"{len(seen)}")
            if args.show:
                for s in seen:
                    print("    " + " ".join(s.split())[:200])

    profiler = cProfile.Profile() if args.profile else None
    for label, item in items.items():
        cpu, wall = [], []
        if profiler:
            profiler.enable()
        for _ in range(args.n):
            c0, w0 = time.process_time(), time.perf_counter()
            redeem(item, True)
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        if profiler:
            profiler.disable()
        print(f"{args.n} sequential redemptions, {label}, with Idempotency-Key: "
              f"CPU ms mean {statistics.fmean(cpu):.2f} median {statistics.median(cpu):.2f}; "
              f"wall ms mean {statistics.fmean(wall):.2f} median {statistics.median(wall):.2f}")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
    dispose(app)


if __name__ == "__main__":
    main()
