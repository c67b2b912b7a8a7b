"""CLOSE: the consultations' closing job over a compound of 5,000 households (`bench/run.py`).

On a copy of the bench's template database (migrations and demo data), `seed` adds, with
set-based SQL, a compound of the first community with `households` households (each with a
floor area and one approved owner bound to it). `measure` then, per run:

1. creates a consultation of the whole compound (rule `share_of_all`) and opens it through
   the service, as the job does (`open_consultation`): the roll is frozen from the register;
2. casts ballots set-based for 85 % of the roll (80 % agree, 5 % disagree), each with its
   receipt, and the households' votes, as `_cast` writes them;
3. times the job the timer and `flask consultations tick` run (`jobs.tick`), at an instant
   after the consultation's close: it counts, closes, hashes the receipts and notifies every
   bound owner (jobs to the bench's Redis), one transaction, committed;
4. checks the result: the counts are the ballots inserted, and passed/failed is what the rule
   says of them. Runs alternate the threshold (80 %: passes; 85 %: fails).

The figure is the median of the runs' seconds.
"""
import statistics
import time
from datetime import timedelta

import sqlalchemy as sa

from app.common.timeutil import utcnow
from app.consultations import jobs, rules, service
from app.consultations.models import Consultation
from app.extensions import db

COMPOUND = "基准表决小区"
PER_BUILDING = 100

SEED = """
INSERT INTO compounds (community_id, name, kind)
  VALUES ((SELECT min(id) FROM communities), :compound, 'formal');
INSERT INTO buildings (compound_id, name)
  SELECT (SELECT id FROM compounds WHERE name = :compound), b || '栋'
  FROM generate_series(1, :buildings) b;
INSERT INTO households (building_id, unit, room, area_m2)
  SELECT b.id, '1', r::text, 60 + (b.id * 7 + r) % 80
  FROM buildings b JOIN compounds k ON k.id = b.compound_id AND k.name = :compound,
  generate_series(1, :per_building) r;
CREATE TEMP TABLE close_hh AS
  SELECT row_number() OVER (ORDER BY h.id) AS n, h.id, k.community_id
  FROM households h JOIN buildings b ON b.id = h.building_id
  JOIN compounds k ON k.id = b.compound_id AND k.name = :compound;
INSERT INTO users (openid, nickname, created_at)
  SELECT 'close-' || n, '业主' || n, now() FROM close_hh;
INSERT INTO household_bindings (user_id, household_id, community_id, relation, status, note,
                                requested_at)
  SELECT u.id, hh.id, hh.community_id, 'owner', 'approved', '', now()
  FROM close_hh hh JOIN users u ON u.openid = 'close-' || hh.n;
ANALYZE;
"""

# 85 % of the roll votes: seq % 20 in 0..15 agree (80 %), 16 disagrees (5 %), 17..19 do not.
BALLOTS = """
INSERT INTO consultation_ballots (consultation_id, household_id, choice, channel, user_id,
                                  receipt, cast_at)
  SELECT r.consultation_id, r.household_id,
         CASE WHEN r.seq % 20 < 16 THEN 'agree' ELSE 'disagree' END, 'app', b.user_id,
         encode(sha256(convert_to(r.consultation_id || ':' || r.household_id || ':'
                                  || random()::text, 'UTF8')), 'hex'), :now
  FROM consultation_roll r JOIN household_bindings b ON b.household_id = r.household_id
   AND b.status = 'approved' AND b.relation = 'owner'
  WHERE r.consultation_id = :c AND r.seq % 20 < 17;
INSERT INTO consultation_votes (consultation_id, household_id, ballot_id, choice, channel,
                                receipt, cast_at)
  SELECT consultation_id, household_id, id, choice, channel, receipt, cast_at
  FROM consultation_ballots WHERE consultation_id = :c
"""


def seed(url: str, households: int) -> float:
    """The compound and its owners (on a fresh copy of the template); seconds taken."""
    start = time.perf_counter()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        params = {"compound": COMPOUND, "buildings": max(1, households // PER_BUILDING),
                  "per_building": min(households, PER_BUILDING)}
        for statement in SEED.split(";\n"):
            if statement.strip():
                conn.execute(sa.text(statement), params)
    engine.dispose()
    return time.perf_counter() - start


def _open_one(threshold: int, now) -> tuple[int, dict]:
    """A consultation of the compound opened through the service, its ballots cast; its id and
    the counts inserted."""
    compound = db.session.execute(sa.text(
        "SELECT id, community_id FROM compounds WHERE name = :n"), {"n": COMPOUND}).one()
    staff = db.session.scalar(sa.text("SELECT id FROM users WHERE openid = 'demo-staff-1'"))
    c = Consultation(community_id=compound.community_id, compound_id=compound.id,
                     title="基准表决", body="", option_labels={}, rule_kind="share_of_all",
                     threshold_pct=threshold, opens_at=now, closes_at=now + timedelta(hours=1),
                     status="draft", created_by_id=staff, created_at=now)
    db.session.add(c)
    db.session.flush()
    service.open_consultation(c.id, now, actor=None)
    db.session.execute(sa.text(BALLOTS.split(";\n")[0]), {"c": c.id, "now": now})
    db.session.execute(sa.text(BALLOTS.split(";\n")[1]), {"c": c.id})
    counts = dict(db.session.execute(sa.text(
        "SELECT choice, count(*) FROM consultation_votes WHERE consultation_id = :c "
        "GROUP BY choice"), {"c": c.id}).all())
    db.session.commit()
    return c.id, counts


def measure(app, runs: int) -> dict:
    """Median seconds of `jobs.tick` closing one consultation of the compound, and whether
    every close gave the right counts and result."""
    times, wrong, closed = [], [], []
    with app.app_context():
        now = utcnow()
        jobs.tick(now + timedelta(days=2))  # the demo's due consultations, out of the way
        for i in range(runs):
            threshold = rules.DEFAULT_THRESHOLD_PCT if i % 2 == 0 else 85
            cid, counts = _open_one(threshold, utcnow())
            db.session.remove()
            c = db.session.get(Consultation, cid)
            due = c.closes_at + timedelta(seconds=1)
            db.session.remove()
            t = time.perf_counter()
            done = jobs.tick(due)
            times.append(time.perf_counter() - t)
            c = db.session.get(Consultation, cid)
            agree, disagree = counts.get("agree", 0), counts.get("disagree", 0)
            expected = "passed" if agree * 100 >= c.eligible_count * threshold else "failed"
            closed.append(f"{c.result} ({agree}/{c.eligible_count} agree, {threshold} %)")
            if (done["closed"] != 1 or c.status != "closed" or c.result != expected
                    or c.agree_count != agree or c.disagree_count != disagree
                    or c.voted_count != agree + disagree):
                wrong.append(f"run {i + 1}: {c.result} (expected {expected}), tick {done}")
            db.session.remove()
    return {"seconds": statistics.median(times), "runs": [round(x, 2) for x in times],
            "households": c.eligible_count, "voted": c.voted_count, "results": closed,
            "wrong": wrong}
