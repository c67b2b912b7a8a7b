"""What one read costs the app: SQL statements and CPU, through the test client.

    .venv/bin/python bench/list_cost.py --db postgresql://postgres@127.0.0.1:5432/<db> \
        [--redis redis://127.0.0.1:6379/<n>] [-n 300] [--path /api/v1/timebank/account] \
        [--show] [--profile 30]

It migrates the database and, when it holds no service request yet, seeds the demo data; then,
as the first staff member of community 1, with the session already kept by an earlier request
(as under load):

- lists the statements of one request to `--path` (default: the staff list, P1's
  `/api/v1/requests?scope=community&limit=20`), counted by SQLAlchemy's
  `before_cursor_execute` (psycopg's own `BEGIN`, `COMMIT` and `ROLLBACK` are not in it);
- times `-n` sequential requests: CPU of this process (`time.process_time`: the app's Python
  and the driver; PostgreSQL's own work is not in it) and wall time per request.

The database is written to (the demo data, a session): give it a scratch database.
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
    parser = arguments(__doc__, 300, "requests")
    parser.add_argument("--path", default=None, help="the GET to time (default: P1's list)")
    args = parser.parse_args()

    from app import demo
    from app.auth.models import RoleGrant
    from app.extensions import db
    from app.orders.models import ServiceRequest

    app = migrated_app(args.db, args.redis)
    with app.app_context():
        if not db.session.scalar(sa.select(sa.func.count(ServiceRequest.id))):
            demo.seed()
            db.session.commit()
        staff = db.session.scalar(sa.select(RoleGrant.user_id).where(
            RoleGrant.role == "staff", RoleGrant.community_id == 1).order_by(RoleGrant.id))
        engine = db.engine
    path = args.path or "/api/v1/requests?scope=community&limit=20&community_id=1"
    client = app.test_client()
    headers = Bank(app).headers(staff)
    first = client.get(path, headers=headers)  # the session checked once and kept
    assert first.status_code == 200, first.get_json()

    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(path, headers=headers)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    print(f"database: {engine.dialect.name}; redis: {args.redis or 'none'}; GET {path}")
    print(f"statements per request: {len(seen)}")
    if args.show:
        for s in seen:
            print("    " + " ".join(s.split())[:200])

    profiler = cProfile.Profile() if args.profile else None
    cpu, wall = [], []
    if profiler:
        profiler.enable()
    for _ in range(args.n):
        c0, w0 = time.process_time(), time.perf_counter()
        client.get(path, headers=headers)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    if profiler:
        profiler.disable()
    print(f"{args.n} sequential requests: CPU ms mean {statistics.fmean(cpu):.2f} median "
          f"{statistics.median(cpu):.2f}; wall ms mean {statistics.fmean(wall):.2f} median "
          f"{statistics.median(wall):.2f}")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
    dispose(app)


if __name__ == "__main__":
    main()
