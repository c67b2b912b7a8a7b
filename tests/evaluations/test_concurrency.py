"""One score per resident per target, proven with real parallel requests against gunicorn on
PostgreSQL."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from tests.evaluations.conftest import RESIDENTS

pytestmark = pytest.mark.postgres


def parallel(calls, workers=24):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda call: call(), calls))


def post(base, path, headers, body):
    return lambda: requests.post(f"{base}/api/v1{path}", json=body, headers=headers,
                                 timeout=30)


def rows(world):
    from app.evaluations.models import Score

    found = world.db_value(sa.select(sa.func.json_agg(sa.func.json_build_array(
        Score.user_id, Score.target_id, Score.score))))
    return sorted(tuple(r) for r in found or [])


def test_parallel_scores_of_one_resident_for_one_target_leave_one_row(world, live_server):
    made = world.campaign()
    member = world.target_id(made, "party_member")
    head = world.h("r1")
    path = f"/evaluations/{made['id']}/scores"
    answers = parallel([post(live_server, path, head, {"target_id": member,
                                                       "score": 1 + i % 5})
                        for i in range(24)])
    assert [r.status_code for r in answers] == [200] * 24, \
        [r.text for r in answers if r.status_code != 200]
    assert len({r.json()["id"] for r in answers}) == 1
    (row,) = rows(world)
    assert row[:2] == (world.users["r1"], member) and 1 <= row[2] <= 5


def test_parallel_scores_of_many_residents_count_each_once(world, live_server):
    made = world.campaign()
    targets = [t["id"] for t in made["targets"]]
    heads = {name: world.h(name) for name in RESIDENTS}
    path = f"/evaluations/{made['id']}/scores"
    calls = [post(live_server, path, heads[name], {"target_id": t, "score": 4})
             for _ in range(3) for name in RESIDENTS for t in targets]
    answers = parallel(calls)
    assert {r.status_code for r in answers} == {200}, \
        [r.text for r in answers if r.status_code != 200]
    found = rows(world)
    assert len(found) == len(RESIDENTS) * len(targets)
    assert len({(u, t) for u, t, _ in found}) == len(found)
    results = world.get(f"/evaluations/{made['id']}/results", "staff1")["items"]
    assert {i["count"] for i in results} == {len(RESIDENTS)}
