"""Results (count, mean, rank from a minimum count), partners' service ratings, the street's
and 组织部's weighted reviews, the final list and the honours named from it."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.common.timeutil import utcnow
from tests.evaluations.conftest import RESIDENTS


def _items(world, campaign_id, who="staff1"):
    body = world.get(f"/evaluations/{campaign_id}/results", who)
    return body, {i["target_id"]: i for i in body["items"]}


def test_a_rank_only_from_the_minimum_count(world):
    made = world.campaign()
    member, partner = world.target_id(made, "party_member"), world.target_id(made, "partner")
    for name, score in zip(RESIDENTS[:4], (5, 5, 4, 4), strict=True):
        world.score(made["id"], name, member, score)
    for name in RESIDENTS[:5]:
        world.score(made["id"], name, partner, 3)
    body, items = _items(world, made["id"])
    assert body["min_count"] == 5
    assert (items[member]["count"], items[member]["mean"], items[member]["rank"]) == \
        (4, 4.5, None)
    assert (items[partner]["count"], items[partner]["mean"], items[partner]["rank"]) == \
        (5, 3.0, 1)
    assert items[member]["final_rank"] is None
    world.score(made["id"], RESIDENTS[4], member, 3)  # the fifth score: now ranked
    _, items = _items(world, made["id"])
    assert (items[member]["count"], items[member]["mean"], items[member]["rank"]) == \
        (5, 4.2, 1)
    assert items[partner]["rank"] == 2
    # A changed score replaces the old one: still five, a new mean.
    world.score(made["id"], RESIDENTS[4], member, 1)
    _, items = _items(world, made["id"])
    assert (items[member]["count"], items[member]["mean"]) == (5, 3.8)


def test_equal_means_share_a_rank(world, app):
    made = world.campaign()
    member, partner = world.target_id(made, "party_member"), world.target_id(made, "partner")
    for name in RESIDENTS[:5]:
        world.score(made["id"], name, member, 4)
        world.score(made["id"], name, partner, 4)
    _, items = _items(world, made["id"])
    assert items[member]["rank"] == items[partner]["rank"] == 1


def test_min_count_comes_from_config(world, app, monkeypatch):
    made = world.campaign()
    member = world.target_id(made, "party_member")
    world.score(made["id"], "r1", member, 4)
    with monkeypatch.context() as m:
        m.setitem(app.config, "EVALUATION_MIN_COUNT", 1)
        body, items = _items(world, made["id"])
        assert body["min_count"] == 1 and items[member]["rank"] == 1


def _confirmed_request(world, partner_id, rating, at, community_id=None):
    """A confirmed service request of the partner with the resident's rating, confirmed at
    `at` (inserted directly: the orders domain's own tests drive the real flow)."""
    from app.catalog.models import ServiceCategory
    from app.extensions import db
    from app.orders.models import RequestEvent, ServiceRequest

    with world.app.app_context():
        category = db.session.scalar(sa.select(ServiceCategory).limit(1))
        if category is None:
            category = ServiceCategory(code="repair", name="维修")
            db.session.add(category)
            db.session.flush()
        community_id = community_id or world.c1
        req = ServiceRequest(community_id=community_id, household_id=world.homes[community_id][0],
                             resident_id=world.users["r1"], category_id=category.id,
                             description="修理", status="confirmed", partner_id=partner_id,
                             rating=rating, payer=category.payer,
                             points_per_hour=category.points_per_hour,
                             max_minutes=category.max_minutes, created_at=at - timedelta(hours=2),
                             updated_at=at)
        db.session.add(req)
        db.session.flush()
        db.session.add(RequestEvent(request_id=req.id, action="confirm", from_status="completed",
                                    to_status="confirmed", actor_id=world.users["r1"],
                                    actor_role="resident", at=at))
        db.session.commit()


def test_partners_ratings_from_confirmed_requests_feed_the_partner_results(world):
    now = utcnow()
    made = world.campaign(ratings_from=(now - timedelta(days=30)).isoformat())
    partner = world.target_id(made, "partner")
    _confirmed_request(world, world.p1, 5, now - timedelta(days=10))
    _confirmed_request(world, world.p1, 2, now - timedelta(days=20))
    _confirmed_request(world, world.p1, 1, now - timedelta(days=40))  # before ratings_from
    _confirmed_request(world, world.p1, 1, now - timedelta(days=5), community_id=world.c2)
    for name in RESIDENTS[:3]:
        world.score(made["id"], name, partner, 4)
    _, items = _items(world, made["id"])
    item = items[partner]
    assert item["service_ratings"] == {"count": 2, "mean": 3.5}
    assert (item["scores"], item["count"], item["mean"]) == (3, 5, 3.8)  # (12 + 7) / 5
    assert item["rank"] == 1  # five with the ratings


def test_reviews_weigh_into_the_final_list(world):
    made = world.campaign()
    member, partner = world.target_id(made, "party_member"), world.target_id(made, "partner")
    for name in RESIDENTS[:5]:
        world.score(made["id"], name, member, 4)
        world.score(made["id"], name, partner, 5)
    path = f"/evaluations/{made['id']}/reviews"
    world.post(path, "street1", {"target_id": member, "body": "street", "score": 5}, 200)
    world.post(path, "orgdept", {"target_id": member, "body": "org_dept", "score": 5}, 200)
    world.post(path, "street1", {"target_id": partner, "body": "street", "score": 1}, 200)
    world.post(path, "orgdept", {"target_id": partner, "body": "org_dept", "score": 2}, 200)
    # Each body reviews as itself only, and replaces its earlier review.
    world.post(path, "street_other", {"target_id": member, "body": "street", "score": 1}, 403)
    world.post(path, "street1", {"target_id": member, "body": "org_dept", "score": 1}, 403)
    world.post(path, "orgdept", {"target_id": member, "body": "street", "score": 1}, 403)
    world.post(path, "staff1", {"target_id": member, "body": "street", "score": 1}, 403)
    world.post(path, "street1", {"target_id": partner, "body": "street", "score": 2}, 200)
    body, items = _items(world, made["id"], "orgdept")
    assert body["weights"] == {"residents": 0.6, "street": 0.2, "org_dept": 0.2}
    # member: 0.6*4 + 0.2*5 + 0.2*5 = 4.4; partner: 0.6*5 + 0.2*2 + 0.2*2 = 3.8
    assert (items[member]["rank"], items[partner]["rank"]) == (2, 1)
    assert (items[member]["final_score"], items[member]["final_rank"]) == (4.4, 1)
    assert (items[partner]["final_score"], items[partner]["final_rank"]) == (3.8, 2)
    assert [i["target_id"] for i in body["items"]] == [member, partner]
    assert (items[partner]["street_score"], items[partner]["org_dept_score"]) == (2, 2)


def test_a_missing_review_leaves_its_weight_out(world):
    made = world.campaign()
    member = world.target_id(made, "party_member")
    for name in RESIDENTS[:5]:
        world.score(made["id"], name, member, 4)
    world.post(f"/evaluations/{made['id']}/reviews", "street1",
               {"target_id": member, "body": "street", "score": 5}, 200)
    _, items = _items(world, made["id"])
    assert items[member]["final_score"] == 4.25  # (0.6*4 + 0.2*5) / 0.8


def test_residents_see_results_after_the_close_overseers_any_time(world):
    made = world.campaign()
    world.get(f"/evaluations/{made['id']}/results", "r1", expect=409)
    for who in ("staff1", "street1", "orgdept"):
        world.get(f"/evaluations/{made['id']}/results", who)
    for who in ("staff2", "street_other", "r_c2"):
        world.get(f"/evaluations/{made['id']}/results", who, expect=404)
    world.close(made["id"])
    assert world.get(f"/evaluations/{made['id']}/results", "r1")["status"] == "closed"


def test_staff_name_the_best_from_the_final_list_and_they_keep_the_honour(world):
    made = world.campaign(title="2026年度评议")
    member, partner = world.target_id(made, "party_member"), world.target_id(made, "partner")
    for name in RESIDENTS[:5]:
        world.score(made["id"], name, member, 5)
    world.score(made["id"], "r1", partner, 5)  # one score: not ranked
    honours = f"/evaluations/{made['id']}/honours"
    code = world.post(honours, "staff1", {"target_ids": [member]}, 409).get_json()["error"]["code"]
    assert code == "evaluation_not_closed"
    world.close(made["id"])
    world.post(honours, "staff1", {"target_ids": [partner]}, 422)  # not on the final list
    world.post(honours, "staff1", {"target_ids": [99999]}, 422)
    world.post(honours, "staff2", {"target_ids": [member]}, 403)
    world.post(honours, "r1", {"target_ids": [member]}, 403)
    named = world.post(honours, "staff1", {"target_ids": [member], "title": "优秀党员"},
                       201).get_json()["items"]
    assert [(h["kind"], h["ref_id"], h["title"], h["final_rank"]) for h in named] == \
        [("party_member", world.users["pm"], "优秀党员", 1)]
    world.post(honours, "staff1", {"target_ids": [member]}, 409)
    # On the member's profile, for anyone signed in.
    shown = world.get(f"/evaluations/honours?kind=party_member&id={world.users['pm']}", "r_c2")
    assert [(h["title"], h["campaign_title"]) for h in shown["items"]] == \
        [("优秀党员", "2026年度评议")]
    assert world.get(f"/evaluations/honours?kind=partner&id={world.p1}", "r1")["items"] == []
    # Reviews are frozen once the best are named.
    world.post(f"/evaluations/{made['id']}/reviews", "street1",
               {"target_id": member, "body": "street", "score": 1}, 409)
    _, items = _items(world, made["id"])
    assert items[member]["honoured"] is True and items[partner]["honoured"] is False
    from app.audit.models import AuditEntry

    assert world.db_value(sa.select(AuditEntry.details).where(
        AuditEntry.target_type == "evaluation")) == {"honours": [member]}


@pytest.mark.parametrize("weights", [
    {"residents": 0, "street": 1, "org_dept": 1},
    {"residents": 1, "street": -1, "org_dept": 0},
    {"residents": 1, "street": 1}])
def test_weights_are_checked_at_start(weights):
    from app import create_app

    with pytest.raises(RuntimeError):
        create_app("testing", {"EVALUATION_WEIGHTS": weights})


def test_a_compound_party_org_ranks_and_keeps_its_honour(world):
    org = world.party_org()
    made = world.campaign([{"kind": "compound_party_org", "id": org}], title="2026年度评议")
    target = world.target_id(made, "compound_party_org")
    for name in RESIDENTS[:5]:
        world.score(made["id"], name, target, 4)
    _, items = _items(world, made["id"])
    assert (items[target]["name"], items[target]["count"], items[target]["rank"]) == (
        "观湖社区小区党支部", 5, 1)
    world.close(made["id"])
    named = world.post(f"/evaluations/{made['id']}/honours", "staff1",
                       {"target_ids": [target], "title": "先进基层党组织"}, 201).get_json()
    assert [(h["kind"], h["ref_id"]) for h in named["items"]] == [("compound_party_org", org)]
    shown = world.get(f"/evaluations/honours?kind=compound_party_org&id={org}", "r_c2")
    assert [(h["title"], h["campaign_title"]) for h in shown["items"]] == \
        [("先进基层党组织", "2026年度评议")]
