"""One vote per household under real parallel requests (gunicorn, PostgreSQL), and the
database's own guards of a consultation's promises."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from app.consultations.models import Ballot, Consultation, RollEntry, Vote

pytestmark = pytest.mark.postgres


def parallel(calls, workers=24):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda call: call(), calls))


def post(base, path, headers, body):
    return lambda: requests.post(f"{base}/api/v1{path}", json=body, headers=headers,
                                 timeout=30)


def test_two_owners_of_one_household_voting_at_once_leave_one_vote(world, live_server):
    made = world.consult()
    path = f"/consultations/{made['id']}/vote"
    heads = [world.h("o-101"), world.h("o2-101")]
    calls = [post(live_server, path, heads[i % 2],
                  {"household_id": world.hh["101"], "choice": ("agree", "disagree")[i % 2]})
             for i in range(24)]
    answers = parallel(calls)
    assert [r.status_code for r in answers] == [200] * 24, \
        [r.text for r in answers if r.status_code != 200]
    receipts = {r.json()["receipt"] for r in answers}
    assert len(receipts) == 24
    assert world.db_value(sa.select(sa.func.count(Vote.id))) == 1
    assert world.db_value(sa.select(sa.func.count(Ballot.id))) == 24
    counted = world.db_value(sa.select(Vote.receipt))
    assert counted in receipts
    got = world.get(f"/consultations/{made['id']}", "staff1")
    assert (got["voted"], got["by_area"]["voted"]) == (1, "150.00")
    closed = world.close(made["id"])
    assert closed["voted"] == 1 and closed["agree"] + closed["disagree"] == 1
    published = world.get(f"/consultations/{made['id']}/receipts", "o-101")["items"]
    assert [i["receipt"] for i in published] == [counted]


def test_many_households_voting_at_once_each_count_once(world, live_server):
    made = world.consult(scope={"building_id": world.a1})
    path = f"/consultations/{made['id']}/vote"
    voters = [(f"o-{room}", room) for room in ("101", "102", "103", "104", "201", "202",
                                               "203", "204", "205")] + [("o2-101", "101")]
    heads = {name: world.h(name) for name, _ in voters}
    calls = [post(live_server, path, heads[name], {"household_id": world.hh[room],
                                                   "choice": "agree"})
             for _ in range(3) for name, room in voters]
    answers = parallel(calls)
    assert {r.status_code for r in answers} == {200}, \
        [r.text for r in answers if r.status_code != 200]
    assert world.db_value(sa.select(sa.func.count(Vote.id))) == 9
    closed = world.close(made["id"])
    assert (closed["agree"], closed["eligible"], closed["result"]) == (9, 10, "passed")


def test_the_database_refuses_to_change_a_closed_consultation_or_a_frozen_roll(world, app):
    from app.extensions import db

    made = world.consult()
    world.vote(made["id"], "o-101", "101", "agree")
    with app.app_context():
        # the roll of an open consultation is frozen
        with pytest.raises(DBAPIError, match="consultation_roll refused"):
            db.session.execute(sa.update(RollEntry).where(
                RollEntry.consultation_id == made["id"]).values(area=1))
        db.session.rollback()
    world.close(made["id"])
    with app.app_context():
        statements = [
            sa.update(Consultation).where(Consultation.id == made["id"])
            .values(result="passed"),
            sa.update(Vote).where(Vote.consultation_id == made["id"]).values(choice="disagree"),
            sa.delete(Vote).where(Vote.consultation_id == made["id"]),
            sa.update(Ballot).where(Ballot.consultation_id == made["id"])
            .values(choice="disagree"),
        ]
        for stmt in statements:
            with pytest.raises(DBAPIError, match="refused"):
                db.session.execute(stmt)
            db.session.rollback()
    got = world.get(f"/consultations/{made['id']}", "staff1")
    assert (got["result"], got["agree"]) == ("failed", 1)
