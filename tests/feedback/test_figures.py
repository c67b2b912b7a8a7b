"""Problems solved and the published rates (response, resolution, satisfaction) per
responsible body."""
from datetime import UTC, date, datetime, timedelta

from app.common.timeutil import SHANGHAI, utcnow
from app.feedback.queries import solved_count


def _solved(fb, start, end):
    with fb.app.app_context():
        return solved_count(fb.c1, start, end)


def _today():
    return utcnow().astimezone(SHANGHAI).date()


def test_only_a_close_after_a_resolution_counts_as_solved(fb):
    today = _today()
    rated = fb.to_state("closed")
    fb.to_state("closed_unresolved")
    fb.to_state("merged")
    fb.to_state("resolved")
    fb.to_state("accepted")
    # Resolved, then closed unresolved by staff: never solved.
    late_close = fb.to_state("resolved")
    fb.do(late_close, "close_unresolved", "demo-staff-1", {"reason": "居民已搬离，无法回访"})
    # Reopened, resolved again and rated: its last resolution held, so it counts, once.
    again = fb.to_state("reopened")
    fb.do(again, "accept", "grid-1")
    fb.do(again, "resolve", "grid-1", {"reply": "已彻底处理"})
    fb.do(again, "rate", "demo-resident-1", {"score": 2})
    assert _solved(fb, today, today) == 2
    # Closed by the job after the rating window: solved too.
    auto = fb.to_state("resolved")
    fb.set(auto, resolved_at=utcnow() - timedelta(days=8))
    from app.feedback.jobs import escalate

    with fb.app.app_context():
        assert escalate()["auto_closed"] == 1
    assert _solved(fb, today, today) == 3
    assert fb.view(auto)["status"] == "closed" and fb.view(rated)["status"] == "closed"
    rates = fb.get("/feedback/rates", "demo-staff-1", community_id=fb.c1,
                   **{"from": today.isoformat(), "to": today.isoformat()})
    assert rates["problems_solved"] == 3


def test_solved_counts_by_the_shanghai_day_of_closing(fb):
    fid = fb.to_state("closed")
    # 2026-01-01 00:30 in Shanghai is still 2025-12-31 in UTC.
    fb.set(fid, closed_at=datetime(2026, 1, 1, 0, 30, tzinfo=SHANGHAI).astimezone(UTC))
    assert _solved(fb, date(2025, 12, 31), date(2025, 12, 31)) == 0
    assert _solved(fb, date(2026, 1, 1), date(2026, 1, 1)) == 1
    assert _solved(fb, date(2025, 12, 1), date(2026, 1, 31)) == 1
    assert _solved(fb, date(2026, 1, 2), date(2026, 1, 31)) == 0


def _rates(fb, who="demo-staff-1", **period):
    today = _today().isoformat()
    query = {"from": period.get("start", today), "to": period.get("end", today)}
    return fb.get("/feedback/rates", who, community_id=fb.c1, **query)


def test_a_rate_with_nothing_to_measure_is_null_with_a_reason(fb):
    out = _rates(fb)
    assert out["overall"]["reports"] == 0 and out["problems_solved"] == 0
    names = [(b["kind"], b["name"]) for b in out["bodies"]]
    assert names == [("community", "观湖社区"), ("grid", "观湖第一网格"), ("grid", "观湖第二网格")]
    for tally in [out["overall"], *out["bodies"]]:
        for name in ("response", "resolution", "satisfaction"):
            rate = tally[name]
            assert rate["rate"] is None and rate["denominator"] == 0 and rate["reason"], name
    # A report still within its deadlines decides nothing yet.
    fb.create()
    assert _rates(fb)["bodies"][1]["response"]["rate"] is None


def test_rates_per_body_with_reopens_and_unresolved_closes_against_them(fb):
    past = utcnow() - timedelta(hours=1)
    good = fb.to_state("closed")  # in time, resolved, rated 5
    late = fb.create(text="迟到的受理")["id"]
    fb.set(late, accept_due_at=past, deadline_at=past)
    fb.do(late, "accept", "grid-1")
    fb.do(late, "resolve", "grid-1", {"reply": "处理了"})
    fb.do(late, "reopen", "demo-resident-1", {"reason": "没处理好"})
    fb.do(late, "accept", "grid-1")
    fb.do(late, "resolve", "grid-1", {"reply": "这次处理好了"})
    fb.do(late, "rate", "demo-resident-1", {"score": 5})
    ignored = fb.create(text="超时未受理")["id"]
    fb.set(ignored, accept_due_at=past, deadline_at=past)
    fb.create(text="刚提交")  # within its deadlines: counted, decides nothing
    refused = fb.create(where="courtyard", text="院里加装充电桩")["id"]
    fb.do(refused, "close_unresolved", "demo-staff-1", {"reason": "暂无条件"})
    fb.to_state("merged", where="courtyard")  # the duplicate is left out; its target counts
    old = fb.to_state("closed", text="上个月的问题")
    fb.set(old, created_at=utcnow() - timedelta(days=40))

    out = _rates(fb)
    community, grid1, grid2 = out["bodies"]
    assert grid1["reports"] == 4
    assert grid1["response"] == {"rate": 33.3, "numerator": 1, "denominator": 3, "reason": None}
    assert grid1["resolution"] == {"rate": 50.0, "numerator": 1, "denominator": 2,
                                   "reason": None}
    assert grid1["satisfaction"] == {"rate": 50.0, "numerator": 1, "denominator": 2,
                                     "reason": None}
    assert community["reports"] == 2  # the refused one and the merge target
    assert community["response"]["rate"] == 0.0 and community["response"]["denominator"] == 1
    assert community["resolution"]["rate"] == 0.0
    assert community["satisfaction"]["rate"] == 0.0
    assert grid2["reports"] == 0 and grid2["satisfaction"]["rate"] is None
    assert out["overall"]["reports"] == 6
    assert out["overall"]["response"]["denominator"] == 4
    assert out["problems_solved"] == 3  # good, late, and the old one closed today
    assert good != old
    # The promised resolution date passing while unresolved counts against resolution.
    fb.set(ignored, resolve_due_at=past)
    assert _rates(fb)["bodies"][1]["resolution"]["denominator"] == 3


def test_rates_are_for_the_community_and_those_above_it(fb):
    for who in ("demo-staff-1", "grid-1", "street-1", "demo-resident-1", "demo-admin"):
        _rates(fb, who)
    for who in ("demo-resident-3", "demo-staff-2", "demo-partner-1"):
        fb.get("/feedback/rates", who, expect=403, community_id=fb.c1, **{
            "from": "2026-01-01", "to": "2026-01-31"})
    fb.get("/feedback/rates", "demo-staff-1", expect=422, community_id=fb.c1,
           **{"from": "2026-02-01", "to": "2026-01-31"})
