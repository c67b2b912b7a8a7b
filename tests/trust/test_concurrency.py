"""Co-signing under real parallel requests against gunicorn on PostgreSQL: one entry counts
once whoever co-signs it at the same time, and co-signs of many entries of one account each
take their own place in the chain."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

pytestmark = pytest.mark.postgres


def parallel(calls, workers=16):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda call: call(), calls))


def cosign(base, world, entry_id, who):
    headers = world.h(who)
    path = f"{base}/api/v1/trust-accounts/{world.account}/entries/{entry_id}/cosign"
    return lambda: requests.post(path, json={}, headers=headers, timeout=30)


def _verify(world):
    from app.trust.verify import verify

    with world.app.app_context():
        return verify()


def test_parallel_cosigns_of_one_entry_count_it_exactly_once(world, live_server):
    from app.audit.models import AuditEntry
    from app.trust.models import TrustEntry

    entry = world.entry("zhou", amount_fen=128640)["id"]
    for name in ("liu", "chen"):
        world.h(name)
    answers = parallel([cosign(live_server, world, entry, ("liu", "chen")[i % 2])
                        for i in range(16)])
    codes = sorted(r.status_code for r in answers)
    assert codes == [200] + [409] * 15, [r.text for r in answers if r.status_code not in
                                         (200, 409)]
    assert {r.json()["error"]["code"] for r in answers if r.status_code == 409} == {
        "already_cosigned"}
    assert world.db_value(sa.select(sa.func.count(TrustEntry.id)).where(
        TrustEntry.status == "counted")) == 1
    assert world.db_value(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == "approve", AuditEntry.target_type == "trust_entry")) == 1
    assert world.balance() == 128640
    result = _verify(world)
    assert result["ok"], result["problems"]


def test_parallel_cosigns_of_many_entries_chain_them_in_order(world, live_server):
    from app.trust.models import TrustEntry

    entries = [world.entry("zhou", amount_fen=100 + i)["id"] for i in range(12)]
    entries += [world.entry("liu", category="parking", amount_fen=1000 + i)["id"]
                for i in range(4)]
    for name in ("liu", "chen", "wang"):
        world.h(name)
    calls = [cosign(live_server, world, e, ("liu", "chen")[i % 2])
             for i, e in enumerate(entries[:12])]
    calls += [cosign(live_server, world, e, "wang") for e in entries[12:]]
    answers = parallel(calls * 2)  # each entry co-signed twice at once
    assert sorted(r.status_code for r in answers) == [200] * 16 + [409] * 16, \
        [r.text for r in answers if r.status_code not in (200, 409)]
    seqs = world.db_value(sa.select(sa.func.array_agg(TrustEntry.seq)).where(
        TrustEntry.status == "counted"))
    assert sorted(seqs) == list(range(1, 17))
    assert world.balance() == sum(100 + i for i in range(12)) + sum(1000 + i for i in range(4))
    result = _verify(world)
    assert result["ok"], result["problems"]
