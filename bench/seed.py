"""Databases for the benchmark: a template (migrations + demo data) and COPY-loaded volumes.

`template(url)` builds the schema and the demo data once in `<db>_tpl`; every run copies it
(`CREATE DATABASE … TEMPLATE`, a file copy) and loads volume with PostgreSQL COPY:

- `users` residents, each with a personal points account;
- `postings` ledger postings: transfers of the demo community's issuing account to the users,
  two postings each, with the balances, sequence numbers and the hash chain the ledger writes
  (so `flask timebank verify` stays clean);
- `requests` service requests of the demo staff's community (the staff list of P1/P5).

At the issue's sizes (1,000,000 postings, 100,000 users, 200,000 requests) the load is timed
and reported; the bar is under 3 minutes.
"""
import io
import time
from datetime import UTC, datetime, timedelta

import psycopg

from app.timebank.ledger import chain_hash
from app.timebank.models import GENESIS_HASH

EPOCH_BENCH = datetime(2026, 1, 1, tzinfo=UTC)
GRANT_POINTS = 100


def pg(url: str) -> str:
    """A libpq URL (psycopg) from any of the spellings the app accepts."""
    for prefix in ("postgresql+psycopg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix):]
    return url


def admin_url(url: str) -> str:
    return pg(url).rsplit("/", 1)[0] + "/postgres"


def db_name(url: str) -> str:
    return pg(url).rsplit("/", 1)[1]


def with_db(url: str, name: str) -> str:
    return pg(url).rsplit("/", 1)[0] + "/" + name


def exists(url: str) -> bool:
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (db_name(url),)).fetchone() is not None


def drop(url: str) -> None:
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name(url)}" WITH (FORCE)')


def copy_of(template_url: str, url: str) -> None:
    """`url` becomes a fresh copy of the template database."""
    drop(url)
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db_name(url)}" TEMPLATE "{db_name(template_url)}"')


def meta(url: str) -> dict:
    """What the bench loaded into this database ({} when nothing, or not a bench database)."""
    if not exists(url):
        return {}
    with psycopg.connect(pg(url)) as conn:
        found = conn.execute("SELECT to_regclass('bench_meta')").fetchone()[0]
        if not found:
            return {}
        return dict(conn.execute("SELECT key, value FROM bench_meta").fetchall())


def _set_meta(conn, values: dict) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text)")
    for key, value in values.items():
        conn.execute("INSERT INTO bench_meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE "
                     "SET value = excluded.value", (key, str(value)))


def alembic_head(url: str) -> str:
    with psycopg.connect(pg(url)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def load(url: str, *, users: int, postings: int, requests: int) -> dict:
    """COPY `users` residents, `postings` postings and `requests` service requests into the
    database at `url` (a fresh copy of the template). Returns the counts and seconds."""
    started = time.monotonic()
    with psycopg.connect(pg(url)) as conn:
        conn.execute("SET synchronous_commit = off")
        community = conn.execute(
            "SELECT g.community_id FROM role_grants g JOIN users u ON u.id = g.user_id "
            "WHERE u.openid = 'demo-staff-1' AND g.role = 'staff'").fetchone()[0]
        household, category = conn.execute(
            "SELECT h.id, (SELECT min(id) FROM service_categories) FROM households h "
            "JOIN buildings b ON b.id = h.building_id JOIN compounds c ON c.id = b.compound_id "
            "WHERE c.community_id = %s ORDER BY h.id LIMIT 1", (community,)).fetchone()
        first_user = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM users").fetchone()[0]
        first_account = conn.execute(
            "SELECT coalesce(max(id), 0) + 1 FROM tb_accounts").fetchone()[0]
        first_transfer = conn.execute(
            "SELECT coalesce(max(id), 0) + 1 FROM tb_transfers").fetchone()[0]
        first_posting = conn.execute(
            "SELECT coalesce(max(id), 0) + 1 FROM tb_postings").fetchone()[0]
        issuer = conn.execute(
            "SELECT id, balance, entries, head_hash FROM tb_accounts "
            "WHERE kind = 'community' AND community_id = %s", (community,)).fetchone()
        now = datetime.now(UTC)

        with conn.cursor() as cur, \
                cur.copy("COPY users (id, openid, nickname, created_at) FROM STDIN") as cp:
            for i in range(users):
                cp.write_row((first_user + i, f"bench-{i}", f"压测居民{i}", now))

        # Ledger: transfer t credits user t % users from the community's issuing account.
        transfers = postings // 2
        user_balance = [0] * users
        user_entries = [0] * users
        user_head = [GENESIS_HASH] * users
        c_balance, c_entries, c_head = issuer[1], issuer[2], issuer[3]
        t_buf, p_buf = io.StringIO(), io.StringIO()
        posting_id = first_posting
        for t in range(transfers):
            tid = first_transfer + t
            u = t % users
            account = first_account + u
            key = f"bench:{tid}"
            at = EPOCH_BENCH + timedelta(seconds=t)
            amount = GRANT_POINTS
            t_buf.write(f"{tid}\t{key}\tservice_credit\t{amount}\t{issuer[0]}\t{account}\t"
                        f"bench\t\t60\t{at.isoformat()}\n")
            # legs in account-id order, as the ledger writes them
            legs = sorted([(issuer[0], -amount), (account, amount)])
            for acc, amt in legs:
                if acc == issuer[0]:
                    c_entries += 1
                    c_balance += amt
                    c_head = chain_hash(c_head, acc, c_entries, tid, key, amt, c_balance,
                                        "service_credit", at)
                    seq, bal, digest = c_entries, c_balance, c_head
                else:
                    user_entries[u] += 1
                    user_balance[u] += amt
                    user_head[u] = chain_hash(user_head[u], acc, user_entries[u], tid, key, amt,
                                              user_balance[u], "service_credit", at)
                    seq, bal, digest = user_entries[u], user_balance[u], user_head[u]
                p_buf.write(f"{posting_id}\t{tid}\t{acc}\t{seq}\t{amt}\t{bal}\tservice_credit\t"
                            f"{at.isoformat()}\t{digest}\n")
                posting_id += 1
        with conn.cursor() as cur:
            with cur.copy("COPY tb_accounts (id, kind, user_id, floor, balance, entries, "
                          "head_hash, created_at) FROM STDIN") as cp:
                for u in range(users):
                    cp.write_row((first_account + u, "user", first_user + u, 0,
                                  user_balance[u], user_entries[u], user_head[u], now))
            with cur.copy("COPY tb_transfers (id, key, kind, amount, debit_account_id, "
                          "credit_account_id, ref, memo, minutes, created_at) FROM STDIN") as cp:
                cp.write(t_buf.getvalue())
            with cur.copy("COPY tb_postings (id, transfer_id, account_id, seq, amount, "
                          "balance_after, kind, created_at, hash) FROM STDIN") as cp:
                cp.write(p_buf.getvalue())
        conn.execute("UPDATE tb_accounts SET balance = %s, entries = %s, head_hash = %s, "
                     "floor = %s WHERE id = %s",
                     (c_balance, c_entries, c_head, min(-10**12, c_balance), issuer[0]))

        statuses = ("submitted", "dispatched", "accepted", "completed", "confirmed")
        with conn.cursor() as cur, \
                cur.copy("COPY service_requests (community_id, household_id, resident_id, "
                         "category_id, description, content_ok, status, held_points, payer, "
                         "points_per_hour, max_minutes, created_at, updated_at, deadline_at) "
                         "FROM STDIN") as cp:
            for r in range(requests):
                created = now - timedelta(minutes=requests - r)
                cp.write_row((community, household, first_user + r % max(users, 1),
                              category, f"压测需求 #{r}：帮忙修理水龙头", True,
                              statuses[r % len(statuses)], 0, "resident", 10, 120,
                              created, created, created + timedelta(hours=24 + r % 97)))
        for seq_table, column, value in (("users", "id", first_user + users),
                                         ("tb_accounts", "id", first_account + users),
                                         ("tb_transfers", "id", first_transfer + transfers),
                                         ("tb_postings", "id", posting_id)):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{seq_table}', '{column}'), "
                         f"%s)", (value,))
        _set_meta(conn, {"users": users, "postings": postings, "requests": requests,
                         "alembic": conn.execute(
                             "SELECT version_num FROM alembic_version").fetchone()[0]})
        conn.commit()
    with psycopg.connect(pg(url), autocommit=True) as conn:
        conn.execute("ANALYZE")
    return {"users": users, "postings": transfers * 2, "requests": requests,
            "seconds": round(time.monotonic() - started, 1)}
