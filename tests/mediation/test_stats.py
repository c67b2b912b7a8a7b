"""Figures per community and period: opened (`disputes`), agreed, referred, and the cases
opened on the same dates a year earlier; dates are Asia/Shanghai days, `to` included."""
from datetime import UTC, date, datetime, timedelta

import pytest

from app.common.timeutil import SHANGHAI


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI).astimezone(UTC)


def _make(world, opened_at, closed=None, community=None):
    """A case opened at `opened_at`, optionally closed ((outcome, at)), through the service."""
    from app.auth.models import User
    from app.extensions import db
    from app.mediation import service

    with world.app.app_context():
        who = db.session.get(User, world.users["staff1" if community is None else "staff2"])
        case = service.open_case(who, {
            "community_id": community or world.c1, "kind": "family", "summary": "家庭纠纷",
            "parties": [{"name": "甲"}, {"name": "乙"}]}, opened_at)
        if closed:
            outcome, at = closed
            if outcome == "agreed":
                service.add_session(who, case.id, {"at": at, "mediator_ids": [who.id]}, at)
                service.close_case(who, case.id, {"outcome": "agreed", "duties": [{
                    "party_id": case.parties[0].id, "duty": "道歉", "due_on": at.date()}]}, at)
            else:
                service.close_case(who, case.id, {"outcome": outcome,
                                                  "referred_to": "法院"}, at)
        db.session.commit()
        return case.id


def stats(world, start, end, who="staff1"):
    return world.get(f"/mediations/stats?community_id={world.c1}&from={start}&to={end}", who)


def test_year_on_year_across_a_year_boundary(world):
    # This period: 20 Dec 2025 – 10 Jan 2026 (Shanghai days), across New Year.
    inside = [local(2025, 12, 20, 0, 0), local(2025, 12, 31, 23, 59),
              local(2026, 1, 1, 0, 1), local(2026, 1, 10, 23, 59, 59)]
    outside = [local(2025, 12, 19, 23, 59, 59), local(2026, 1, 11, 0, 0)]
    for when in inside + outside:
        _make(world, when)
    _make(world, local(2026, 1, 2, 9), community=world.c2)  # another community
    # 2026-01-10 23:59 Shanghai is 15:59 UTC: still the 10th here, whatever UTC says.
    assert inside[-1].date() == date(2026, 1, 10)
    assert outside[-1] == datetime(2026, 1, 10, 16, 0, tzinfo=UTC)
    # The same dates a year earlier: 20 Dec 2024 – 10 Jan 2025.
    for when in (local(2024, 12, 20, 8), local(2025, 1, 10, 23, 30),
                 local(2024, 12, 19, 23, 59), local(2025, 1, 11, 0, 0, 1)):
        _make(world, when)
    body = stats(world, "2025-12-20", "2026-01-10")
    assert (body["opened"], body["disputes"], body["previous_year_opened"]) == (4, 4, 2)
    assert body["previous_year"] == {"from": "2024-12-20", "to": "2025-01-10"}
    assert body["change_pct"] == 100.0 and body["change_reason"] is None
    # A year earlier still, nothing: no percentage, and the reason why.
    body = stats(world, "2024-12-20", "2025-01-10")
    assert (body["opened"], body["previous_year_opened"]) == (2, 0)
    assert body["change_pct"] is None and body["change_reason"]
    # Fewer than a year earlier: a negative change.
    body = stats(world, "2025-01-01", "2025-01-10")
    assert (body["opened"], body["previous_year_opened"]) == (1, 0)
    body = stats(world, "2026-01-01", "2026-01-31")
    assert (body["opened"], body["previous_year_opened"], body["change_pct"]) == (3, 2, 50.0)
    body = stats(world, "2025-12-01", "2025-12-31")
    assert (body["opened"], body["previous_year_opened"], body["change_pct"]) == (3, 2, 50.0)


def test_agreed_and_referred_count_by_their_closing_day(world):
    _make(world, local(2025, 12, 1, 9), closed=("agreed", local(2025, 12, 31, 23, 0)))
    _make(world, local(2025, 12, 1, 9), closed=("agreed", local(2026, 1, 1, 0, 30)))
    _make(world, local(2026, 1, 3, 9), closed=("referred", local(2026, 1, 4, 9)))
    _make(world, local(2026, 1, 3, 9), closed=("failed", local(2026, 1, 4, 9)))
    body = stats(world, "2026-01-01", "2026-01-31")
    assert (body["opened"], body["agreed"], body["referred"], body["failed"]) == (2, 1, 1, 1)
    body = stats(world, "2025-12-01", "2025-12-31")
    assert (body["opened"], body["agreed"], body["referred"]) == (2, 1, 0)


def test_agreed_with_volunteer_teams(world):
    case_id = _make(world, local(2026, 1, 3, 9), closed=("agreed", local(2026, 1, 4, 9)))
    _make(world, local(2026, 1, 3, 9), closed=("agreed", local(2026, 1, 4, 9)))
    world.post(f"/mediations/{case_id}/teams", "staff1", {"team_id": world.team}, 201)
    body = stats(world, "2026-01-01", "2026-01-31")
    assert (body["agreed"], body["agreed_with_teams"]) == (2, 1)


def test_who_reads_the_figures_and_bad_periods(world):
    for who in ("staff1", "med1", "street1"):
        stats(world, "2026-01-01", "2026-01-31", who)
    for who in ("resident", "staff2", "street_other"):
        world.get(f"/mediations/stats?community_id={world.c1}&from=2026-01-01&to=2026-01-31",
                  who, expect=403)
    world.get(f"/mediations/stats?community_id={world.c1}&from=2026-02-01&to=2026-01-01",
              "staff1", expect=422)
    world.get(f"/mediations/stats?community_id={world.c1}&from=0001-01-01&to=2026-01-01",
              "staff1", expect=422)
    world.get("/mediations/stats?community_id=999&from=2026-01-01&to=2026-01-02", "staff1",
              expect=404)


@pytest.mark.parametrize(("day", "earlier"), [
    (date(2024, 2, 29), date(2023, 2, 28)), (date(2026, 1, 1), date(2025, 1, 1)),
    (date(2025, 12, 31), date(2024, 12, 31))])
def test_year_earlier_of_a_day(day, earlier):
    from app.mediation.service import year_earlier

    assert year_earlier(day) == earlier
    assert year_earlier(day) + timedelta(days=366) >= day
